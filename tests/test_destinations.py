"""Destination-choice rows computed on demand equal the rows of the whole table."""

from __future__ import annotations

import numpy as np

from models.movement import destination_choice_cdf
from simulator.destinations import DestinationChoice
from simulator.model import MigrationModel


def test_rows_on_demand_equal_the_whole_table():
    model = MigrationModel(scale=5000, days=3)
    model.run()
    params = model.params["movement"]
    dest = model._dest_nodes
    args = (model.graph.attractiveness[dest], model._stock_persons[dest])
    whole = destination_choice_cdf(*args, model._masked_distances(), params)
    choice = DestinationChoice(model.graph.n_nodes, dest, model._dest_columns)
    choice.new_day(*args, model.routes.distance_km, params)
    asked = [5, 0, 5, model.graph.n_nodes - 1]
    table, row_of = choice.rows(asked)
    table, row_of = choice.rows([3, 0])  # rows already computed are kept
    assert np.count_nonzero(row_of >= 0) == 4 and len(table) == 4
    for node in (0, 3, 5, model.graph.n_nodes - 1):
        assert np.array_equal(table[row_of[node]], whole[node])  # bit for bit
    # Nobody chooses the place they are at: a destination's own step in its row is zero.
    for j, node in enumerate(dest):
        assert whole[node, j] == (whole[node, j - 1] if j else 0.0)
    choice.new_day(*args, model.routes.distance_km, params)
    assert np.all(choice.row_of < 0) and len(choice.table) == 0

"""MigrationModel follows Mesa's conventions: batch_run rebuilds it from keyword arguments."""

from __future__ import annotations

import mesa

from simulator.model import MigrationModel
from tests.conftest import TINY


def test_batch_run_two_seeds():
    results = mesa.batch_run(
        MigrationModel,
        parameters={"scenario": str(TINY), "seed": [1, 2], "scale": 1},
        iterations=1,
        max_steps=100,
        number_processes=1,
        display_progress=False,
    )
    finals = {row["seed"]: row for row in results if row["Step"] == 9}
    assert set(finals) == {1, 2}
    for row in finals.values():
        assert row["settled"] + row["in_transit"] + row["returned"] == 1000 + 100 * 10
        assert row["settled"] > 1000


def test_datacollector_has_a_row_per_day():
    model = MigrationModel(scenario=str(TINY))
    model.run()
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == model.days
    assert frame["settled"].iloc[0] == 1000  # the first day's departures are still on the road
    assert frame["settled"].iloc[-1] == 1000 + 100 * (model.days - 1)

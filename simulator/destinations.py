"""Today's destination-choice rows, computed only for the nodes where somebody chooses.

A person choosing a destination at node n draws from row n of the
multinomial-logit table (:func:`models.movement.destination_choice_cdf`).  The
table depends on attractiveness, yesterday's stocks and the route distances,
none of which change within a day, but only a few nodes need a row on a given
day (the origins people spawn at and the places of the few settled people who
move on), so rows are computed when first asked for and kept until the next
day.  A row is the same whichever other rows are computed with it.
"""

from __future__ import annotations

import numpy as np

from models import movement as mv


class DestinationChoice:
    """Choice rows of one day: ``table[row_of[n]]`` is node n's cumulative row (``row_of[n] = -1``: not computed)."""

    def __init__(self, n_nodes: int, dest_nodes: np.ndarray, dest_columns: np.ndarray):
        self.dest_nodes = dest_nodes
        self.dest_columns = dest_columns  # each destination's column in the route tables
        self.row_of = np.full(n_nodes, -1, dtype=np.int32)
        self.table = np.zeros((0, len(dest_nodes)))
        self._inputs = None

    def new_day(self, attractiveness: np.ndarray, stock_persons: np.ndarray, distance_km: np.ndarray, params) -> None:
        """Forget yesterday's rows; ``distance_km`` is the route tables' (nodes, targets) distance table."""
        self.row_of[:] = -1
        self.table = np.zeros((0, len(self.dest_nodes)))
        self._inputs = (attractiveness, stock_persons, distance_km, params)

    def rows(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(table, row_of) with a row for each of ``nodes`` (computed now if not yet today)."""
        nodes = np.asarray(nodes, dtype=np.int64)
        missing = np.unique(nodes[self.row_of[nodes] < 0]) if len(nodes) else nodes
        if len(missing):
            attractiveness, stock_persons, distance_km, params = self._inputs
            distance = masked_distances(distance_km, missing, self.dest_columns, self.dest_nodes)
            new = mv.destination_choice_cdf(attractiveness, stock_persons, distance, params)
            self.row_of[missing] = np.arange(len(self.table), len(self.table) + len(missing), dtype=np.int32)
            self.table = np.concatenate([self.table, new]) if len(self.table) else new
        return self.table, self.row_of


def masked_distances(distance_km: np.ndarray, rows: np.ndarray, dest_columns: np.ndarray, dest_nodes: np.ndarray) -> np.ndarray:
    """Route distances (rows, destinations) from the nodes ``rows``; inf from a destination to itself."""
    rows = np.asarray(rows)
    distance = distance_km[rows][:, dest_columns]
    distance[rows[:, None] == dest_nodes[None, :]] = np.inf
    return distance

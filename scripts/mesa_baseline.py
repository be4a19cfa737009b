"""The baseline a Mesa user would write: one ``mesa.Agent`` per person, the same movement rule as migsim.

Rule (as in ``models/movement.py``, without information or border effects):
a person in transit at a node leaves with the node kind's daily probability; a
settled person moves on with a small daily probability to a destination drawn
from the same logit choice; travellers follow the shortest route at the link's
speed, possibly over several links a day, stop at reception stations, and
settle at their destination.  New departures are added each day at the
origins.  Used by ``scripts/bench.py`` for the side-by-side.
"""

from __future__ import annotations

import bisect

import mesa
import numpy as np

from models import movement as mv
from simulator.model import MigrationModel

SETTLED, IN_TRANSIT, ON_LINK = 0, 1, 3


class Migrant(mesa.Agent):
    """One person."""

    def __init__(self, model, node: int, destination: int, status: int):
        super().__init__(model)
        self.node = node
        self.destination = destination
        self.status = status
        self.link = -1
        self.progress_km = 0.0

    def step(self) -> None:
        m = self.model
        if self.status == SETTLED:
            if m.random.random() < m.onward:
                row = m.cdf[self.node]
                k = bisect.bisect_right(row, m.random.random())
                if row[-1] > 0 and k < len(row) and m.destinations[k] != self.node:
                    self.destination = m.destinations[k]
                    self._depart()
        elif self.status == IN_TRANSIT:
            if m.random.random() < m.leave[self.node]:
                self._depart()
        if self.status == ON_LINK:
            self._travel()

    def _depart(self) -> None:
        m = self.model
        nxt = m.next_link(self.node, self.destination)
        if nxt < 0:
            self.status = IN_TRANSIT
            return
        self.link, self.progress_km, self.status = nxt, 0.0, ON_LINK

    def _travel(self) -> None:
        m = self.model
        time_left = 1.0
        while True:
            remaining = m.length[self.link] - self.progress_km
            need = remaining / m.speed[self.link]
            if need > time_left:
                self.progress_km += time_left * m.speed[self.link]
                return
            time_left -= need
            self.node = m.dst[self.link]
            if self.node == self.destination:
                self.status, self.link, self.progress_km = SETTLED, -1, 0.0
                m.arrivals[self.node] += 1
                return
            nxt = m.next_link(self.node, self.destination)
            if nxt < 0 or m.stop[self.node] or time_left <= 0:
                self.status, self.link, self.progress_km = IN_TRANSIT, -1, 0.0
                return
            self.link, self.progress_km = nxt, 0.0


class MesaMigration(mesa.Model):
    """The same scenario as a migsim model, with one Mesa agent per person (built from the migsim model's tables)."""

    def __init__(self, reference: MigrationModel, seed: int = 1):
        super().__init__(seed=seed)
        g, routes = reference.graph, reference.routes
        params = reference.params["movement"]
        self.leave = params.leave_probability_by_kind()[g.node_kind].tolist()
        self.onward = params.onward_probability_per_day
        self.length = g.link_length_km.tolist()
        self.speed = g.link_speed_km_per_day.tolist()
        self.dst = g.link_dst.tolist()
        self.stop = g.forces_stop().tolist()
        self._next = routes.next_link.tolist()
        self._column = routes.target_column.tolist()
        self.destinations = reference._dest_nodes.tolist()
        stock = reference._stock_persons[reference._dest_nodes]
        self.cdf = mv.destination_choice_cdf(
            g.attractiveness[reference._dest_nodes], stock, reference._masked_distances(), params
        ).tolist()
        self.streams = [(origin, steps[0][1]) for origin, _, steps in reference._streams]
        self.owed = [0.0] * len(self.streams)
        self.arrivals = np.zeros(g.n_nodes, dtype=np.int64)
        pop = reference.population
        for node, status in zip(pop.node.tolist(), pop.status.tolist(), strict=True):
            Migrant(self, node, node, SETTLED if status == 0 else IN_TRANSIT)

    def next_link(self, node: int, destination: int) -> int:
        return self._next[node][self._column[destination]]

    def step(self) -> None:
        for k, (origin, rate) in enumerate(self.streams):
            before = int(self.owed[k])
            self.owed[k] += rate
            for _ in range(int(self.owed[k]) - before):
                row = self.cdf[origin]
                j = bisect.bisect_right(row, self.random.random())
                if row[-1] > 0 and j < len(row):
                    Migrant(self, origin, self.destinations[j], IN_TRANSIT)
        self.agents.shuffle_do("step")

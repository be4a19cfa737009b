"""The ``flee`` ruleset: one day of Flee 3's default rules on a migsim model.

A day, in Flee's order: (1) events whose day has come (conflicts starting or
ending, closures, camps closing); (2) new agents (spawning, below); (3) every
location's score, move chance and capacity factor, and every candidate path's
choice probability, from the counts at the start of the day; (4) every agent
decides and travels (:func:`models.flee.evolve`); (5) the census is recorded.

Spawning modes (scenario key ``flee.spawning``):

* ``sum_from_camps`` (Flee's default): day t >= 1 brings as many people as the
  observed camp series rose since day t-1, minus any carried deficit (a fall
  is carried forward as a deficit); each new agent starts at a conflict zone
  drawn in proportion to population x intensity x decay.  Day 0's camp counts
  are the scenario's initial stocks.
* ``conflict_driven``: each active conflict zone sends ``displaced_per_conflict_day``
  persons a day (``constant``), a Poisson number with that mean (``poisson``),
  or that share of its population (``pop_ratio``), times the decay.
* ``departures``: the scenario's departure series, as migsim's own ruleset reads them.
"""

from __future__ import annotations

import time

import numpy as np

from models import flee as fk
from models.rng import day_key
from models.state import IN_TRANSIT, ON_LINK, SETTLED
from simulator.errors import ScenarioError
from simulator.flee.paths import PathTable, enumerate_paths
from simulator.flee.section import FleeSection

#: Event types the flee ruleset acts on; a scenario with others cannot run with it.
HONOURED_EVENTS = {
    "close_link",
    "open_link",
    "close_node",
    "open_node",
    "set_parameter",
    "conflict",
    "set_location_type",
    "set_camp_capacity",
}
DEPARTURE_EVENTS = {"set_departures", "scale_departures"}
#: Events that only change what people know: Flee has no information model, so they change nothing (with a warning).
INFORMATION_EVENTS = {"campaign", "misinformation"}
PHASES = ("events", "spawn", "information", "decide", "move", "record")


class FleeRuleset:
    """Flee's default rules for one run; node state changes with events, agent state lives beside the population."""

    name = "flee"

    def __init__(self, model):
        sc = model.scenario
        self.section: FleeSection = sc.flee if sc.flee is not None else FleeSection.derived_from(sc)
        self._check_events(sc)
        g = model.graph
        rows = [self.section.locations[node_id] for node_id in g.node_ids]
        self.location_type = np.array([fk.LOCATION_TYPES[r.location_type] for r in rows], dtype=np.int8)
        self.intensity = np.array([r.conflict_intensity or 0.0 for r in rows], dtype=np.float64)
        self.conflict_day = np.array([r.conflict_day for r in rows], dtype=np.int64)
        self.population = np.array([r.population for r in rows], dtype=np.float64)
        self.capacity_persons = np.array([r.capacity_persons for r in rows], dtype=np.float64)
        self.capacity_per_day = np.array([r.capacity_per_day for r in rows], dtype=np.float64)
        home = self.section.home_country
        self.foreign = np.array([(n.country or n.iso3) != home for n in sc.nodes], dtype=np.uint8)
        params = model.params["flee"]
        if int(params.awareness_level) != params.awareness_level:
            raise ScenarioError(f"must be a whole number (got {params.awareness_level})", field="parameters.flee.awareness_level")
        # Flee turns any place whose move chance is below 0.005 into a camp.
        chance = fk.move_chances(self.location_type, self.population, self.capacity_persons, params)
        made = (chance < 0.005) & ~fk.is_camp(self.location_type)
        self.location_type[made] = fk.CAMP
        self.made_camps = [g.node_ids[i] for i in np.flatnonzero(made)]
        # Links: their own speed (else max_move_speed, read each day) and walking probability.
        explicit = np.array([lk.speed_km_per_day or 0.0 for lk in sc.links], dtype=np.float64)
        self._link_speed_explicit = np.repeat(explicit, 2)
        walk = np.array([self.section.walk_probability.get(lk.id, 0.0) for lk in sc.links], dtype=np.float64)
        self.link_walk_probability = np.repeat(walk, 2)
        self.observed_data, self.p0_persons = self._camp_data(model)
        self.debt_persons = 0.0
        self.spawned_persons = 0.0  # cumulative persons owed, converted to agents by whole agents
        self.zone_persons = np.zeros(g.n_nodes)
        self.unplaced_persons = 0.0
        self.paths: PathTable | None = None
        self._paths_level = -1
        self.paths_dirty = True
        self.route = np.zeros((0, 1), dtype=np.int32)
        self.route_len = np.zeros(0, dtype=np.uint8)
        self.speed_km_per_day = np.zeros(0, dtype=np.float32)
        self.recent = np.zeros(0, dtype=np.float32)

    # -- set-up -----------------------------------------------------------------

    def _check_events(self, scenario) -> None:
        honoured = HONOURED_EVENTS | (DEPARTURE_EVENTS if self.section.spawning == "departures" else set())
        self.warnings: list[str] = []
        for index, event in enumerate(scenario.events):
            if event.event_type in INFORMATION_EVENTS:
                self.warnings.append(
                    f"{scenario.source}: events[{index}]: the flee ruleset has no information model; "
                    f"the {event.event_type} '{getattr(event, 'name', '')}' changes nothing"
                )
                continue
            if event.event_type not in honoured:
                raise ScenarioError(
                    f"the flee ruleset does not model '{event.event_type}' events (it models: {', '.join(sorted(honoured))})",
                    scenario.source,
                    field=f"events[{index}]",
                )
            if event.event_type == "set_parameter" and not event.name.startswith("flee."):
                raise ScenarioError(
                    f"the flee ruleset reads only flee.* parameters (got {event.name})", scenario.source, field=f"events[{index}]"
                )

    def _camp_data(self, model):
        """Observed persons per observed location and day 0..days (for sum-from-camps), and each node's day-0 count."""
        sc = model.scenario
        observed = sc.observed
        p0 = np.zeros(model.graph.n_nodes)
        if self.section.spawning == "sum_from_camps" and (observed is None or not observed.locations):
            raise ScenarioError(
                "flee.spawning is sum_from_camps, which needs observed camp series (an `observed:` section); "
                "import the case with --validation, or set flee.spawning to conflict_driven",
                sc.source,
                field="flee.spawning",
            )
        if observed is None:
            return np.zeros((0, model.days + 1), dtype=np.int64), p0
        data = np.array([observed.daily(name, model.days + 1) for name in observed.locations], dtype=np.int64)
        data = data.reshape(len(observed.locations), model.days + 1)
        if self.section.insert_day0:
            for k, name in enumerate(observed.locations):
                p0[model.graph.index(name)] = data[k, 0]
        return data, p0

    def start(self, model) -> None:
        """After the initial stocks are placed: everybody is at a location, with no planned route."""
        pop = model.population
        camp = fk.is_camp(self.location_type)
        pop.status[:] = np.where(camp[pop.node], SETTLED, IN_TRANSIT)
        pop.destination[:] = -1
        self._grow(model)

    def _grow(self, model) -> None:
        capacity = model.population.capacity
        if len(self.route_len) >= capacity:
            return
        width = self.route.shape[1]
        route = np.full((capacity, width), -1, dtype=np.int32)
        route[: len(self.route)] = self.route
        self.route = route
        for name in ("route_len", "speed_km_per_day", "recent"):
            old = getattr(self, name)
            grown = np.zeros(capacity, dtype=old.dtype)
            grown[: len(old)] = old
            setattr(self, name, grown)

    def _update_paths(self, model) -> None:
        level = int(model.params["flee"].awareness_level)
        if not (self.paths_dirty or model._routes_dirty or level != self._paths_level):
            return
        g, p = model.graph, model.policy
        self.paths = enumerate_paths(
            g.link_src, g.link_dst, g.link_length_km, p.link_open, p.node_open, self.location_type, level
        )
        needed = max(self.paths.width - 1, 1)
        if needed > self.route.shape[1]:
            route = np.full((len(self.route), needed), -1, dtype=np.int32)
            route[:, : self.route.shape[1]] = self.route
            self.route = route
        self._paths_level = level
        self.paths_dirty = False
        model._routes_dirty = False
        model.route_computations += 1

    # -- events -----------------------------------------------------------------

    def set_conflict(self, node: int, intensity: float, day: int) -> None:
        """A conflict starts (intensity > 0) or ends (0) at ``node``."""
        if intensity > 0:
            if self.intensity[node] <= 0:
                self.conflict_day[node] = day
            self.location_type[node] = fk.CONFLICT_ZONE
            self.intensity[node] = intensity
        elif self.intensity[node] > 0 or self.location_type[node] == fk.CONFLICT_ZONE:
            self.location_type[node] = fk.TOWN
            self.intensity[node] = 0.0

    def set_location_type(self, node: int, location_type: str, day: int) -> None:
        """``node`` becomes a place of another type."""
        code = fk.LOCATION_TYPES[location_type]
        if (code == fk.MARKER) != (self.location_type[node] == fk.MARKER):
            self.paths_dirty = True
        if code == fk.CONFLICT_ZONE:
            self.set_conflict(node, self.intensity[node] or 1.0, day)
            return
        self.location_type[node] = code
        self.intensity[node] = 0.0

    def set_capacity(self, node: int, capacity_persons: int) -> None:
        """A camp's capacity (0: none)."""
        self.capacity_persons[node] = capacity_persons

    # -- one day ----------------------------------------------------------------

    def _decay(self, day: int) -> np.ndarray:
        decay = self.section.conflict_spawn_decay
        if not decay:
            return np.ones(len(self.intensity))
        steps = np.floor((day - self.conflict_day) / self.section.conflict_spawn_decay_interval_days).astype(np.int64)
        return np.asarray(decay, dtype=np.float64)[np.clip(steps, 0, len(decay) - 1)]

    def _spawn(self, model, day: int) -> tuple[int, np.ndarray]:
        """New agents of the day; returns how many and the count per location."""
        g, pop, scale = model.graph, model.population, model.scale
        mode = self.section.spawning
        per_node_persons = np.zeros(g.n_nodes)
        pooled_persons = 0.0
        decay = self._decay(day)
        zones = np.flatnonzero(self.intensity > 0)
        if mode == "sum_from_camps":
            if day >= 1 and len(self.observed_data):
                rise = float((self.observed_data[:, day] - self.observed_data[:, day - 1]).sum())
                owed = rise - self.debt_persons
                if owed < 0:
                    self.debt_persons = -owed
                else:
                    self.debt_persons = 0.0
                    pooled_persons = owed
        elif mode == "conflict_driven":
            rate = self.section.displaced_per_conflict_day
            key = day_key(model.seed_value, fk.STREAM_SPAWN_COUNT, day)
            for z in zones:
                if self.section.conflict_spawn_mode == "pop_ratio":
                    persons = self.population[z] * rate
                elif self.section.conflict_spawn_mode == "poisson":
                    persons = float(fk.poisson(key, int(z), rate))
                else:
                    persons = rate
                per_node_persons[z] = persons * decay[z]
        else:
            self._departure_rates(model, day, per_node_persons)
        counts = np.zeros(g.n_nodes, dtype=np.int64)
        # Persons to whole agents: each source keeps its running total, so no fraction is lost.
        before = np.floor(self.zone_persons / scale)
        self.zone_persons += per_node_persons
        counts += (np.floor(self.zone_persons / scale) - before).astype(np.int64)
        pooled = 0
        if pooled_persons > 0:
            before_pool = np.floor(self.spawned_persons / scale)
            self.spawned_persons += pooled_persons
            pooled = int(np.floor(self.spawned_persons / scale) - before_pool)
        total = 0
        for z in np.flatnonzero(counts):
            pop.add(int(counts[z]), node=z, origin=z, status=IN_TRANSIT, since_day=min(day, 65535))
            total += int(counts[z])
        if pooled:
            weights = self.population[zones] * self.intensity[zones] * decay[zones] if len(zones) else np.zeros(0)
            if len(zones) == 0:
                self.unplaced_persons += pooled * scale
            else:
                if weights.sum() <= 0:
                    weights = np.ones(len(zones))
                cdf = np.cumsum(weights) / weights.sum()
                cdf[-1] = 1.0
                new = pop.add(pooled, status=IN_TRANSIT, since_day=min(day, 65535))
                fk.place_spawned(new.start, pooled, pop.node, pop.origin, cdf, zones.astype(np.int32),
                                 day_key(model.seed_value, fk.STREAM_SPAWN_ORIGIN, day))  # fmt: skip
                counts += np.bincount(pop.node[new], minlength=g.n_nodes)
                total += pooled
        if self.section.take_from_population and total:
            self.population = np.maximum(self.population - counts * scale, 0.0)
        return total, counts

    def _departure_rates(self, model, day: int, out: np.ndarray) -> None:
        """Persons per origin today from the scenario's departure series (as migsim's own ruleset reads them)."""
        for k, (_, _, steps) in enumerate(model._streams):
            for step_day, rate in steps:
                if step_day == day:
                    model._stream_rate[k] = rate
        factor = model.policy.departure_factor
        for k, (origin, _, _) in enumerate(model._streams):
            out[origin] += model._stream_rate[k] * factor[origin]

    def step(self, model) -> None:
        """Simulate one day with Flee's rules."""
        day = model.day
        clock = time.perf_counter
        t0 = clock()
        model._apply_due_events(day)
        params = model.params["flee"]
        self._update_paths(model)
        if day > 0:
            self.capacity_persons += self.capacity_per_day
        t1 = clock()
        spawned, spawned_at = self._spawn(model, day)
        self._grow(model)
        t2 = clock()
        g, pop, paths = model.graph, model.population, self.paths
        last = model.recorder.node["people"][day - 1] if day > 0 else model.recorder.start_people
        at_start = last + spawned_at
        camp = fk.is_camp(self.location_type)
        chance = fk.move_chances(self.location_type, self.population, self.capacity_persons, params)
        score = fk.location_scores(self.location_type, self.foreign, self.intensity, self._decay(day), params)
        limited = camp & (self.capacity_persons >= 1)
        capacity_agents = np.where(
            limited, np.maximum(self.capacity_persons * params.capacity_scaling - self.p0_persons, 0.0) / model.scale, -1.0
        )
        cap = fk.capacity_factor(at_start, capacity_agents, params.capacity_buffer)
        camp_full = (limited & (cap < 0.5)).astype(np.uint8)
        cdf = fk.path_cdf(
            paths.start, paths.end, paths.km, score, cap,
            params.weight_softening, params.softening_km, params.distance_power, params.weight_power,
        )  # fmt: skip
        link_speed = np.where(self._link_speed_explicit > 0, self._link_speed_explicit, params.max_move_speed_km_per_day)
        t3 = clock()
        n = pop.size
        node_tally, link_tally, at_node, on_link, moves = fk.evolve(
            pop.status, pop.node, pop.link, pop.progress_km, pop.flags,
            self.route[:n], self.route_len[:n], self.speed_km_per_day[:n], self.recent[:n],
            chance, (self.location_type == fk.TOWN).astype(np.uint8), camp_full, camp.astype(np.uint8),
            paths.start, cdf, paths.links, paths.n_links,
            g.link_src, g.link_dst, g.link_length_km, link_speed, self.link_walk_probability,
            model.policy.link_open, model.policy.node_open,
            float(params.max_move_speed_km_per_day), float(params.max_walk_speed_km_per_day),
            bool(params.start_on_foot), bool(params.avoid_short_stints),
            day_key(model.seed_value, fk.STREAM_DECIDE, day), model.n_chunks,
        )  # fmt: skip
        t4 = clock()
        at_node = at_node.sum(axis=0)
        on_link = on_link.sum(axis=0)
        by_status = np.zeros(256, dtype=np.int64)
        by_status[SETTLED] = at_node[camp].sum()
        by_status[IN_TRANSIT] = at_node[~camp].sum()
        by_status[ON_LINK] = on_link.sum()
        rec = model.recorder
        rec.record_day(day, at_node, on_link, by_status, node_tally.sum(axis=0), link_tally.sum(axis=0), spawned,
                       (int(moves.sum()), 0))  # fmt: skip
        rec.record_shelter(day, np.where(camp, 0, at_node), np.zeros(g.n_nodes, dtype=np.int64))
        model._stock_persons = at_node * float(model.scale)
        model.day += 1
        if model.day >= model.days:
            model.running = False
        model.datacollector.collect(model)
        t5 = clock()
        for phase, seconds in zip(PHASES, (t1 - t0, t2 - t1, 0.0, t3 - t2, t4 - t3, t5 - t4), strict=True):
            model.timings[phase] += seconds

    # -- checkpoints ------------------------------------------------------------

    def state(self, model) -> dict[str, np.ndarray]:
        """Everything a checkpoint needs to continue this ruleset bit for bit."""
        n = model.population.size
        return {
            "location_type": self.location_type,
            "intensity": self.intensity,
            "conflict_day": self.conflict_day,
            "population": self.population,
            "capacity_persons": self.capacity_persons,
            "counters": np.array([self.debt_persons, self.spawned_persons, self.unplaced_persons]),
            "zone_persons": self.zone_persons,
            "route": self.route[:n],
            "route_len": self.route_len[:n],
            "speed_km_per_day": self.speed_km_per_day[:n],
            "recent": self.recent[:n],
        }

    def load(self, model, arrays: dict[str, np.ndarray]) -> None:
        """Restore what :meth:`state` saved (after the population is loaded)."""
        for name in ("location_type", "intensity", "conflict_day", "population", "capacity_persons", "zone_persons"):
            getattr(self, name)[:] = arrays[name]
        self.debt_persons, self.spawned_persons, self.unplaced_persons = (float(v) for v in arrays["counters"])
        self.route = np.asarray(arrays["route"]).copy()
        self.route_len = np.asarray(arrays["route_len"]).copy()
        self.speed_km_per_day = np.asarray(arrays["speed_km_per_day"]).copy()
        self.recent = np.asarray(arrays["recent"]).copy()
        self.paths_dirty = True
        self._grow(model)

"""MigrationModel: one run of a scenario, day by day, as a Mesa model.

The population lives in arrays (:class:`~simulator.population.Population`);
Mesa supplies the conventions: construction from keyword arguments (so
``mesa.batch_run`` and Mesa's visualisation can rebuild it), ``step()``,
``running`` and a ``DataCollector`` with module-level reporters.

One day, in this fixed order (see DESIGN.md):

1. events whose day has come update the policy state; route tables are
   recomputed only if the graph changed;
2. spawn: new departures at origins;
3. information: campaign exposure and word of mouth (when a scenario has
   information campaigns);
4. decide: who leaves their node today, and where settled movers go;
5. move: travellers advance along links, arrivals are counted;
6. record: the end-of-day census and the day's flows.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mesa
import numba
import numpy as np

from models import PARAMETER_SETS
from models import movement as mv
from models.census import census
from models.listing import agents_with_status, status_mask
from models.rng import day_key
from models.state import DEPARTING, FLAG_KNOWS_ROUTES, IN_TRANSIT, ON_LINK, SETTLED
from models.synthesis import choose_destinations_in_country, draw_attributes
from simulator.crossings import Crossings, compile_crossings
from simulator.destinations import DestinationChoice, masked_distances
from simulator.errors import ScenarioError
from simulator.events import Event
from simulator.governments import governments_react
from simulator.graph import CompiledGraph, build_networkx, compile_graph
from simulator.information import InformationState
from simulator.population import Population
from simulator.programmes import POLICY_SERIES
from simulator.queues import QueueStep
from simulator.recorder import Recorder
from simulator.reporters import MODEL_REPORTERS
from simulator.routes import RouteTables, compute_routes, passable_link_open, regular_link_open
from simulator.rulesets import make_ruleset, ruleset_name
from simulator.scenario import Scenario, build_parameters, load_scenario, parse_event, scenario_from_dict
from simulator.surveys import SurveyState
from simulator.synthesis import compile_population
from simulator.yamlsource import LineMap

PHASES = ("events", "spawn", "information", "decide", "move", "record")
#: Word of mouth's shares by community of origin are recounted every this many days (they change slowly).
COMMUNITY_REFRESH_DAYS = 7


@dataclass
class PolicyState:
    """What events change: which nodes and links are open, and departure multipliers."""

    node_open: np.ndarray  # uint8 per node
    link_open: np.ndarray  # uint8 per directed link
    departure_factor: np.ndarray  # float64 multiplier of scheduled departures, per origin node
    shelter_capacity_persons: np.ndarray  # int64 per node, -1 where not limited


def _chunks() -> int:
    # Enough chunks to balance threads; the count does not change any result.
    return 16 * numba.get_num_threads()


class MigrationModel(mesa.Model):
    """One run of a migsim scenario.

    Parameters
    ----------
    scenario:
        Path of a scenario YAML file, a loaded :class:`Scenario`, a scenario
        mapping, or None for the embedded default scenario.
    seed:
        Seed of the counter-based generator (default: the scenario's).
    scale:
        Persons per agent (default: the scenario's); outputs are in persons.
    days:
        Number of days to simulate (default: the scenario's).
    parameters:
        Overrides of behaviour parameters, ``{"movement": {"stock_weight": 0.5}}``.
    variant:
        Name of one of the scenario's ``variants`` to run instead of the base.
    ruleset:
        Behaviour rules: ``"engine"`` (migsim's own) or ``"flee"`` (Flee 3's
        default rules); default: the scenario's ``ruleset``, else the engine's.
    """

    def __init__(
        self,
        scenario: str | Path | Scenario | Mapping | None = None,
        seed: int | None = None,
        scale: int | None = None,
        days: int | None = None,
        parameters: Mapping[str, Mapping[str, Any]] | None = None,
        variant: str | None = None,
        ruleset: str | None = None,
        **kwargs: Any,
    ):
        if isinstance(scenario, Scenario):
            self.scenario = scenario
        elif isinstance(scenario, Mapping):
            self.scenario = scenario_from_dict(dict(scenario))
        else:
            self.scenario = load_scenario(scenario)
        self.scenario = self.scenario.with_variant(variant)
        sc = self.scenario
        self.seed_value = int(sc.seed if seed is None else seed)
        self.scale = int(sc.scale if scale is None else scale)
        self.days = int(sc.days if days is None else days)
        if self.scale < 1:
            raise ScenarioError(f"scale must be a whole number >= 1 (got {self.scale})", field="scale")
        if self.days < 1:
            raise ScenarioError(f"days must be >= 1 (got {self.days})", field="days")
        if not 0 <= self.seed_value < 2**63:
            raise ScenarioError(f"seed must be in 0 .. 2**63-1 (got {self.seed_value})", field="seed")
        super().__init__(seed=self.seed_value, **kwargs)
        self.params = dict(sc.parameters)
        for module, values in (parameters or {}).items():
            if module not in PARAMETER_SETS:
                raise ScenarioError(f"unknown parameter set '{module}'", field="parameters")
            merged = {**dataclasses.asdict(self.params[module]), **values}
            self.params[module] = build_parameters(
                module, merged, lambda path, msg, m=module: ScenarioError(msg, field=".".join(["parameters", m, *map(str, path)]))
            )
        self.day = 0
        self.timings = dict.fromkeys(PHASES, 0.0)
        self.event_log: list[dict[str, Any]] = []
        self._injected: list[Event] = []
        self.programmes: list = []
        self.corridors: dict[str, dict] = {}
        self._build()
        self.ruleset_name = ruleset_name(ruleset, sc)
        self.ruleset = make_ruleset(self.ruleset_name, self)  # None: the engine's own rules, below
        self._spawn_initial_stocks()
        if self.ruleset is not None:
            self.ruleset.start(self)
        self._census_start()
        # Collected after each day only, so row k is the end of day k (what mesa.batch_run expects).
        self.datacollector = mesa.DataCollector(model_reporters=MODEL_REPORTERS)

    # -- construction -------------------------------------------------------

    def _build(self) -> None:
        sc = self.scenario
        self.nx_graph = build_networkx(sc)
        self.graph: CompiledGraph = compile_graph(sc, self.params["movement"])
        g = self.graph
        self.policy = PolicyState(
            node_open=np.ones(g.n_nodes, dtype=np.uint8),
            link_open=np.ones(g.n_links, dtype=np.uint8),
            departure_factor=np.ones(g.n_nodes),
            shelter_capacity_persons=g.shelter_capacity_persons.copy(),
        )
        self._streams = [(g.index(d.origin), sc.groups.index(d.group), d.steps) for d in sc.departures]
        self._stream_rate = np.zeros(len(self._streams))  # persons/day per departure stream
        self._departed_persons = np.zeros(len(self._streams))  # persons owed by each stream so far
        # Origins: origin cities and wherever departures start (people may return there).
        self._origins = np.union1d(g.origin_nodes(), [o for o, _, _ in self._streams]).astype(np.int32)
        self._targets = np.union1d(g.destination_nodes(), self._origins).astype(np.int32)
        self._dest_nodes = g.destination_nodes()
        self._dest_columns = np.searchsorted(self._targets, self._dest_nodes)
        self.destination_choice = DestinationChoice(g.n_nodes, self._dest_nodes, self._dest_columns)
        self._routes_dirty = True  # computed once the crossings are compiled
        self.crossings: Crossings = compile_crossings(sc, g)
        self.recorder = Recorder(g, self.days, n_crossings=len(self.crossings.link_ids))
        expected = sum(sc.stocks.values()) // self.scale + int(
            sum(max(r for _, r in d.steps) for d in sc.departures) * self.days / self.scale * 1.05
        )
        self.population = Population(capacity=expected + 1024)
        self._stock_persons = np.zeros(g.n_nodes)
        self._forces_stop = g.forces_stop()
        self.queues = QueueStep(self.crossings, self.scale)
        self.route_computations = 0
        self.update_routes()
        self.profiles = compile_population(sc, g)
        countries = self.profiles.destination_countries
        self._dest_country = np.array(
            [countries.index(g.node_iso3[d]) + 1 if g.node_iso3[d] in countries else 0 for d in self._dest_nodes], dtype=np.int64
        )
        self.information = InformationState(self)
        self.surveys = SurveyState(self)

    def _spawn_initial_stocks(self) -> None:
        """Place the initial stocks (persons / scale agents, rounded down per node) as settled agents."""
        g = self.graph
        origins = self._origins
        # Where the stock came from is not known: origins are drawn in proportion to first-day departures.
        weights = np.zeros(len(origins))
        for origin, _, steps in self._streams:
            weights[np.searchsorted(origins, origin)] += steps[0][1] if steps[0][0] == 0 else 0.0
        if len(origins) and weights.sum() <= 0:
            weights = np.ones(len(origins))
        cdf = np.cumsum(weights) / weights.sum() if len(origins) else np.zeros(0)
        key = day_key(self.seed_value, "initial", 0)
        for node_id, persons in self.scenario.stocks.items():
            count = persons // self.scale
            if count == 0:
                continue
            node = g.index(node_id)
            new = self.population.add(count, node=node, destination=node, status=SETTLED, flags=FLAG_KNOWS_ROUTES)
            if len(origins):
                mv.choose_origins(new.start, count, self.population.origin, origins, cdf, key)
            self._synthesize(new, 0)

    def _synthesize(self, new: slice, day: int) -> np.ndarray:
        """Draw new agents' attributes from their place's raked tables; returns their intended destination countries."""
        pop, p = self.population, self.profiles
        wanted = np.zeros(new.stop - new.start, dtype=np.int64)
        draw_attributes(
            new.start,
            new.stop - new.start,
            pop.node,
            day_key(self.seed_value, "synthesis", day),
            p.profile_of_node,
            p.offset,
            p.size,
            p.cdf,
            p.codes,
            p.risk_mean,
            p.trust_mean,
            pop.traits,
            pop.flags,
            pop.documents,
            pop.knowledge,
            pop.risk_base,
            pop.trust,
            pop.info_day,
            np.uint16(day),
            wanted,
        )
        return wanted

    def _census_start(self) -> None:
        counts = self._census(0)
        self.recorder.record_start(counts[0], counts[2])
        self._stock_persons = counts[0] * float(self.scale)
        self.information.update_shares(counts[0], counts[3], counts[5], counts[6])

    @property
    def n_chunks(self) -> int:
        """Chunks of agents kernels split their work into."""
        return _chunks()

    def _census(self, day: int):
        pop = self.population
        return census(
            pop.status,
            pop.node,
            pop.link,
            pop.origin,
            pop.flags,
            pop.since_day,
            pop.knowledge,
            pop.info_day,
            pop.risk_base,
            np.uint16(day),
            self.information.fade_pow,
            *self.information.knowledge_thresholds,
            day % COMMUNITY_REFRESH_DAYS == 0,
            self.params["information"].risk_knowledge_weight,
            self.graph.n_nodes,
            self.graph.n_links,
            numba.get_num_threads(),  # one table of counts per thread: their size grows with the graph
        )

    # -- the daily loop -------------------------------------------------------

    @property
    def date(self):
        """The date of the next day to simulate."""
        return self.scenario.date_of(self.day)

    def step(self) -> None:
        """Simulate one day."""
        if self.day >= self.days:
            self.running = False
            return
        if self.ruleset is not None:
            self.ruleset.step(self)
            return
        day = self.day
        clock = time.perf_counter
        t0 = clock()
        self._apply_due_events(day)
        programme_counts = np.zeros((len(POLICY_SERIES), self.graph.n_nodes), dtype=np.int64)
        for programme in self.programmes:
            programme.run_day(self, day, programme_counts)
        self.recorder.record_policy(day, programme_counts)
        if self._routes_dirty:
            self.update_routes()
        movement = self.params["movement"]
        choice = self.destination_choice
        choice.new_day(
            self.graph.attractiveness[self._dest_nodes], self._stock_persons[self._dest_nodes], self.routes.distance_km, movement
        )
        t1 = clock()
        spawned = self._spawn(day, choice)
        t2 = clock()
        self.information.phase(self, day)
        t3 = clock()
        pop = self.population
        info = self.params["information"]
        crossing = self.params["crossings"]
        leave = movement.leave_probability_by_kind()[self.graph.node_kind]
        onward = np.full(self.graph.n_nodes, movement.onward_probability_per_day)
        today = np.uint16(min(day, 65535))
        fade_pow = self.information.fade_pow
        # Only people in transit and the settled whose onward draw is below the largest chance of moving can act.
        move_chance = max(
            movement.return_probability_per_day,
            (movement.return_probability_per_day + onward * (1.0 + info.misinformation_weight)).max(),
        )
        candidates = mv.decide_candidates(
            pop.status, day_key(self.seed_value, "onward", day), mv.draw_limit(move_chance), _chunks()
        )
        dest_cdf, dest_row_of = choice.rows(pop.node[candidates[pop.status[candidates] == SETTLED]])
        decided = mv.decide(
            candidates,
            pop.status,
            pop.node,
            pop.destination,
            pop.origin,
            pop.flags,
            pop.knowledge,
            pop.info_day,
            today,
            fade_pow,
            leave,
            onward,
            movement.return_probability_per_day,
            dest_cdf,
            dest_row_of,
            self._dest_nodes,
            info.alternatives_desist_probability_per_day,
            info.services_onward_reduction,
            info.misinformation_weight,
            movement.regular_status_onward_reduction,
            day_key(self.seed_value, "leave", day),
            day_key(self.seed_value, "onward", day),
            day_key(self.seed_value, "destination", day),
            day_key(self.seed_value, "desist", day),
            _chunks(),
        ).sum(axis=0)
        t4 = clock()
        x = self.crossings
        surveying = self.surveys.before_move(self, day)
        queue_departures, queue_flows, queue_tally = self.queues.run(self, day)
        movers = agents_with_status(pop.status, status_mask(DEPARTING, ON_LINK), _chunks())
        node_tally, link_tally, crossing_tally = mv.travel(
            movers,
            pop.status,
            pop.node,
            pop.link,
            pop.progress_km,
            pop.destination,
            pop.origin,
            pop.flags,
            pop.since_day,
            pop.group,
            pop.documents,
            pop.knowledge,
            pop.info_day,
            pop.risk_base,
            today,
            fade_pow,
            self.graph.link_src,
            self.graph.link_dst,
            self.graph.link_length_km,
            self.graph.link_speed_km_per_day,
            self.routes.next_link,
            self.regular_routes.next_link,
            self.stale_routes.next_link,
            self.routes.target_column,
            self.policy.node_open,
            self._forces_stop,
            x.link_crossing,
            x.regular_open_by_group(len(self.scenario.groups)),
            x.documents_required,
            x.irregular_open,
            x.risks,
            x.cost_usd,
            x.queued,
            np.array(
                [
                    crossing.irregular_crossing_probability_per_day,
                    crossing.risk_deterrence,
                    crossing.regular_channel_preference,
                    crossing.documents_probability_per_day_uninformed,
                    crossing.documents_probability_per_day_informed,
                    crossing.trafficking_avoidance,
                    info.risk_knowledge_weight,
                    info.misinformation_weight,
                    crossing.irregular_cost_reference_usd,
                ]
            ),
            day_key(self.seed_value, "crossing", day),
            numba.get_num_threads(),  # per-chunk tallies are sized by the graph; the list splits evenly
        )
        if surveying:
            self.surveys.after_move(self, day)
        t5 = clock()
        node_tally = node_tally.sum(axis=0)
        node_tally[0] += queue_departures
        link_tally = link_tally.sum(axis=0) + queue_flows
        crossing_tally = crossing_tally.sum(axis=0) + queue_tally
        counts = self._census(day + 1)
        at_node, on_link, by_status, node_knowledge, node_risk, community_knowledge, members = counts[:7]
        transit_at_node, waiting, waited_days, longest_wait, knows_routes = counts[7:]
        self.recorder.record_day(day, at_node, on_link, by_status, node_tally, link_tally, spawned, decided)
        self.recorder.record_crossings(day, crossing_tally[: len(x.link_ids)])
        self.recorder.record_queues(
            day, self._by_crossing(waiting), self._by_crossing(waited_days), self._by_crossing(longest_wait, np.maximum)
        )
        capacity = self.policy.shelter_capacity_persons
        without = np.where(capacity >= 0, np.maximum(transit_at_node * self.scale - capacity, 0), 0)
        self.recorder.record_shelter(day, transit_at_node, without)
        self.recorder.record_information(day, node_knowledge, node_risk)
        self.information.update_shares(at_node, node_knowledge, community_knowledge, members, knows_routes)
        self._stock_persons = at_node * float(self.scale)
        governments_react(self, day)
        self.day += 1
        if self.day >= self.days:
            self.running = False
        self.datacollector.collect(self)
        t6 = clock()
        for phase, seconds in zip(PHASES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5), strict=True):
            self.timings[phase] += seconds

    def run(self, until_day: int | None = None, progress=None) -> None:
        """Simulate until ``until_day`` days have run (default: to the end).

        ``progress`` is an optional callable taking the number of days just done.
        """
        until_day = self.days if until_day is None else min(int(until_day), self.days)
        while self.day < until_day:
            self.step()
            if progress is not None:
                progress(1)

    def update_routes(self, news: bool = True) -> None:
        """Recompute the route tables (any route, and regular-only) from the current policy state.

        After a change, everybody plans on the previous tables until it learns
        of the change (by reaching a closure, by word of mouth, or from a
        campaign on route risks).
        """
        g, p = self.graph, self.policy
        previous = getattr(self, "routes", None)
        passable = passable_link_open(p.link_open, self.crossings)
        self.routes: RouteTables = compute_routes(g, self._targets, p.node_open, passable)
        regular = regular_link_open(g, p.link_open, self.crossings)
        # Where every crossing's regular channel is open, the regular-only graph is the same graph.
        same = np.array_equal(regular, passable)
        self.regular_routes: RouteTables = self.routes if same else compute_routes(g, self._targets, p.node_open, regular)
        if previous is None or not news:
            self.stale_routes = self.routes
        else:
            self.stale_routes = previous
            self.population.flags[:] &= np.uint8(~FLAG_KNOWS_ROUTES & 0xFF)
        self.route_computations += 1
        self._routes_dirty = False

    def _by_crossing(self, per_link: np.ndarray, combine=np.add) -> np.ndarray:
        """Sum (or combine) per directed link values over each crossing's two directions."""
        x = self.crossings
        out = np.zeros(len(x.link_ids), dtype=per_link.dtype)
        links = np.flatnonzero(x.link_crossing >= 0)
        combine.at(out, x.link_crossing[links], per_link[links])
        return out

    def _masked_distances(self) -> np.ndarray:
        """Route distances (nodes, destinations); inf from a destination to itself."""
        return masked_distances(self.routes.distance_km, np.arange(self.graph.n_nodes), self._dest_columns, self._dest_nodes)

    def _spawn(self, day: int, choice: DestinationChoice) -> int:
        """New departures: persons owed so far / scale, rounded down, so totals are exact."""
        for k, (_, _, steps) in enumerate(self._streams):
            for step_day, rate in steps:
                if step_day == day:
                    self._stream_rate[k] = rate
        factor = self.policy.departure_factor
        owed_before = np.floor(self._departed_persons / self.scale)
        self._departed_persons += self._stream_rate * np.array([factor[o] for o, _, _ in self._streams])
        counts = (np.floor(self._departed_persons / self.scale) - owed_before).astype(np.int64)
        streams = np.flatnonzero(counts)
        total = int(counts[streams].sum())
        if total == 0:
            return 0
        # All of today's departures at once, stream after stream (agent order as if added one stream at a time).
        where = np.repeat(np.array([self._streams[k][0] for k in streams], dtype=np.int32), counts[streams])
        group = np.repeat(np.array([self._streams[k][1] for k in streams], dtype=np.uint8), counts[streams])
        new = self.population.add(
            total,
            node=where,
            origin=where,
            group=group,
            status=IN_TRANSIT,
            since_day=min(day, 65535),
            flags=FLAG_KNOWS_ROUTES,
        )
        pop = self.population
        dest_cdf, dest_row_of = choice.rows(np.unique(where))
        key = day_key(self.seed_value, "spawn", day)
        mv.choose_destinations(new.start, total, pop.node, pop.destination, dest_cdf, dest_row_of, self._dest_nodes, key)
        wanted = self._synthesize(new, day)
        if self.profiles.draws_destinations:
            choose_destinations_in_country(
                new.start,
                total,
                pop.node,
                pop.destination,
                dest_cdf,
                dest_row_of,
                self._dest_nodes,
                self._dest_country,
                wanted,
                key,
            )
        return total

    # -- events ---------------------------------------------------------------

    def _apply_due_events(self, day: int) -> None:
        due = [e for e in self.scenario.events if e.day_in(self.scenario.start_date) == day]
        due += [e for e in self._injected if e.day_in(self.scenario.start_date) == day]
        self._injected = [e for e in self._injected if e.day_in(self.scenario.start_date) != day]
        for event in due:
            event.apply(self)
            self._routes_dirty |= event.changes_graph
            self.event_log.append(
                {
                    "day": day,
                    "date": self.scenario.date_of(day).isoformat(),
                    "type": event.event_type,
                    "description": event.describe(),
                    "event": event.to_dict(),
                }
            )

    def validate_event(self, event: Event | Mapping[str, Any]) -> Event:
        """An event checked exactly like a scenario event, for the next day to run unless it says; changes nothing.

        A bad one raises :class:`ScenarioError` naming the field.
        """
        raw = event.to_dict() if isinstance(event, Event) else dict(event)
        if raw.get("date") is None and raw.get("day") is None:
            raw["day"] = self.day
        lines = LineMap("<event>")
        names = _NodeLookup(self.scenario)
        iso3 = self.graph.node_iso3
        link_ids = {
            link_id: iso3[self.graph.link_src[2 * k]] != iso3[self.graph.link_dst[2 * k]]
            for k, link_id in enumerate(self.graph.link_ids)
        }
        parsed = parse_event(raw, (), lines, names, link_ids)
        parsed.check(self.days, self.scenario.start_date, self.scenario.groups, lambda path, msg: lines.error(path, msg))
        day = parsed.day_in(self.scenario.start_date)
        if not self.day <= day < self.days:
            raise ScenarioError(
                f"day {day} is not between the next day to run ({self.day}) and the last ({self.days - 1})",
                "<event>",
                field="day",
            )
        return parsed

    def apply(self, event: Event | Mapping[str, Any]) -> Event:
        """Inject an event at run time; it takes effect at the start of its day (default: the next day to run).

        A mapping is validated exactly like a scenario event; a bad one raises
        :class:`ScenarioError` and changes nothing.
        """
        parsed = self.validate_event(event)
        self._injected.append(parsed)
        return parsed

    def set_departure_rate(self, origin_id: str, group: str | None, persons_per_day: float) -> None:
        """Set the daily departures of an origin (all its groups, or one) from today on."""
        origin = self.graph.index(origin_id)
        matched = False
        for k, (node, g, _) in enumerate(self._streams):
            if node == origin and (group is None or self.scenario.groups[g] == group):
                self._stream_rate[k] = persons_per_day
                matched = True
        if not matched:
            g = self.scenario.groups.index(group) if group in self.scenario.groups else 0
            self._streams.append((origin, g, [(self.day, persons_per_day)]))
            self._stream_rate = np.append(self._stream_rate, persons_per_day)
            self._departed_persons = np.append(self._departed_persons, 0.0)

    def set_parameter(self, name: str, value: float) -> None:
        """Change one behaviour parameter, ``module.name``, from now on."""
        module, _, field = name.partition(".")
        if module not in self.params:
            raise ScenarioError(f"unknown parameter set '{module}'", field="name")
        merged = {**dataclasses.asdict(self.params[module]), field: value}
        self.params[module] = build_parameters(module, merged, lambda path, msg: ScenarioError(msg, field=name))
        if module == "information":
            self.information.update_fading(self.params["information"])

    # -- results --------------------------------------------------------------

    def tables(self):
        """The run's tidy tables (pandas DataFrames, in persons) so far."""
        start, scale = self.scenario.start_date, self.scale
        tables = self.recorder.tables(start, scale)
        tables["crossings"] = self.recorder.crossing_table(self.crossings, start, scale)
        tables["information"] = self.recorder.information_table(start, scale)
        tables["campaigns"] = campaign_table(self)
        tables["surveys"], tables["survey_respondents"] = self.surveys.tables(self)
        if self.scenario.observed is not None:
            tables["observed"] = self.scenario.observed.table()
        return tables

    def checkpoint(self, path: str | Path) -> Path:
        """Save the whole state to ``path`` (a .npz of arrays plus JSON; no pickle)."""
        from simulator.checkpoint import save_checkpoint

        return save_checkpoint(self, Path(path))

    @classmethod
    def restore(cls, path: str | Path) -> MigrationModel:
        """A model restored from :meth:`checkpoint`; running it on equals the uninterrupted run."""
        from simulator.checkpoint import load_checkpoint

        return load_checkpoint(cls, Path(path))


def campaign_table(model):
    """Per day and campaign channel: people newly reached, reached so far (unique), exposures (persons)."""
    import pandas as pd

    info = model.information
    rows = []
    cumulative: dict[int, int] = {}
    for day, k, new, exposures in info.reach_rows:
        slot = info.slots[k]
        cumulative[k] = cumulative.get(k, 0) + new
        rows.append(
            {
                "day": day,
                "date": pd.Timestamp(model.scenario.date_of(day)),
                "campaign": slot.campaign,
                "channel": slot.channel,
                "misinformation": bool(slot.messages.min() < 0),
                "reached_new": new * model.scale,
                "reached_total": cumulative[k] * model.scale,
                "exposures": exposures * model.scale,
            }
        )
    columns = ["day", "date", "campaign", "channel", "misinformation", "reached_new", "reached_total", "exposures"]
    return pd.DataFrame(rows, columns=columns)


class _NodeLookup:
    """Node reference resolution for run-time events (same rules as scenario files)."""

    def __init__(self, scenario: Scenario):
        from simulator.scenario import _NodeNames

        self._names = _NodeNames(scenario.nodes)

    def resolve(self, ref, where):
        return self._names.resolve(ref, where)

"""Policy programmes that act every day: regularisation, deportation, assisted return, relocation.

Each is a scenario event (registered in the event registry).  Applying it
starts a :class:`Programme` that runs at the start of every day from then on
until its end, with a daily processing capacity in persons; a fraction of an
agent's place left over at a coarse scale is carried to the next day, so the
long-run rate is exact and a day never exceeds its share.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from pydantic import Field, model_validator

from models.information import TOPIC_SERVICES
from models.rng import day_key
from models.selection import eligible_agents
from models.state import DEPORTED, FLAG_REGULAR_STATUS, IN_TRANSIT, RETURNED, SETTLED, WAITING
from simulator.events import Event, register_event

POLICY_SERIES = ("regularisations", "deportations", "assisted_returns", "relocated_out", "relocated_in")


def _status_mask(*codes: int) -> np.uint64:
    return np.uint64(sum(1 << c for c in codes))


class ProgrammeEvent(Event):
    """Base of daily programmes: where, from when to when, how many per day."""

    node_fields = ("nodes",)
    country: str | None = Field(default=None, min_length=3, max_length=3, description="ISO3 code of the country")
    nodes: list[str] | None = None
    end_date: dt.date | None = None
    end_day: int | None = Field(default=None, ge=0)
    capacity_persons_per_day: float = Field(ge=0)

    @model_validator(mode="after")
    def _where(self):
        if (self.country is None) == (self.nodes is None):
            raise ValueError("give exactly one of 'country' and 'nodes'")
        return self

    def check(self, days, start_date, groups, error) -> None:
        """The programme does not end before it starts."""
        end = self.end_in(start_date, days - 1)
        if end < self.day_in(start_date):
            raise error(
                ("end_date" if self.end_date else "end_day",),
                f"ends (day {end}) before it starts (day {self.day_in(start_date)})",
            )

    def end_in(self, start_date: dt.date, last_day: int) -> int:
        """Last day (inclusive) the programme runs."""
        if self.end_day is not None:
            return self.end_day
        if self.end_date is not None:
            return (self.end_date - start_date).days
        return last_day

    def node_mask(self, model) -> np.ndarray:
        """uint8 per node: where the programme acts."""
        g = model.graph
        if self.nodes is not None:
            mask = np.zeros(g.n_nodes, dtype=np.uint8)
            mask[[g.index(n) for n in self.nodes]] = 1
            return mask
        return (np.asarray(g.node_iso3) == self.country).astype(np.uint8)

    def where(self) -> str:
        return self.country if self.country else ", ".join(self.nodes)

    def apply(self, model) -> None:
        model.programmes.append(Programme(self, model))

    def select(self, model, day: int, agents: np.ndarray, draws: np.ndarray) -> np.ndarray:
        """Order of priority among eligible agents (default: by their draw)."""
        return np.lexsort((agents, draws))

    def eligible(self, model, day, key) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - abstract
        raise NotImplementedError

    def act(self, model, day: int, chosen: np.ndarray, counts: np.ndarray) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class Programme:
    """A running programme: its event, its days and the place fraction carried over."""

    def __init__(self, event: ProgrammeEvent, model, carry: float = 0.0):
        self.event = event
        self.index = len(model.programmes)
        self.start = model.day
        self.end = event.end_in(model.scenario.start_date, model.days - 1)
        self.carry = carry

    def run_day(self, model, day: int, counts: np.ndarray) -> None:
        """Process today's share of the programme; adds to ``counts`` (POLICY_SERIES x nodes, agents)."""
        if not self.start <= day <= self.end:
            return
        places_exact = self.carry + self.event.capacity_persons_per_day / model.scale
        places = int(np.floor(places_exact))
        key = day_key(model.seed_value, 100 + self.index, day)
        agents, draws = self.event.eligible(model, day, key)
        if len(agents) == 0 or places == 0:
            self.carry = places_exact - places
            return
        order = self.event.select(model, day, agents, draws)
        chosen = agents[order[:places]]
        # Unused places are lost: capacity is a rate, not a stock.
        self.carry = places_exact - places
        self.event.act(model, day, chosen, counts)


@register_event("regularisation")
class Regularisation(ProgrammeEvent):
    """A regularisation programme: settled people without regular status gain it, up to a daily processing rate.

    People who know about regularisation and services there apply first
    (weighted draw); regular status lowers onward movement.  Colombia's
    Temporary Protection Statute (2021) is the model.
    """

    arrived_before: dt.date | None = None

    def eligible(self, model, day, key):
        pop = model.population
        agents, draws = eligible_agents(
            pop.status,
            pop.node,
            pop.flags,
            _status_mask(SETTLED),
            self.node_mask(model),
            np.uint8(0),
            np.uint8(FLAG_REGULAR_STATUS),
            key,
            model.n_chunks,
        )
        if self.arrived_before is not None:
            cutoff = (self.arrived_before - model.scenario.start_date).days
            keep = pop.since_day[agents].astype(np.int64) < cutoff
            agents, draws = agents[keep], draws[keep]
        return agents, draws

    def select(self, model, day, agents, draws):
        # Weighted sampling without replacement (Efraimidis-Spirakis): key = u ** (1 / weight).
        know = model.population.knowledge[agents, TOPIC_SERVICES].astype(np.float64)
        weight = 1.0 + np.maximum(know, 0.0) / 100.0
        keys = draws ** (1.0 / weight)
        return np.lexsort((agents, -keys))

    def act(self, model, day, chosen, counts):
        model.population.flags[chosen] |= np.uint8(FLAG_REGULAR_STATUS)
        np.add.at(counts[0], model.population.node[chosen], 1)

    def describe(self) -> str:
        return f"regularisation programme in {self.where()}: up to {self.capacity_persons_per_day:,.0f} people per day"


@register_event("deportation")
class Deportation(ProgrammeEvent):
    """Deportation of people without regular status, up to a daily number; they leave the system."""

    def eligible(self, model, day, key):
        pop = model.population
        mask = _status_mask(SETTLED, IN_TRANSIT, WAITING)
        return eligible_agents(
            pop.status,
            pop.node,
            pop.flags,
            mask,
            self.node_mask(model),
            np.uint8(0),
            np.uint8(FLAG_REGULAR_STATUS),
            key,
            model.n_chunks,
        )

    def act(self, model, day, chosen, counts):
        pop = model.population
        np.add.at(counts[1], pop.node[chosen], 1)
        pop.status[chosen] = DEPORTED
        pop.link[chosen] = -1

    def describe(self) -> str:
        return f"deportations from {self.where()}: up to {self.capacity_persons_per_day:,.0f} people per day"


@register_event("assisted_voluntary_return")
class AssistedVoluntaryReturn(ProgrammeEvent):
    """Return transport offered to people in transit or waiting at some places, taken up at a daily rate, with a capacity."""

    uptake_probability_per_day: float = Field(gt=0, le=1)

    def eligible(self, model, day, key):
        pop = model.population
        mask = _status_mask(IN_TRANSIT, WAITING)
        agents, draws = eligible_agents(
            pop.status, pop.node, pop.flags, mask, self.node_mask(model), np.uint8(0), np.uint8(0), key, model.n_chunks
        )
        takes = draws < self.uptake_probability_per_day
        return agents[takes], draws[takes]

    def act(self, model, day, chosen, counts):
        pop = model.population
        np.add.at(counts[2], pop.node[chosen], 1)
        pop.status[chosen] = RETURNED
        pop.link[chosen] = -1

    def describe(self) -> str:
        return f"assisted voluntary return from {self.where()}: up to {self.capacity_persons_per_day:,.0f} people per day"


@register_event("relocation")
class Relocation(ProgrammeEvent):
    """People in transit or waiting at crowded places are moved to other cities, up to a daily capacity.

    ``to`` lists the receiving nodes; people are spread over them in turn and
    settle there.
    """

    node_fields = ("nodes", "to")
    to: list[str] = Field(min_length=1)

    def eligible(self, model, day, key):
        pop = model.population
        mask = _status_mask(IN_TRANSIT, WAITING)
        return eligible_agents(
            pop.status, pop.node, pop.flags, mask, self.node_mask(model), np.uint8(0), np.uint8(0), key, model.n_chunks
        )

    def act(self, model, day, chosen, counts):
        pop = model.population
        targets = np.array([model.graph.index(n) for n in self.to], dtype=np.int32)
        np.add.at(counts[3], pop.node[chosen], 1)
        goes = targets[np.arange(len(chosen)) % len(targets)]
        pop.node[chosen] = goes
        pop.destination[chosen] = goes
        pop.status[chosen] = SETTLED
        pop.link[chosen] = -1
        pop.since_day[chosen] = day
        np.add.at(counts[4], goes, 1)

    def describe(self) -> str:
        return (
            f"relocation from {self.where()} to {', '.join(self.to)}: up to {self.capacity_persons_per_day:,.0f} people per day"
        )


@register_event("set_shelter_capacity")
class SetShelterCapacity(Event):
    """Set the shelter places at a node (no value: unlimited)."""

    node_fields = ("node",)
    node: str
    capacity_persons: int | None = Field(default=None, ge=0)

    def apply(self, model) -> None:
        value = -1 if self.capacity_persons is None else self.capacity_persons
        model.policy.shelter_capacity_persons[model.graph.index(self.node)] = value

    def describe(self) -> str:
        places = "unlimited" if self.capacity_persons is None else f"{self.capacity_persons:,}"
        return f"shelter places at {self.node}: {places}"


@register_event("add_shelter_capacity")
class AddShelterCapacity(Event):
    """Add shelter places at a node (for example when people without shelter exceed a threshold)."""

    node_fields = ("node",)
    node: str
    persons: int = Field(gt=0)

    def apply(self, model) -> None:
        capacity = model.policy.shelter_capacity_persons
        k = model.graph.index(self.node)
        capacity[k] = max(capacity[k], 0) + self.persons

    def describe(self) -> str:
        return f"{self.persons:,} shelter places added at {self.node}"


def programme_state(model) -> list[dict[str, Any]]:
    """Running programmes as JSON (for checkpoints)."""
    return [{"event": p.event.to_dict(), "start": p.start, "end": p.end, "carry": p.carry} for p in model.programmes]


def restore_programmes(model, saved: list[dict[str, Any]]) -> None:
    """Rebuild running programmes from :func:`programme_state`."""
    from simulator.events import EVENT_TYPES

    model.programmes = []
    for item in saved:
        event = EVENT_TYPES[item["event"]["type"]].model_validate(item["event"])
        programme = Programme(event, model, carry=item["carry"])
        programme.start, programme.end = item["start"], item["end"]
        model.programmes.append(programme)

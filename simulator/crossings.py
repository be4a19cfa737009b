"""Border crossings of a run: compiled arrays, and the events that change them.

Every link between two countries is a crossing.  The scenario's ``crossings``
entries describe them; a border link without an entry is a regular crossing,
open, requiring no documents, with no irregular alternative.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import Field

from models.state import DOCUMENTS
from simulator.events import Event, register_event
from simulator.schema import CrossingRow


@dataclass
class Crossings:
    """Crossing arrays: index x per crossing; ``link_crossing`` maps directed links to x (-1: not a crossing)."""

    link_ids: list[str]
    names: list[str]
    from_iso3: list[str]
    to_iso3: list[str]
    link_crossing: np.ndarray  # int32 per directed link
    has_regular: np.ndarray  # uint8: an official post exists
    regular_open: np.ndarray  # uint8
    documents_required: np.ndarray  # uint8 DOCUMENTS level
    irregular_open: np.ndarray  # uint8
    risks: np.ndarray  # float64 (crossings, 4): death, injury, robbery, trafficking per irregular crossing
    cost_usd: np.ndarray
    capacity_persons_per_day: np.ndarray  # int64, -1 where unlimited
    closed_groups: np.ndarray  # uint32 bit mask per crossing: groups its regular channel is closed to

    def regular_open_by_group(self, n_groups: int) -> np.ndarray:
        """uint8 (crossings, groups): whether each crossing's regular channel is open to each group."""
        closed = (self.closed_groups[:, None] >> np.arange(n_groups, dtype=np.uint32)[None, :]) & 1
        return ((self.regular_open[:, None] != 0) & (closed == 0)).astype(np.uint8).reshape(len(self.regular_open), n_groups)

    @property
    def queued(self) -> np.ndarray:
        """uint8 per crossing: 1 where the regular channel has a daily capacity (people queue)."""
        return ((self.capacity_persons_per_day >= 0) & (self.has_regular != 0)).astype(np.uint8)

    def index(self, link_id: str) -> int:
        """Crossing index of a scenario link id."""
        return self.link_ids.index(link_id)

    def policy_state(self) -> dict[str, np.ndarray]:
        """The arrays events change (for checkpoints)."""
        return {
            "regular_open": self.regular_open,
            "documents_required": self.documents_required,
            "irregular_open": self.irregular_open,
        }


def compile_crossings(scenario, graph) -> Crossings:
    """Crossing arrays for every border link of the scenario's graph."""
    defined = {c.link: c for c in scenario.crossings}
    link_crossing = np.full(graph.n_links, -1, dtype=np.int32)
    rows: list[CrossingRow] = []
    ids, names, from_iso3, to_iso3 = [], [], [], []
    for k, link in enumerate(scenario.links):
        a, b = graph.index(link.from_), graph.index(link.to)
        if graph.node_iso3[a] == graph.node_iso3[b]:
            continue
        row = defined.get(link.id) or CrossingRow(link=link.id)
        x = len(rows)
        rows.append(row)
        link_crossing[2 * k] = link_crossing[2 * k + 1] = x
        ids.append(link.id)
        names.append(row.name or f"{graph.node_names[a]} - {graph.node_names[b]}")
        from_iso3.append(graph.node_iso3[a])
        to_iso3.append(graph.node_iso3[b])
    return Crossings(
        link_ids=ids,
        names=names,
        from_iso3=from_iso3,
        to_iso3=to_iso3,
        link_crossing=link_crossing,
        has_regular=np.array([r.regular for r in rows], dtype=np.uint8),
        regular_open=np.array([r.regular and r.regular_open for r in rows], dtype=np.uint8),
        documents_required=np.array([DOCUMENTS[r.documents_required] for r in rows], dtype=np.uint8),
        irregular_open=np.array([r.irregular_alternative for r in rows], dtype=np.uint8),
        risks=np.array([[r.death_risk, r.injury_risk, r.robbery_risk, r.trafficking_risk] for r in rows]).reshape(len(rows), 4),
        cost_usd=np.array([r.cost_usd for r in rows]),
        capacity_persons_per_day=np.array(
            [-1 if r.capacity_persons_per_day is None else r.capacity_persons_per_day for r in rows], dtype=np.int64
        ),
        closed_groups=np.zeros(len(rows), dtype=np.uint32),
    )


def _check_groups(named, groups, error) -> None:
    from simulator.errors import suggestion

    for i, name in enumerate(named or []):
        if name not in groups:
            raise error(("groups", i), f"'{name}' is not one of the scenario's groups{suggestion(name, groups)}")


class CrossingEvent(Event):
    """Base of events on one crossing, named by its link id."""

    link_fields = ("link",)
    requires_border_link = True
    link: str

    def _index(self, model) -> int:
        from simulator.errors import ScenarioError

        if self.link not in model.crossings.link_ids:
            raise ScenarioError(f"link '{self.link}' is not a border crossing", field="link")
        return model.crossings.index(self.link)


@register_event("close_crossing")
class CloseCrossing(CrossingEvent):
    """Close a crossing's regular channel (to everybody, or to some groups), its irregular alternative, or both."""

    changes_graph = True

    channel: Literal["regular", "irregular", "both"] = "regular"
    groups: list[str] | None = None

    def check(self, days, start_date, groups, error) -> None:
        """Named groups exist."""
        _check_groups(self.groups, groups, error)

    def apply(self, model) -> None:
        x = self._index(model)
        if self.groups is not None and self.channel == "regular":
            for name in self.groups:
                model.crossings.closed_groups[x] |= np.uint32(1 << model.scenario.groups.index(name))
            return
        if self.channel in ("regular", "both"):
            model.crossings.regular_open[x] = 0
        if self.channel in ("irregular", "both"):
            model.crossings.irregular_open[x] = 0

    def describe(self) -> str:
        who = f" to {', '.join(self.groups)}" if self.groups else ""
        return f"crossing {self.link} closes ({self.channel}){who}"


@register_event("open_crossing")
class OpenCrossing(CrossingEvent):
    """Open a crossing's regular channel (where an official post exists), its irregular alternative, or both."""

    changes_graph = True

    channel: Literal["regular", "irregular", "both"] = "regular"
    groups: list[str] | None = None

    def check(self, days, start_date, groups, error) -> None:
        """Named groups exist."""
        _check_groups(self.groups, groups, error)

    def apply(self, model) -> None:
        x = self._index(model)
        if self.groups is not None and self.channel == "regular":
            for name in self.groups:
                model.crossings.closed_groups[x] &= ~np.uint32(1 << model.scenario.groups.index(name))
            return
        if self.channel in ("regular", "both"):
            model.crossings.regular_open[x] = model.crossings.has_regular[x]
            model.crossings.closed_groups[x] = 0
        if self.channel in ("irregular", "both"):
            model.crossings.irregular_open[x] = 1

    def describe(self) -> str:
        return f"crossing {self.link} opens ({self.channel})"


@register_event("set_documents_required")
class SetDocumentsRequired(CrossingEvent):
    """Change the documents a crossing's regular channel requires."""

    documents: Literal["none", "id", "passport", "visa"]

    def apply(self, model) -> None:
        model.crossings.documents_required[self._index(model)] = DOCUMENTS[self.documents]

    def describe(self) -> str:
        return f"crossing {self.link} now requires: {self.documents}"


@register_event("set_crossing_capacity")
class SetCrossingCapacity(CrossingEvent):
    """Cap (or uncap, with no value) the people a crossing's regular channel admits per day; people queue."""

    capacity_persons_per_day: int | None = Field(default=None, ge=0)

    def apply(self, model) -> None:
        cap = -1 if self.capacity_persons_per_day is None else self.capacity_persons_per_day
        model.crossings.capacity_persons_per_day[self._index(model)] = cap

    def describe(self) -> str:
        if self.capacity_persons_per_day is None:
            return f"crossing {self.link}: no daily cap"
        return f"crossing {self.link} admits at most {self.capacity_persons_per_day:,} people per day"

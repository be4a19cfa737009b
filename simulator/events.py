"""The event registry: scenario timeline entries and events injected at run time.

An event type is a pydantic model registered under its ``type`` name with
:func:`register_event`.  It declares which of its fields name nodes or links
(so the loader can check them against the graph), and implements
``apply(model)`` and ``describe()`` (a one-line sentence for logs and reports).
Later behaviour modules add their own types by registering them; nothing here
switches on type names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from pydantic import Field, model_validator

from simulator.schema import Strict

EVENT_TYPES: dict[str, type[Event]] = {}


def register_event(name: str):
    """Class decorator: register an :class:`Event` subclass under ``name``."""

    def decorate(cls):
        if name in EVENT_TYPES:
            raise ValueError(f"event type {name!r} registered twice")
        cls.event_type = name
        EVENT_TYPES[name] = cls
        return cls

    return decorate


class Event(Strict):
    """Base of all events: when it happens (a date or a day number) and what it does."""

    event_type: ClassVar[str] = ""
    #: Field names whose values are node ids (or lists of node ids).
    node_fields: ClassVar[tuple[str, ...]] = ()
    #: Field names whose values are link ids.
    link_fields: ClassVar[tuple[str, ...]] = ()
    #: Whether its link fields must name links that cross a border.
    requires_border_link: ClassVar[bool] = False
    #: Whether applying it changes the route graph (route tables are then recomputed).
    changes_graph: ClassVar[bool] = False

    type: str
    date: dt.date | None = None
    day: int | None = Field(default=None, ge=0)
    note: str = ""

    @model_validator(mode="after")
    def _one_of_date_day(self):
        if (self.date is None) == (self.day is None):
            raise ValueError("give exactly one of 'date' and 'day'")
        return self

    def resolved(self, resolve) -> Event:
        """This event with its node references replaced by node ids.

        ``resolve(reference, path)`` returns the node id of a reference (id or
        name) found at ``path`` (a tuple of field names and indices below the
        event) or raises a located error.  Event types with nested node
        references override this.
        """
        updates = {}
        for name in self.node_fields:
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, list):
                updates[name] = [resolve(v, (name, i)) for i, v in enumerate(value)]
            else:
                updates[name] = resolve(value, (name,))
        return self.model_copy(update=updates) if updates else self

    def check(self, days: int, start_date: dt.date, groups: list[str], error) -> None:
        """Further checks needing the run's dates or groups; ``error(path, message)`` builds the exception."""

    def day_in(self, start_date: dt.date) -> int:
        """The simulation day on which this event takes effect."""
        return self.day if self.day is not None else (self.date - start_date).days

    def apply(self, model) -> None:  # pragma: no cover - abstract
        """Change the model's policy state."""
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        """One line, in words, for logs and reports."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """The event as plain data, as it would be written in a scenario file."""
        return self.model_dump(mode="json", exclude_none=True, exclude_defaults=False)


@register_event("close_node")
class CloseNode(Event):
    """Close a place: nobody enters it until it reopens (people there may leave)."""

    node_fields = ("node",)
    changes_graph = True
    node: str

    def apply(self, model) -> None:
        model.policy.node_open[model.graph.index(self.node)] = 0

    def describe(self) -> str:
        return f"{self.node} closes: nobody can enter it"


@register_event("open_node")
class OpenNode(Event):
    """Reopen a closed place."""

    node_fields = ("node",)
    changes_graph = True
    node: str

    def apply(self, model) -> None:
        model.policy.node_open[model.graph.index(self.node)] = 1

    def describe(self) -> str:
        return f"{self.node} reopens"


@register_event("close_link")
class CloseLink(Event):
    """Close a link in both directions (a road cut by a landslide, a river crossing shut)."""

    link_fields = ("link",)
    changes_graph = True
    link: str

    def apply(self, model) -> None:
        for directed in model.graph.directed_links_of(self.link):
            model.policy.link_open[directed] = 0

    def describe(self) -> str:
        return f"link {self.link} closes in both directions"


@register_event("open_link")
class OpenLink(Event):
    """Reopen a closed link."""

    link_fields = ("link",)
    changes_graph = True
    link: str

    def apply(self, model) -> None:
        for directed in model.graph.directed_links_of(self.link):
            model.policy.link_open[directed] = 1

    def describe(self) -> str:
        return f"link {self.link} reopens"


@register_event("set_departures")
class SetDepartures(Event):
    """From this day on (until the next step of its series), departures from an origin run at a new rate."""

    node_fields = ("origin",)
    origin: str
    group: str | None = None
    persons_per_day: float = Field(ge=0)

    def apply(self, model) -> None:
        model.set_departure_rate(self.origin, self.group, self.persons_per_day)

    def describe(self) -> str:
        who = f" ({self.group})" if self.group else ""
        return f"departures{who} from {self.origin} become {self.persons_per_day:,.0f} persons/day"


@register_event("scale_departures")
class ScaleDepartures(Event):
    """Multiply new departures (from the listed origins, or all) by a factor: a shock or a lull."""

    node_fields = ("origins",)
    factor: float = Field(ge=0)
    origins: list[str] | None = None

    def apply(self, model) -> None:
        factor = model.policy.departure_factor
        if self.origins is None:
            factor *= self.factor
        else:
            for origin in self.origins:
                factor[model.graph.index(origin)] *= self.factor

    def describe(self) -> str:
        where = ", ".join(self.origins) if self.origins else "all origins"
        return f"departures from {where} multiplied by {self.factor:g}"


@register_event("set_parameter")
class SetParameter(Event):
    """Change one behaviour parameter, named ``module.name`` (e.g. ``movement.stock_weight``)."""

    name: str
    value: float

    def apply(self, model) -> None:
        model.set_parameter(self.name, self.value)

    def describe(self) -> str:
        return f"parameter {self.name} set to {self.value:g}"

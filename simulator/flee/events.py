"""Events of Flee scenarios: conflicts starting and ending, camps closing and reopening, camp capacities.

They are scenario timeline entries like any other (so they are validated,
shown in reports and event logs, and can be injected in a tabletop exercise
with ``model.apply``).  Only the flee ruleset acts on them; under migsim's own
ruleset a Flee scenario's conflicts are already in its departure series, and
these events change nothing.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from models.flee import LOCATION_TYPES
from simulator.errors import suggestion
from simulator.events import Event, register_event


def _flee(model):
    """The run's flee ruleset, or None under another ruleset."""
    ruleset = getattr(model, "ruleset", None)
    return ruleset if getattr(ruleset, "name", "") == "flee" else None


@register_event("conflict")
class Conflict(Event):
    """A conflict starts at a place (intensity > 0: it becomes a conflict zone) or ends (intensity 0: it becomes a town)."""

    node_fields = ("node",)
    node: str
    intensity: float = Field(ge=0)

    def apply(self, model) -> None:
        ruleset = _flee(model)
        if ruleset is not None:
            ruleset.set_conflict(model.graph.index(self.node), self.intensity, model.day)

    def describe(self) -> str:
        if self.intensity > 0:
            return f"conflict at {self.node} (intensity {self.intensity:g}): it becomes a conflict zone"
        return f"conflict at {self.node} ends: it becomes a town"


@register_event("set_location_type")
class SetLocationType(Event):
    """A place changes type (Flee's camp closures turn a camp into a town, and back)."""

    node_fields = ("node",)
    node: str
    location_type: str

    @field_validator("location_type")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in LOCATION_TYPES:
            raise ValueError(
                f"unknown location type{suggestion(value, LOCATION_TYPES)}; expected one of {', '.join(LOCATION_TYPES)}"
            )
        return value

    def apply(self, model) -> None:
        ruleset = _flee(model)
        if ruleset is not None:
            ruleset.set_location_type(model.graph.index(self.node), self.location_type, model.day)

    def describe(self) -> str:
        return f"{self.node} becomes a {self.location_type.replace('_', ' ')}"


@register_event("set_camp_capacity")
class SetCampCapacity(Event):
    """A camp's capacity changes (0: no capacity)."""

    node_fields = ("node",)
    node: str
    capacity_persons: int = Field(ge=0)

    def apply(self, model) -> None:
        ruleset = _flee(model)
        if ruleset is not None:
            ruleset.set_capacity(model.graph.index(self.node), self.capacity_persons)

    def describe(self) -> str:
        if self.capacity_persons == 0:
            return f"camp {self.node} has no capacity limit any more"
        return f"camp {self.node} capacity becomes {self.capacity_persons:,} persons"

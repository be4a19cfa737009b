"""Conditional policies: a government that acts by itself when a measured quantity crosses a threshold.

``conditional`` events create a :class:`Government` (a Mesa agent: the
population stays in arrays, but the few institutional actors are agents).
Every day, after the record phase, each government reads its quantity at the
end of that day; on the first day the condition holds it schedules its action
to take effect at the start of day ``d + lag_days`` (``lag_days >= 1``), and
then, unless ``repeat`` is set, rests.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import mesa
from pydantic import Field, model_validator

from models.crossings import T_IRREGULAR
from simulator.events import Event, register_event


def _node(model, target):
    return model.graph.index(target)


def _crossing(model, target):
    return model.crossings.index(target)


#: quantity name -> (what it is measured at: "node" or "crossing", reader(model, index, day) in persons)
QUANTITIES = {
    "people_waiting": ("crossing", lambda m, x, d: int(m.recorder.queue[d, x, 0]) * m.scale),
    "irregular_crossings": ("crossing", lambda m, x, d: int(m.recorder.crossing[d, x, T_IRREGULAR]) * m.scale),
    "people_without_shelter": ("node", lambda m, n, d: int(m.recorder.without_shelter[d, n])),
    "people_in_transit_at_node": ("node", lambda m, n, d: int(m.recorder.transit_at_node[d, n]) * m.scale),
    "people_present": ("node", lambda m, n, d: int(m.recorder.node["people"][d, n]) * m.scale),
    "arrivals": ("node", lambda m, n, d: int(m.recorder.node["arrivals"][d, n]) * m.scale),
}


@register_event("conditional")
class Conditional(Event):
    """From its date on, apply ``then`` when ``quantity`` at ``at`` goes above (or below) a threshold."""

    child_event_fields: ClassVar[tuple[str, ...]] = ("then",)
    name: str = Field(min_length=1)
    quantity: Literal[
        "people_waiting",
        "irregular_crossings",
        "people_without_shelter",
        "people_in_transit_at_node",
        "people_present",
        "arrivals",
    ]
    at: str = Field(min_length=1)
    above: float | None = None
    below: float | None = None
    lag_days: int = Field(default=1, ge=1, le=3650)
    repeat: bool = False
    then: dict[str, Any]

    @model_validator(mode="after")
    def _one_threshold(self):
        if (self.above is None) == (self.below is None):
            raise ValueError("give exactly one of 'above' and 'below'")
        return self

    def resolved(self, resolve) -> Event:
        """Resolve ``at`` when it measures a node."""
        if QUANTITIES[self.quantity][0] == "node":
            return self.model_copy(update={"at": resolve(self.at, ("at",))})
        return self

    def apply(self, model) -> None:
        Government(model, self)

    def describe(self) -> str:
        sign = f"above {self.above:,.0f}" if self.above is not None else f"below {self.below:,.0f}"
        return f"rule '{self.name}': when {self.quantity.replace('_', ' ')} at {self.at} is {sign}, then (after {self.lag_days} day(s)) {self.then.get('type')}"


class Government(mesa.Agent):
    """An institutional actor that applies one conditional policy."""

    def __init__(self, model, rule: Conditional, fired_days: list[int] | None = None):
        super().__init__(model)
        self.rule = rule
        self.fired_days: list[int] = list(fired_days or [])
        kind, self.reader = QUANTITIES[rule.quantity]
        self.index = _node(model, rule.at) if kind == "node" else _crossing(model, rule.at)

    def holds(self, value: float) -> bool:
        """Whether the rule's condition holds for ``value``."""
        return value > self.rule.above if self.rule.above is not None else value < self.rule.below

    def react(self, day: int) -> None:
        """Read the quantity at the end of ``day``; schedule the action if the condition holds."""
        if self.fired_days and not self.rule.repeat:
            return
        if self.fired_days and self.fired_days[-1] + self.rule.lag_days > day:
            return  # an action is already on its way
        value = self.reader(self.model, self.index, day)
        if not self.holds(value):
            return
        self.fired_days.append(day)
        effect_day = day + self.rule.lag_days
        if effect_day < self.model.days:
            self.model.apply({**self.rule.then, "day": effect_day})
        self.model.event_log.append(
            {
                "day": day,
                "date": self.model.scenario.date_of(day).isoformat(),
                "type": "conditional_triggered",
                "description": f"rule '{self.rule.name}' triggered: {self.rule.quantity} at {self.rule.at} = {value:,}; "
                f"{self.rule.then.get('type')} takes effect on day {effect_day}",
                "event": self.rule.to_dict(),
            }
        )

    def state(self) -> dict[str, Any]:
        """JSON-able state for checkpoints."""
        return {"rule": self.rule.to_dict(), "fired_days": list(map(int, self.fired_days))}


def governments_react(model, day: int) -> None:
    """Let every government read the day just recorded (in creation order, so results are reproducible)."""
    for government in sorted(model.agents_by_type.get(Government, []), key=lambda a: a.unique_id):
        government.react(day)


def government_state(model) -> list[dict[str, Any]]:
    """All governments' states, in creation order."""
    return [g.state() for g in sorted(model.agents_by_type.get(Government, []), key=lambda a: a.unique_id)]


def restore_governments(model, saved: list[dict[str, Any]]) -> None:
    """Recreate governments from :func:`government_state`."""
    for government in list(model.agents_by_type.get(Government, [])):
        government.remove()
    for item in saved:
        Government(model, Conditional.model_validate(item["rule"]), item["fired_days"])

"""Humanitarian corridors and transport assistance: faster, cheaper, safer travel on named links."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from simulator.errors import ScenarioError
from simulator.events import Event, register_event


@register_event("humanitarian_corridor")
class HumanitarianCorridor(Event):
    """Open a corridor on some links: a travel speed (organised transport), and crossing risks and costs scaled down."""

    link_fields = ("links",)
    name: str = Field(min_length=1)
    links: list[str] = Field(min_length=1)
    speed_km_per_day: float | None = Field(default=None, gt=0)
    risk_factor: float = Field(default=1.0, ge=0, le=1, description="multiplies incident risks of crossings on these links")
    cost_factor: float = Field(default=1.0, ge=0, le=1, description="multiplies the cost of crossings on these links")

    def apply(self, model) -> None:
        if self.name in model.corridors:
            raise ScenarioError(f"corridor '{self.name}' is already open", field="name")
        directed = [d for link in self.links for d in model.graph.directed_links_of(link)]
        crossings = sorted({int(model.crossings.link_crossing[d]) for d in directed if model.crossings.link_crossing[d] >= 0})
        model.corridors[self.name] = {
            "links": directed,
            "speeds": model.graph.link_speed_km_per_day[directed].tolist(),
            "crossings": crossings,
            "risks": model.crossings.risks[crossings].tolist(),
            "costs": model.crossings.cost_usd[crossings].tolist(),
        }
        if self.speed_km_per_day is not None:
            model.graph.link_speed_km_per_day[directed] = self.speed_km_per_day
        model.crossings.risks[crossings] *= self.risk_factor
        model.crossings.cost_usd[crossings] *= self.cost_factor

    def describe(self) -> str:
        parts = []
        if self.speed_km_per_day is not None:
            parts.append(f"transport at {self.speed_km_per_day:,.0f} km/day")
        if self.risk_factor < 1:
            parts.append(f"risks x{self.risk_factor:g}")
        if self.cost_factor < 1:
            parts.append(f"costs x{self.cost_factor:g}")
        return f"humanitarian corridor '{self.name}' opens on {', '.join(self.links)} ({'; '.join(parts) or 'no change'})"


@register_event("end_humanitarian_corridor")
class EndHumanitarianCorridor(Event):
    """Close a corridor opened earlier: speeds, risks and costs return to what they were."""

    name: str = Field(min_length=1)

    def apply(self, model) -> None:
        saved = model.corridors.pop(self.name, None)
        if saved is None:
            raise ScenarioError(f"no open corridor is named '{self.name}'", field="name")
        model.graph.link_speed_km_per_day[saved["links"]] = np.asarray(saved["speeds"], dtype=np.float32)
        if saved["crossings"]:
            model.crossings.risks[saved["crossings"]] = np.asarray(saved["risks"])
            model.crossings.cost_usd[saved["crossings"]] = np.asarray(saved["costs"])

    def describe(self) -> str:
        return f"humanitarian corridor '{self.name}' closes"

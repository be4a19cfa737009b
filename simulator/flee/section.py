"""The scenario's ``flee:`` section: what Flee knows about each place that a migsim graph does not.

```yaml
flee:
  locations: case/flee_locations.csv   # node_id, location_type, population, capacity_persons, ...
  links: case/flee_links.csv           # optional: link_id, walk_probability
  home_country: Mali                   # places in another country are foreign (score x foreign_weight)
  spawning: sum_from_camps             # or conflict_driven, or departures (the scenario's departures)
  conflict_spawn_mode: constant        # conflict_driven: constant | poisson | pop_ratio
  displaced_per_conflict_day: 500      # persons per conflict zone and day (pop_ratio: share of its population)
  conflict_spawn_decay: [1, 1, 1, 0.5, 0.1]   # optional multipliers per interval since a conflict began
  conflict_spawn_decay_interval_days: 30
  insert_day0: true                    # camps start with their day-0 observed counts (Flee's quirk: capacity minus them)
```

A scenario without a ``flee:`` section can still run with the flee ruleset:
origin cities become conflict zones, destination cities camps without a
capacity, every other place a town, and new agents come from the scenario's
departures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pydantic
from pydantic import Field, field_validator, model_validator

from models.flee import LOCATION_TYPES
from models.state import DESTINATION_CITY, NODE_KINDS, ORIGIN_CITY
from simulator.errors import ScenarioError, suggestion
from simulator.schema import Strict

SPAWNING_MODES = ("sum_from_camps", "conflict_driven", "departures")
CONFLICT_SPAWN_MODES = ("constant", "poisson", "pop_ratio")


class FleeSpec(Strict):
    """The ``flee:`` section of a scenario."""

    locations: str | list[dict[str, Any]]
    links: str | list[dict[str, Any]] | None = None
    home_country: str = ""
    spawning: Literal["sum_from_camps", "conflict_driven", "departures"] = "sum_from_camps"
    conflict_spawn_mode: Literal["constant", "poisson", "pop_ratio"] = "constant"
    displaced_per_conflict_day: float = Field(default=0.0, ge=0)
    conflict_spawn_decay: list[float] | None = None
    conflict_spawn_decay_interval_days: int = Field(default=30, ge=1)
    insert_day0: bool = True
    take_from_population: bool = False
    source: str = ""

    @field_validator("conflict_spawn_decay")
    @classmethod
    def _decay(cls, value):
        if value is not None and (not value or any(v < 0 for v in value)):
            raise ValueError("give one or more multipliers >= 0")
        return value


def _blank_to_default(values: Any) -> Any:
    if isinstance(values, dict):
        return {k: v for k, v in values.items() if not (isinstance(v, str) and v.strip() == "")}
    return values


class FleeLocationRow(Strict):
    """One place as Flee sees it (a row of the flee locations table)."""

    model_config = pydantic.ConfigDict(extra="ignore", str_strip_whitespace=True)

    node_id: str = Field(min_length=1)
    location_type: str
    population: int = Field(default=0, ge=0)
    capacity_persons: int = Field(default=0, ge=0, description="camps only; 0 = no capacity")
    capacity_per_day: float = Field(default=0.0, ge=0)
    conflict_intensity: float | None = Field(default=None, ge=0)
    conflict_day: int = 0
    region: str = ""

    @model_validator(mode="before")
    @classmethod
    def _blank(cls, values: Any) -> Any:
        return _blank_to_default(values)

    @field_validator("location_type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        kind = value.strip().lower()
        if kind not in LOCATION_TYPES:
            raise ValueError(
                f"unknown location type{suggestion(kind, LOCATION_TYPES)}; expected one of {', '.join(LOCATION_TYPES)}"
            )
        return kind

    @model_validator(mode="after")
    def _intensity(self):
        if self.location_type == "conflict_zone" and self.conflict_intensity is None:
            self.conflict_intensity = 1.0
        if self.location_type == "conflict_zone" and self.conflict_intensity == 0:
            raise ValueError("a conflict zone needs a conflict_intensity > 0 (a place without conflict is a town)")
        if self.location_type != "conflict_zone" and self.conflict_intensity:
            raise ValueError("only conflict zones have a conflict_intensity (use a conflict event to start one)")
        if self.capacity_persons and self.location_type not in ("camp", "idp_camp"):
            raise ValueError("only camps have a capacity")
        return self


class FleeLinkRow(Strict):
    """Flee attributes of one link."""

    model_config = pydantic.ConfigDict(extra="ignore", str_strip_whitespace=True)

    link_id: str = Field(min_length=1)
    walk_probability: float = Field(default=0.0, ge=0, le=1)

    @model_validator(mode="before")
    @classmethod
    def _blank(cls, values: Any) -> Any:
        return _blank_to_default(values)


@dataclass
class FleeSection:
    """A validated ``flee:`` section: per node id its Flee attributes, per link id its walk probability."""

    locations: dict[str, FleeLocationRow]
    walk_probability: dict[str, float] = field(default_factory=dict)
    home_country: str = ""
    spawning: str = "sum_from_camps"
    conflict_spawn_mode: str = "constant"
    displaced_per_conflict_day: float = 0.0
    conflict_spawn_decay: list[float] | None = None
    conflict_spawn_decay_interval_days: int = 30
    insert_day0: bool = True
    take_from_population: bool = False
    source: str = ""
    derived: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The section inline, as :func:`parse_flee_section` reads it."""
        out: dict[str, Any] = {
            "locations": [row.model_dump(mode="json", exclude_none=True) for row in self.locations.values()],
            "home_country": self.home_country,
            "spawning": self.spawning,
            "conflict_spawn_mode": self.conflict_spawn_mode,
            "displaced_per_conflict_day": self.displaced_per_conflict_day,
            "conflict_spawn_decay_interval_days": self.conflict_spawn_decay_interval_days,
            "insert_day0": self.insert_day0,
            "take_from_population": self.take_from_population,
            "source": self.source,
        }
        if self.walk_probability:
            out["links"] = [{"link_id": k, "walk_probability": v} for k, v in self.walk_probability.items()]
        if self.conflict_spawn_decay is not None:
            out["conflict_spawn_decay"] = list(self.conflict_spawn_decay)
        return out

    @classmethod
    def derived_from(cls, scenario) -> FleeSection:
        """Flee attributes from a migsim scenario's node kinds: origins are conflict zones, destinations camps."""
        rows = {}
        for node in scenario.nodes:
            kind = NODE_KINDS[node.kind]
            if kind == ORIGIN_CITY:
                row = FleeLocationRow(node_id=node.id, location_type="conflict_zone", conflict_intensity=1.0)
            elif kind == DESTINATION_CITY:
                row = FleeLocationRow(node_id=node.id, location_type="camp")
            else:
                row = FleeLocationRow(node_id=node.id, location_type="town")
            rows[node.id] = row
        home = scenario.nodes[0].country or scenario.nodes[0].iso3
        return cls(locations=rows, home_country=home, spawning="departures", derived=True)


def parse_flee_section(raw: Any, lines, base_dir: Path, names, files: list[Path], nodes, links, table) -> FleeSection:
    """Validate the ``flee:`` section against the graph; ``table`` reads an inline list or a CSV (``scenario._table``)."""
    from simulator.scenario import _validate_row
    from simulator.validation import located_error

    try:
        spec = FleeSpec.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise located_error(exc, lines, ("flee",), FleeSpec) from None
    rows: dict[str, FleeLocationRow] = {}
    seen: dict[str, int] = {}
    for index, (file, line, row) in enumerate(
        table(spec.locations, "flee.locations", base_dir, lines, ("node_id", "location_type"), files)
    ):
        location = _validate_row(FleeLocationRow, file, line, row, lines, ("flee", "locations", index))
        node_id = names.resolve(location.node_id, _where(file, line, lines, ("flee", "locations", index, "node_id"), "node_id"))
        if node_id in seen:
            raise _where(
                file,
                line,
                lines,
                ("flee", "locations", index, "node_id"),
                "node_id",
                f"'{node_id}' is given twice (first at line {seen[node_id]})",
            )
        seen[node_id] = line
        rows[node_id] = location.model_copy(update={"node_id": node_id})
    missing = [n.id for n in nodes if n.id not in rows]
    if missing:
        raise lines.error(
            ("flee", "locations"), f"node '{missing[0]}' has no row in flee.locations (every node needs a location type)"
        )
    ordered = {n.id: rows[n.id] for n in nodes}
    walk: dict[str, float] = {}
    link_ids = {lk.id for lk in links}
    for index, (file, line, row) in enumerate(table(spec.links, "flee.links", base_dir, lines, ("link_id",), files)):
        link_row = _validate_row(FleeLinkRow, file, line, row, lines, ("flee", "links", index))
        if link_row.link_id not in link_ids:
            raise _where(
                file, line, lines, ("flee", "links", index, "link_id"), "link_id",
                f"'{link_row.link_id}' is not a link{suggestion(link_row.link_id, link_ids)}",
            )  # fmt: skip
        walk[link_row.link_id] = link_row.walk_probability
    home = spec.home_country or (nodes[0].country or nodes[0].iso3)
    return FleeSection(
        locations=ordered,
        walk_probability=walk,
        home_country=home,
        spawning=spec.spawning,
        conflict_spawn_mode=spec.conflict_spawn_mode,
        displaced_per_conflict_day=spec.displaced_per_conflict_day,
        conflict_spawn_decay=spec.conflict_spawn_decay,
        conflict_spawn_decay_interval_days=spec.conflict_spawn_decay_interval_days,
        insert_day0=spec.insert_day0,
        take_from_population=spec.take_from_population,
        source=spec.source,
    )


def _where(file: str, line: int, lines, path: tuple, column: str, message: str = "") -> ScenarioError:
    if file == lines.file:
        return lines.error(path, message)
    return ScenarioError(message, file, line, column)

"""The scenario file's structure, validated strictly with pydantic.

Every model forbids unknown keys.  Cross-references (node names, dates inside
the run) are checked afterwards by :mod:`simulator.scenario`, which knows the
graph and the run's dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from models.state import CHANNELS, DOCUMENTS, MODES, NODE_KINDS, TOPICS
from simulator.attributes import AGE_GROUPS, REASONS, SEXES


class Strict(BaseModel):
    """Base of every scenario model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ManyRunsSpec(Strict):
    """What sweep and targets files share: a name, the scenario (and variant) they run, and its scale, days and seed."""

    name: str | None = None
    description: str = ""
    scenario: str | None = None
    variant: str | None = None
    scale: int | None = Field(default=None, ge=1)
    days: int | None = Field(default=None, ge=1, le=36500)
    seed: int | None = Field(default=None, ge=0, lt=2**63)


class NodeRow(Strict):
    """One place of the route graph (a row of nodes.csv, or an inline entry)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    country: str = ""
    iso3: str = Field(min_length=3, max_length=3)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    kind: str
    attractiveness: float = Field(default=0.0, ge=0)
    shelter_capacity_persons: int | None = Field(default=None, ge=0)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        kind = value.strip().lower()
        if kind not in NODE_KINDS:
            raise ValueError(f"unknown node kind; expected one of {', '.join(sorted(NODE_KINDS))}")
        return kind

    @field_validator("shelter_capacity_persons", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


class LinkRow(Strict):
    """One undirected link of the route graph; the engine makes both directions."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str = Field(min_length=1)
    from_: str = Field(alias="from", min_length=1)
    to: str = Field(min_length=1)
    distance_km: float = Field(gt=0)
    mode: str = "road"
    speed_km_per_day: float | None = Field(default=None, gt=0)

    @field_validator("mode")
    @classmethod
    def _known_mode(cls, value: str) -> str:
        mode = value.strip().lower()
        if mode not in MODES:
            raise ValueError(f"unknown mode; expected one of {', '.join(MODES)}")
        return mode

    @field_validator("speed_km_per_day", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


class StockRow(Strict):
    """People already living at a node on the start date."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    node_id: str = Field(min_length=1)
    persons: int = Field(ge=0)


class RatePoint(Strict):
    """From this date (or day) on, the origin's departures are this many persons per day."""

    date: dt.date | None = None
    day: int | None = Field(default=None, ge=0)
    persons_per_day: float = Field(ge=0)

    @model_validator(mode="after")
    def _one_of_date_day(self):
        if (self.date is None) == (self.day is None):
            raise ValueError("give exactly one of 'date' and 'day'")
        return self


class DepartureRow(Strict):
    """New departures from one origin: a constant daily rate or a step series."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    origin_id: str = Field(min_length=1, alias="origin")
    group: str | None = None
    persons_per_day: float | None = Field(default=None, ge=0)
    series: list[RatePoint] | None = None

    @field_validator("group", mode="before")
    @classmethod
    def _empty_group(cls, value: Any) -> Any:
        return None if value == "" else value

    @model_validator(mode="after")
    def _rate_or_series(self):
        if (self.persons_per_day is None) == (self.series is None):
            raise ValueError("give exactly one of 'persons_per_day' and 'series'")
        return self


def _shares(value: dict[str, float], names, what: str) -> dict[str, float]:
    for key, share in value.items():
        if key not in names:
            raise ValueError(f"unknown {what} '{key}'; expected one of {', '.join(names)}")
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"share of '{key}' must be between 0 and 1")
    return value


class MarginalSpec(Strict):
    """Shares of some categories of one variable (single or joint, ``sex*minor``) that synthesis must match."""

    variable: str = Field(min_length=1)
    shares: dict[str, float] = Field(min_length=1)
    source: str = ""

    @field_validator("shares")
    @classmethod
    def _shares_in_range(cls, value):
        for key, share in value.items():
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"share of '{key}' must be between 0 and 1")
        if sum(value.values()) > 1.0 + 1e-6:
            raise ValueError(f"shares sum to {sum(value.values()):.4g}, more than 1")
        return value


class SurveyMarginalsRef(Strict):
    """Marginals to match, read from a marginals file (simulator/marginals.py): some of its surveys, or all."""

    file: str = Field(min_length=1)
    surveys: list[str] | None = None


def _complete(value: dict[str, float], what: str) -> dict[str, float]:
    if sum(value.values()) > 1.0 + 1e-9:
        raise ValueError(f"{what} shares sum to {sum(value.values()):.3f}, more than 1")
    return value


#: Age groups of people when a profile says nothing: an assumption (DTM flow surveys: most adults are 18-40).
DEFAULT_AGE_GROUPS = {"0-17": 0.2, "18-34": 0.45, "35-59": 0.3, "60+": 0.05}


class PopulationProfile(Strict):
    """Attributes of the people who start or spawn at some places (all places when ``nodes`` is absent).

    Shares are in 0..1; knowledge shares say who knows a topic (knowledge 80)
    and who is misinformed on it (knowledge -80); the rest know nothing (0).
    The attributes are drawn jointly from a table raked (simulator/synthesis.py)
    to these shares, to ``marginals`` (single or joint variables) and to the
    surveys of ``survey_marginals``, starting from ``seed`` (a CSV of weighted
    combinations, or the defaults taken as independent).
    """

    nodes: list[str] | None = None
    internet_share: float = Field(default=0.7, ge=0, le=1)
    documents: dict[str, float] = Field(default_factory=lambda: {"none": 0.4, "id": 0.4, "passport": 0.2})
    knowledge: dict[str, float] = Field(default_factory=dict)
    misinformed: dict[str, float] = Field(default_factory=dict)
    risk_perception: float = Field(default=0.5, ge=0, le=1)
    trust: dict[str, float] = Field(default_factory=dict)
    sex: dict[str, float] = Field(default_factory=lambda: {"female": 0.5, "male": 0.5})
    age_group: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_AGE_GROUPS))
    family_share: float = Field(default=0.5, ge=0, le=1)
    reasons: dict[str, float] = Field(default_factory=lambda: {"other": 1.0})
    regular_status_share: float = Field(default=0.0, ge=0, le=1)
    destinations: dict[str, float] = Field(default_factory=dict)
    marginals: list[MarginalSpec] = Field(default_factory=list)
    survey_marginals: SurveyMarginalsRef | None = None
    seed: str | list[dict[str, Any]] | None = None

    @field_validator("sex")
    @classmethod
    def _sex(cls, value):
        return _complete(_shares(value, SEXES, "sex"), "sex")

    @field_validator("age_group")
    @classmethod
    def _age(cls, value):
        return _complete(_shares(value, AGE_GROUPS, "age group"), "age group")

    @field_validator("reasons")
    @classmethod
    def _reasons(cls, value):
        return _complete(_shares(value, REASONS, "reason"), "reason")

    @field_validator("destinations")
    @classmethod
    def _destinations(cls, value):
        for key, share in value.items():
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"share of '{key}' must be between 0 and 1")
        if sum(value.values()) > 1.0 + 1e-9:
            raise ValueError(f"destination shares sum to {sum(value.values()):.3f}, more than 1")
        return value

    @field_validator("documents")
    @classmethod
    def _documents(cls, value):
        _shares(value, list(DOCUMENTS), "document level")
        if sum(value.values()) > 1.0 + 1e-9:
            raise ValueError(f"document shares sum to {sum(value.values()):.3f}, more than 1")
        return value

    @field_validator("knowledge", "misinformed")
    @classmethod
    def _topics(cls, value):
        return _shares(value, TOPICS, "topic")

    @field_validator("trust")
    @classmethod
    def _trust(cls, value):
        return _shares(value, CHANNELS, "channel")

    @model_validator(mode="after")
    def _consistent(self):
        for topic in TOPICS:
            total = self.knowledge.get(topic, 0.0) + self.misinformed.get(topic, 0.0)
            if total > 1.0 + 1e-9:
                raise ValueError(f"knowledge and misinformed shares of '{topic}' sum to {total:.3f}, more than 1")
        return self


class CrossingRow(Strict):
    """A border crossing on a link: its regular channel, irregular alternative and risks."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    link: str = Field(min_length=1)
    name: str = ""
    regular: bool = True
    regular_open: bool = True
    documents_required: str = "none"
    irregular_alternative: bool = False
    death_risk: float = Field(default=0.0, ge=0, le=1)
    injury_risk: float = Field(default=0.0, ge=0, le=1)
    robbery_risk: float = Field(default=0.0, ge=0, le=1)
    trafficking_risk: float = Field(default=0.0, ge=0, le=1)
    cost_usd: float = Field(default=0.0, ge=0)
    capacity_persons_per_day: int | None = Field(default=None, ge=0)

    @field_validator("documents_required")
    @classmethod
    def _level(cls, value: str) -> str:
        if value not in DOCUMENTS:
            raise ValueError(f"unknown document level; expected one of {', '.join(DOCUMENTS)}")
        return value

    @field_validator("capacity_persons_per_day", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @model_validator(mode="after")
    def _some_channel(self):
        if not self.regular and not self.irregular_alternative:
            raise ValueError("a crossing needs a regular channel or an irregular alternative")
        if sum((self.death_risk, self.injury_risk, self.robbery_risk, self.trafficking_risk)) > 1.0:
            raise ValueError("incident risks sum to more than 1")
        return self


class GraphSpec(Strict):
    """Where the route graph comes from: CSV paths (relative to the YAML) or inline rows."""

    nodes: str | list[dict[str, Any]]
    links: str | list[dict[str, Any]]


class VariantSpec(Strict):
    """A named variant: the base scenario with events added or removed and parameters changed."""

    description: str = ""
    add_events: list[dict[str, Any]] = Field(default_factory=list)
    remove_events: list[str | int] = Field(default_factory=list, description="event indices, or campaign/rule names")
    parameters: dict[str, dict[str, Any]] = Field(default_factory=dict)


class SurveySpec(Strict):
    """A simulated survey: at some nodes over a date range, a sample of the people who pass or stay there."""

    name: str = Field(min_length=1)
    nodes: list[str] = Field(min_length=1)
    start_date: dt.date
    end_date: dt.date
    sample_size: int = Field(ge=1, le=10_000_000)
    who: str = "all"
    adults_only: bool = False
    groups: list[str] | None = None

    @field_validator("who")
    @classmethod
    def _who(cls, value: str) -> str:
        if value not in SURVEY_POPULATIONS:
            raise ValueError(f"unknown population; expected one of {', '.join(SURVEY_POPULATIONS)}")
        return value

    @model_validator(mode="after")
    def _dates(self):
        if self.end_date < self.start_date:
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}")
        return self


#: Who a survey samples: everybody there, only people on the way (not settled), or only people living there.
SURVEY_POPULATIONS = ("all", "in_transit", "settled")


class ScenarioSpec(Strict):
    """The top level of a scenario file."""

    name: str = Field(min_length=1)
    description: str = ""
    start_date: dt.date
    days: int = Field(ge=1, le=36500)
    seed: int = Field(default=0, ge=0, lt=2**63)
    scale: int = Field(default=1, ge=1)
    graph: GraphSpec
    initial_stocks: str | list[dict[str, Any]] | None = None
    departures: str | list[dict[str, Any]] | None = None
    groups: list[str] = Field(default_factory=lambda: ["all"], min_length=1, max_length=32)
    population: list[dict[str, Any]] = Field(default_factory=list)
    crossings: str | list[dict[str, Any]] | None = None
    parameters_from: list[str] = Field(default_factory=list)
    parameters: dict[str, dict[str, Any]] = Field(default_factory=dict)
    events: list[dict[str, Any]] = Field(default_factory=list)
    exercise: dict[str, Any] | None = Field(default=None, description="teams, levers and injects of a tabletop exercise")
    variants: dict[str, VariantSpec] = Field(default_factory=dict)
    ruleset: str | None = Field(default=None, description="default behaviour rules: engine (migsim's own) or flee")
    flee: dict[str, Any] | None = Field(default=None, description="Flee attributes of places (simulator.flee.section)")
    observed: dict[str, Any] | None = Field(default=None, description="observed series to score runs against")
    surveys: list[dict[str, Any]] = Field(default_factory=list)

"""Targets files: what a calibration fits (parameters with bounds and priors) and to what (surveys, stocks, flows).

A targets file is YAML (safe loading only); paths are relative to it::

    name: venezuela_2024
    scale: 1000                  # persons per agent in every calibration run
    seed: 20240701               # replicate seeds derive from it (common random numbers)
    replicates: 2                # runs per point of the optimiser
    parameters:                  # MODULE.NAME: bounds, and a prior for the posterior
      movement.onward_probability_per_day: {low: 2.0e-5, high: 1.0e-3, log: true}    # log-uniform
      movement.stock_weight: {low: 0.0, high: 2.0, prior: normal, mean: 0.3, sd: 0.5}  # normal, cut at the bounds
    marginals:                   # survey marginals files (simulator/marginals.py)
      - file: data/marginals.csv
        surveys: [DTM Ecuador R10]                   # default: every survey of the file
        likelihood: dirichlet_multinomial            # or binomial
        design_effect: 2.0                           # variance of a cluster sample over a simple one
        assumed_n: 300                               # respondents where the file gives no n
    surveys:                     # the simulated survey of a real one, when it cannot run at the real place and dates
      DTM Ecuador R10: {start_date: 2024-09-01, end_date: 2024-09-30, who: all}
    stocks:                      # people living in a country on a date (iso3, date, persons, source)
      - {file: data/stocks.csv, error_cv: 0.10}
    flows:                       # people counted over a period (series, quantity, place, start_date, end_date, persons, source)
      - {file: data/flows.csv, error_cv: 0.15}
    held_out:                    # targets scored but not fitted
      targets: ["stock ARG *"]   # patterns over target ids
      from_date: 2024-10-01      # or: everything observed on or after this date
    optimiser: {generations: 6, population: 4, seed: 1}
    abc: {generations: 4, particles: 32, keep: 0.5, min_acceptance: 0.05, replicates: 1, seed: 2}
    final_replicates: 4

Every mistake is reported as one line naming the file, the line and the field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pydantic
from pydantic import Field, field_validator, model_validator

from simulator.attributes import Vocabulary
from simulator.csvsource import read_csv_rows
from simulator.errors import MigsimError, ScenarioError, suggestion
from simulator.marginals import group_surveys, load_marginals
from simulator.parameter_labels import numeric_parameter, outside_allowed
from simulator.schema import SURVEY_POPULATIONS, ManyRunsSpec, Strict, SurveySpec
from simulator.validation import located_error
from simulator.yamlsource import LineMap, load_yaml_file

LIKELIHOODS = ("binomial", "dirichlet_multinomial")
PRIORS = ("uniform", "normal")
QUANTITIES = ("irregular_crossings", "crossings", "arrivals", "entries", "departures")
STOCK_COLUMNS = ("iso3", "date", "persons", "source")
FLOW_COLUMNS = ("series", "quantity", "place", "start_date", "end_date", "persons", "source")
# A flow's place: crossing links (crossings), a country (arrivals) or nodes (entries, departures); several joined by ";".


class ParameterRange(Strict):
    """A fitted parameter: its bounds, log scale, and prior."""

    low: float
    high: float
    log: bool = False
    prior: str = "uniform"
    mean: float | None = None
    sd: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _check(self):
        if not self.low < self.high:
            raise ValueError(f"empty range: low ({self.low:g}) must be below high ({self.high:g})")
        if self.log and self.low <= 0:
            raise ValueError("a log-scale range must be positive")
        if self.prior not in PRIORS:
            raise ValueError(f"unknown prior '{self.prior}'; expected one of {', '.join(PRIORS)}")
        if self.prior == "normal" and (self.mean is None or self.sd is None):
            raise ValueError("a normal prior needs mean and sd")
        if self.prior == "normal" and self.log:
            raise ValueError("a normal prior is on the natural scale: drop log: true")
        return self


class MarginalsFile(Strict):
    """Survey marginals to fit, from a marginals file."""

    file: str = Field(min_length=1)
    surveys: list[str] | None = None
    likelihood: str = "dirichlet_multinomial"
    design_effect: float = Field(default=2.0, ge=1.0)
    assumed_n: int | None = Field(default=None, ge=1)
    held_out: bool = False

    @field_validator("likelihood")
    @classmethod
    def _likelihood(cls, value):
        if value not in LIKELIHOODS:
            raise ValueError(f"unknown likelihood; expected one of {', '.join(LIKELIHOODS)}")
        return value


class CountsFile(Strict):
    """Stocks or flows to fit, from a CSV file, with a log-normal error of coefficient of variation ``error_cv``."""

    file: str = Field(min_length=1)
    error_cv: float = Field(default=0.1, gt=0, le=5)
    held_out: bool = False


class SimulatedSurvey(Strict):
    """Where and when the simulated survey of a real one runs (defaults: the real place and dates, n respondents)."""

    nodes: list[str] | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    sample_size: int | None = Field(default=None, ge=1)
    who: str = "all"
    adults_only: bool = False
    groups: list[str] | None = None

    @field_validator("who")
    @classmethod
    def _who(cls, value):
        if value not in SURVEY_POPULATIONS:
            raise ValueError(f"unknown population; expected one of {', '.join(SURVEY_POPULATIONS)}")
        return value


class HeldOut(Strict):
    """Which targets are scored but not fitted."""

    targets: list[str] = Field(default_factory=list)
    from_date: dt.date | None = None


class OptimiserSpec(Strict):
    """scipy's differential evolution: generations after the first, population per parameter, seed, tolerance."""

    generations: int = Field(default=6, ge=0, le=1000)
    population: int = Field(default=4, ge=2, le=100)
    seed: int = Field(default=1, ge=0, lt=2**32)
    tolerance: float = Field(default=0.01, ge=0)


class AbcSpec(Strict):
    """Adaptive population Monte Carlo ABC (Lenormand, Jabot & Deffuant 2013)."""

    generations: int = Field(default=4, ge=1, le=100)
    particles: int = Field(default=32, ge=4, le=100_000)
    keep: float = Field(default=0.5, gt=0, lt=1)
    min_acceptance: float = Field(default=0.05, ge=0, le=1)
    replicates: int = Field(default=1, ge=1, le=100)
    seed: int = Field(default=2, ge=0, lt=2**32)


class TargetsSpec(ManyRunsSpec):
    """The top level of a targets file."""

    replicates: int = Field(default=2, ge=1, le=100)
    parameters: dict[str, ParameterRange] = Field(min_length=1)
    marginals: list[MarginalsFile] = Field(default_factory=list)
    surveys: dict[str, SimulatedSurvey] = Field(default_factory=dict)
    stocks: list[CountsFile] = Field(default_factory=list)
    flows: list[CountsFile] = Field(default_factory=list)
    held_out: HeldOut = Field(default_factory=HeldOut)
    optimiser: OptimiserSpec = Field(default_factory=OptimiserSpec)
    abc: AbcSpec = Field(default_factory=AbcSpec)
    final_replicates: int = Field(default=4, ge=1, le=1000)


@dataclass(frozen=True)
class Parameter:
    """A fitted parameter, with its transform to the optimiser's scale (log10 for log ranges) and its prior."""

    module: str
    name: str
    low: float
    high: float
    log: bool
    prior: str
    mean: float | None
    sd: float | None
    unit: str
    integer: bool

    @property
    def label(self) -> str:
        """``module.name``."""
        return f"{self.module}.{self.name}"

    @property
    def bounds(self) -> tuple[float, float]:
        """Bounds on the internal scale."""
        return (self.to_internal(self.low), self.to_internal(self.high))

    def to_internal(self, value):
        """Natural value -> internal (log10 on a log scale)."""
        return np.log10(value) if self.log else value

    def from_internal(self, value):
        """Internal value -> natural value."""
        return 10.0**value if self.log else value

    def log_prior(self, internal: np.ndarray) -> np.ndarray:
        """Log prior density on the internal scale (normalised over the bounds); -inf outside them."""
        from scipy.stats import norm

        lo, hi = self.bounds
        internal = np.asarray(internal, dtype=float)
        inside = (internal >= lo) & (internal <= hi)
        if self.prior == "normal":
            mass = norm.cdf(hi, self.mean, self.sd) - norm.cdf(lo, self.mean, self.sd)
            density = norm.logpdf(internal, self.mean, self.sd) - np.log(mass)
        else:
            density = np.full(internal.shape, -np.log(hi - lo))
        return np.where(inside, density, -np.inf)

    def sample_prior(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws from the prior, on the internal scale."""
        lo, hi = self.bounds
        if self.prior == "uniform":
            return rng.uniform(lo, hi, n)
        out = np.empty(0)
        while len(out) < n:  # a normal cut at the bounds, by rejection
            draw = rng.normal(self.mean, self.sd, 4 * n)
            out = np.concatenate([out, draw[(draw >= lo) & (draw <= hi)]])
        return out[:n]


@dataclass
class MarginalTarget:
    """One variable of one survey: observed shares of some categories, respondents, likelihood."""

    id: str
    survey: str
    variable: str
    categories: tuple[str, ...]
    observed: np.ndarray
    n: int
    n_given: bool
    likelihood: str
    design_effect: float
    observed_date: dt.date
    source: str
    file: str
    line: int
    held_out: bool = False
    kind: str = "marginal"


@dataclass
class CountTarget:
    """A stock on a date or a flow over a period, in persons, with a log-normal error."""

    id: str
    kind: str  # "stock" or "flow"
    quantity: str  # people (stocks) or a flow quantity
    place: str  # a country (stocks, arrivals), links or nodes, several joined by ";" (summed)
    first_day: int
    last_day: int
    observed: float
    error_cv: float
    observed_date: dt.date
    source: str
    file: str
    line: int
    held_out: bool = False


@dataclass
class Targets:
    """A validated targets file, resolved against its scenario."""

    name: str
    source: str
    text_sha256: str
    scenario_path: str | None
    variant: str | None
    scale: int | None
    days: int | None
    seed: int | None
    replicates: int
    parameters: list[Parameter]
    marginals: list[MarginalTarget]
    counts: list[CountTarget]
    surveys: list[SurveySpec]
    optimiser: OptimiserSpec
    abc: AbcSpec
    final_replicates: int
    data_files: list[str] = field(default_factory=list)

    @property
    def all(self) -> list[MarginalTarget | CountTarget]:
        """Every target, fitted and held out."""
        return [*self.marginals, *self.counts]

    @property
    def fitted(self) -> list[MarginalTarget | CountTarget]:
        """The targets the fit uses."""
        return [t for t in self.all if not t.held_out]

    @property
    def held_out(self) -> list[MarginalTarget | CountTarget]:
        """The targets only scored."""
        return [t for t in self.all if t.held_out]

    def identity(self, extra: dict[str, Any] | None = None) -> str:
        """A hash of everything that decides the calibration's runs and fit."""
        data = {
            "targets": self.text_sha256,
            "data": self.data_files,
            "parameters": [dataclasses.asdict(p) for p in self.parameters],
            "held_out": sorted(t.id for t in self.held_out),
            "settings": {
                "scale": self.scale,
                "days": self.days,
                "seed": self.seed,
                "replicates": self.replicates,
                "optimiser": self.optimiser.model_dump(),
                "abc": self.abc.model_dump(),
                "final": self.final_replicates,
            },
            **(extra or {}),
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _parameter(label: str, spec: ParameterRange, lines: LineMap) -> Parameter:
    where = ("parameters", label)
    module, name, f = numeric_parameter(label, where, lines, "fitted")
    for bound in ("low", "high"):
        problem = outside_allowed(getattr(spec, bound), f)
        if problem:
            raise lines.error((*where, bound), problem)
    if spec.prior == "normal" and not spec.low <= spec.mean <= spec.high:
        raise lines.error((*where, "mean"), f"the prior's mean {spec.mean:g} is outside [{spec.low:g}, {spec.high:g}]")
    return Parameter(
        module,
        name,
        spec.low,
        spec.high,
        spec.log,
        spec.prior,
        spec.mean,
        spec.sd,
        f.metadata.get("unit", ""),
        isinstance(f.default, int),
    )


def _data_path(base: Path, name: str, lines: LineMap, where: tuple) -> tuple[Path, str]:
    path = Path(name) if Path(name).is_absolute() else base / name
    shown = str(Path(lines.file).parent / name) if not Path(name).is_absolute() else name
    if not path.is_file():
        raise lines.error(where, f"file not found: {shown}")
    return path, shown


def _date(text: str, file: str, line: int, column: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ScenarioError(f"expected a date YYYY-MM-DD (got {text!r})", file, line, column) from None


def _persons(text: str, file: str, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError(f"expected a number of persons (got {text!r})", file, line, "persons") from None
    if not value > 0 or not math.isfinite(value):
        raise ScenarioError(f"persons must be a positive number (got {value:g})", file, line, "persons")
    return value


def _error_cv(row: dict, default: float, file: str, line: int) -> float:
    text = (row.get("error_cv") or "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError(f"expected a number (got {text!r})", file, line, "error_cv") from None
    if not 0 < value <= 5:
        raise ScenarioError(f"error_cv must be in (0, 5] (got {value:g})", file, line, "error_cv")
    return value


def _day(date: dt.date, scenario, days: int, file: str, line: int, column: str) -> int:
    day = (date - scenario.start_date).days
    if not 0 <= day < days:
        end = scenario.start_date + dt.timedelta(days=days - 1)
        raise ScenarioError(f"{date} is outside the run ({scenario.start_date} to {end})", file, line, column)
    return day


def _stocks(entry: CountsFile, path: Path, shown: str, scenario, days: int) -> list[CountTarget]:
    countries = sorted({n.iso3 for n in scenario.nodes})
    out = []
    for line, row in read_csv_rows(path, STOCK_COLUMNS, shown):
        iso3 = row["iso3"].strip()
        if iso3 not in countries:
            raise ScenarioError(f"'{iso3}' is not a country of the scenario{suggestion(iso3, countries)}", shown, line, "iso3")
        date = _date(row["date"], shown, line, "date")
        day = _day(date, scenario, days, shown, line, "date")
        if not row["source"].strip():
            raise ScenarioError("must not be empty", shown, line, "source")
        out.append(
            CountTarget(
                f"stock {iso3} {date}",
                "stock",
                "people",
                iso3,
                day,
                day,
                _persons(row["persons"], shown, line),
                _error_cv(row, entry.error_cv, shown, line),
                date,
                row["source"].strip(),
                shown,
                line,
                entry.held_out,
            )
        )
    return out


def _flows(entry: CountsFile, path: Path, shown: str, scenario, days: int) -> list[CountTarget]:
    links = {lk.id for lk in scenario.links}
    nodes = {n.id for n in scenario.nodes}
    countries = {n.iso3 for n in scenario.nodes}
    out = []
    for line, row in read_csv_rows(path, FLOW_COLUMNS, shown):
        quantity = row["quantity"].strip()
        if quantity not in QUANTITIES:
            raise ScenarioError(
                f"unknown quantity '{quantity}'{suggestion(quantity, QUANTITIES)} (quantities: {', '.join(QUANTITIES)})",
                shown,
                line,
                "quantity",
            )
        place = ";".join(p.strip() for p in row["place"].split(";") if p.strip())
        border = {lk.id for lk in scenario.links if _crosses(lk, scenario)}
        for part in place.split(";") or [""]:
            if quantity in ("irregular_crossings", "crossings"):
                known, what, ok = links, "a link with a border crossing", part in border
            elif quantity == "arrivals":
                known, what, ok = countries, "a country of the scenario", part in countries
            else:
                known, what, ok = nodes, "a node of the scenario", part in nodes
            if not ok:
                raise ScenarioError(f"'{part}' is not {what}{suggestion(part, known)}", shown, line, "place")
        start = _date(row["start_date"], shown, line, "start_date")
        end = _date(row["end_date"], shown, line, "end_date")
        if end < start:
            raise ScenarioError(f"end_date {end} is before start_date {start}", shown, line, "end_date")
        first = _day(start, scenario, days, shown, line, "start_date")
        last = _day(end, scenario, days, shown, line, "end_date")
        series = row["series"].strip()
        if not series or not row["source"].strip():
            raise ScenarioError("must not be empty", shown, line, "series" if not series else "source")
        out.append(
            CountTarget(
                f"{series} {start}..{end}",
                "flow",
                quantity,
                place,
                first,
                last,
                _persons(row["persons"], shown, line),
                _error_cv(row, entry.error_cv, shown, line),
                end,
                row["source"].strip(),
                shown,
                line,
                entry.held_out,
            )
        )
    return out


def _crosses(link, scenario) -> bool:
    country = {n.id: n.iso3 for n in scenario.nodes}
    return country[link.from_] != country[link.to]


def _marginal_targets(
    entry: MarginalsFile, index: int, path: Path, shown: str, scenario, days: int, spec: TargetsSpec, lines: LineMap
):
    vocabulary = Vocabulary.for_scenario(scenario)
    rows = load_marginals(path, vocabulary, [n.id for n in scenario.nodes], shown_as=shown)
    surveys = group_surveys(rows)
    wanted = entry.surveys if entry.surveys is not None else list(surveys)
    for j, name in enumerate(wanted):
        if name not in surveys:
            raise lines.error(("marginals", index, "surveys", j), f"no survey '{name}' in {shown}{suggestion(name, surveys)}")
    targets, simulated = [], []
    for name in wanted:
        s = surveys[name]
        override = spec.surveys.get(name, SimulatedSurvey())
        start = override.start_date or s.start_date
        end = override.end_date or s.end_date
        nodes = override.nodes or list(s.places)
        for node in nodes:
            if node not in {n.id for n in scenario.nodes}:
                raise lines.error(("surveys", name, "nodes"), f"'{node}' is not a node of the scenario")
        for date, column in ((start, "start_date"), (end, "end_date")):
            if not 0 <= (date - scenario.start_date).days < days:
                last = scenario.start_date + dt.timedelta(days=days - 1)
                message = (
                    f"survey '{name}' ran {s.start_date} to {s.end_date}, outside the run ({scenario.start_date} to {last}); "
                    f"give its simulated dates under surveys: '{name}' in the targets file"
                )
                if name in spec.surveys:
                    raise lines.error(("surveys", name, column), f"{date} is outside the run ({scenario.start_date} to {last})")
                raise ScenarioError(message, shown, s.line, "start_date")
        if end < start:
            raise lines.error(("surveys", name, "end_date"), f"end_date {end} is before start_date {start}")
        for group in override.groups or []:
            if group not in scenario.groups:
                raise lines.error(
                    ("surveys", name, "groups"), f"'{group}' is not a group of the scenario{suggestion(group, scenario.groups)}"
                )
        sample = override.sample_size or s.largest_n() or entry.assumed_n
        if sample is None:
            raise ScenarioError(
                f"survey '{name}' gives no n; give assumed_n for {shown} or surveys: '{name}': sample_size in the targets file",
                shown,
                s.line,
                "n",
            )
        simulated.append(
            SurveySpec(
                name=name,
                nodes=nodes,
                start_date=start,
                end_date=end,
                sample_size=sample,
                who=override.who,
                adults_only=override.adults_only,
                groups=override.groups,
            )
        )
        for variable, shares in s.shares.items():
            n = s.n[variable]
            if n is None and entry.assumed_n is None:
                raise ScenarioError(
                    f"'{variable}' in survey '{name}' gives no n; give assumed_n for this file in the targets file",
                    shown,
                    s.lines[variable],
                    "n",
                )
            targets.append(
                MarginalTarget(
                    id=f"{name} / {variable}",
                    survey=name,
                    variable=variable,
                    categories=tuple(shares),
                    observed=np.array(list(shares.values())),
                    n=int(n if n is not None else entry.assumed_n),
                    n_given=n is not None,
                    likelihood=entry.likelihood,
                    design_effect=entry.design_effect,
                    observed_date=s.end_date,
                    source=s.sources[variable],
                    file=shown,
                    line=s.lines[variable],
                    held_out=entry.held_out,
                )
            )
    return targets, simulated


def _with_overrides(spec: TargetsSpec, overrides: dict[str, Any]) -> TargetsSpec:
    """``spec`` with the command line's settings, checked against the same limits as the file's."""
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if not overrides:
        return spec
    data = spec.model_dump(by_alias=True, exclude_unset=True)
    for key, value in overrides.items():
        data[key] = {**getattr(spec, key).model_dump(by_alias=True), **value} if isinstance(value, dict) else value
    try:
        return TargetsSpec.model_validate(data)
    except pydantic.ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise MigsimError(f"command line: {where}: {error['msg']}") from None


def load_targets(path: str | Path, scenario=None, overrides: dict[str, Any] | None = None) -> Targets:
    """Read and validate a targets file against ``scenario`` (default: the file's own ``scenario:``).

    ``overrides`` replace top-level settings (``scale``, ``days``, ``replicates``,
    ``optimiser``, ``abc``, ``final_replicates``) as the command line asks.
    """
    from simulator.ensemble import as_scenario

    path = Path(path)
    data, lines = load_yaml_file(path)
    if not isinstance(data, dict):
        raise ScenarioError("a targets file must be a mapping of keys to values", str(path), 1)
    try:
        spec = TargetsSpec.model_validate(data)
    except pydantic.ValidationError as exc:
        raise located_error(exc, lines, model=TargetsSpec) from None
    spec = _with_overrides(spec, overrides or {})
    scenario_path = None
    if scenario is None:
        if spec.scenario is None:
            raise lines.error(("scenario",), "no scenario: name one here (scenario: path) or on the command line")
        candidate = Path(spec.scenario) if Path(spec.scenario).is_absolute() else path.parent / spec.scenario
        if not candidate.is_file():
            raise lines.error(("scenario",), f"scenario file not found: {spec.scenario}")
        scenario_path = str(candidate.resolve())
        scenario = candidate
    loaded = as_scenario(scenario)
    if scenario_path is None:
        scenario_path = loaded.source
    loaded = loaded.with_variant(spec.variant)
    days = spec.days or loaded.days
    parameters = [_parameter(label, r, lines) for label, r in spec.parameters.items()]
    base = path.parent
    marginals, counts, surveys, data_files = [], [], [], []
    for i, entry in enumerate(spec.marginals):
        csv, shown = _data_path(base, entry.file, lines, ("marginals", i, "file"))
        data_files.append(hashlib.sha256(csv.read_bytes()).hexdigest())
        found, simulated = _marginal_targets(entry, i, csv, shown, loaded, days, spec, lines)
        marginals += found
        for s in simulated:
            if s.name not in {x.name for x in surveys}:
                surveys.append(s)
    for name in spec.surveys:
        if name not in {s.name for s in surveys}:
            raise lines.error(
                ("surveys", name), f"no survey '{name}' among the marginals' surveys{suggestion(name, [s.name for s in surveys])}"
            )
    for key, reader in (("stocks", _stocks), ("flows", _flows)):
        for i, entry in enumerate(getattr(spec, key)):
            csv, shown = _data_path(base, entry.file, lines, (key, i, "file"))
            data_files.append(hashlib.sha256(csv.read_bytes()).hexdigest())
            counts += reader(entry, csv, shown, loaded, days)
    if not marginals and not counts:
        raise lines.error((), "no targets: give marginals, stocks or flows")
    seen: dict[str, str] = {}
    for t in [*marginals, *counts]:
        if t.id in seen:
            raise ScenarioError(f"target '{t.id}' is given twice (first at {seen[t.id]})", t.file, t.line)
        seen[t.id] = f"{t.file}:{t.line}"
        if spec.held_out.from_date is not None and t.observed_date >= spec.held_out.from_date:
            t.held_out = True
    for j, pattern in enumerate(spec.held_out.targets):
        matched = [t for t in [*marginals, *counts] if fnmatch.fnmatchcase(t.id, pattern)]
        if not matched:
            raise lines.error(("held_out", "targets", j), f"no target matches '{pattern}'{suggestion(pattern, seen)}")
        for t in matched:
            t.held_out = True
    if all(t.held_out for t in [*marginals, *counts]):
        raise lines.error(("held_out",), "every target is held out: nothing is left to fit")
    return Targets(
        name=spec.name or path.stem,
        source=str(path),
        text_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        scenario_path=scenario_path,
        variant=spec.variant,
        scale=spec.scale,
        days=spec.days,
        seed=spec.seed,
        replicates=spec.replicates,
        parameters=parameters,
        marginals=marginals,
        counts=counts,
        surveys=surveys,
        optimiser=spec.optimiser,
        abc=spec.abc,
        final_replicates=spec.final_replicates,
        data_files=data_files,
    )


def hold_out(targets: Targets, patterns: list[str]) -> None:
    """Hold out the targets whose ids match any of ``patterns`` (command-line ``--hold-out``)."""
    from simulator.errors import MigsimError

    for pattern in patterns:
        matched = [t for t in targets.all if fnmatch.fnmatchcase(t.id, pattern)]
        if not matched:
            raise MigsimError(f"--hold-out '{pattern}' matches no target{suggestion(pattern, [t.id for t in targets.all])}")
        for t in matched:
            t.held_out = True
    if not targets.fitted:
        raise MigsimError("every target is held out: nothing is left to fit")

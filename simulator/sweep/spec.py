"""Sweep files: which scenario, which parameters over which ranges, which design, what to keep.

A sweep file is YAML (safe loading only)::

    scenario: ../scenarios/venezuela_2024.yaml    # relative to this file
    scale: 1000
    days: 120
    replicates: 2
    design: {kind: lhs, samples: 16, seed: 1}      # grid | lhs | sobol | saltelli
    parameters:
      movement.stock_weight: {low: 0.1, high: 1.0}
      crossings.irregular_crossing_probability_per_day: {low: 0.1, high: 0.9, levels: 3}
      information.word_of_mouth_strength: {values: [20, 60, 90]}
    indicators: [arrivals, irregular_crossings, waiting:max]

Every mistake is reported as one line naming the file, line and field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pydantic
from pydantic import Field

from simulator.errors import ScenarioError, suggestion
from simulator.indicators import INDICATORS, REDUCTIONS
from simulator.parameter_labels import numeric_parameter, outside_allowed
from simulator.schema import ManyRunsSpec, Strict
from simulator.validation import located_error
from simulator.yamlsource import LineMap, load_yaml_file

DESIGNS = ("grid", "lhs", "sobol", "saltelli")


class RangeSpec(Strict):
    """One parameter's range: ``low``/``high`` (with ``levels`` for a grid, ``log`` for a log scale) or ``values``."""

    low: float | None = None
    high: float | None = None
    levels: int | None = Field(default=None, ge=2, le=1000)
    log: bool = False
    values: list[float] | None = None


class DesignSpec(Strict):
    """How points are chosen in the parameter space."""

    kind: str
    samples: int | None = Field(default=None, ge=1, le=1_000_000)
    seed: int = Field(default=0, ge=0, lt=2**63)
    second_order: bool = False


class SweepSpec(ManyRunsSpec):
    """The top level of a sweep file."""

    replicates: int = Field(default=1, ge=1, le=10_000)
    design: DesignSpec
    parameters: dict[str, RangeSpec] = Field(min_length=1)
    indicators: list[str] = Field(default_factory=lambda: list(INDICATORS), min_length=1)
    at: dt.date | None = None
    kind: Literal["sweep"] = "sweep"


@dataclass(frozen=True)
class Parameter:
    """A swept parameter: ``module.name``, its range or list of values, and its unit."""

    module: str
    name: str
    low: float
    high: float
    values: tuple[float, ...] | None
    levels: int | None
    log: bool
    unit: str
    integer: bool

    @property
    def label(self) -> str:
        """``module.name`` as written in the sweep file."""
        return f"{self.module}.{self.name}"


@dataclass
class Sweep:
    """A validated sweep: the scenario, the parameters, the design and what to keep."""

    name: str
    source: str
    scenario_path: str | None
    variant: str | None
    scale: int | None
    days: int | None
    seed: int | None
    replicates: int
    design: str
    samples: int | None
    design_seed: int
    second_order: bool
    parameters: list[Parameter]
    indicators: list[str]
    reductions: dict[str, str]
    at: dt.date | None

    def identity(self) -> str:
        """A hash of everything that decides the runs: a resumed sweep must have the same."""
        data = dataclasses.asdict(self)
        data.pop("source")
        data.pop("name")
        text = json.dumps(data, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def _indicator(text: str, lines: LineMap, index: int) -> tuple[str, str | None]:
    name, _, reduction = str(text).partition(":")
    if name not in INDICATORS:
        raise lines.error(("indicators", index), f"unknown indicator '{name}'{suggestion(name, INDICATORS)}")
    if reduction and reduction not in REDUCTIONS:
        known = ", ".join(REDUCTIONS)
        raise lines.error(("indicators", index), f"unknown reduction '{reduction}'{suggestion(reduction, REDUCTIONS)} ({known})")
    return name, reduction or None


def _parameter(label: str, spec: RangeSpec, design: str, lines: LineMap) -> Parameter:
    where = ("parameters", label)
    module, name, f = numeric_parameter(label, where, lines, "swept")
    if spec.values is not None:
        if spec.low is not None or spec.high is not None or spec.levels is not None:
            raise lines.error(where, "give either values or low/high, not both")
        if not spec.values:
            raise lines.error(where + ("values",), "empty list of values")
        if design != "grid":
            raise lines.error(where + ("values",), f"a list of values needs the grid design (this sweep's design is {design})")
        values = tuple(sorted(set(float(v) for v in spec.values)))
        low, high = values[0], values[-1]
    else:
        if spec.low is None or spec.high is None:
            raise lines.error(where, "a range needs both low and high (or a list of values)")
        if not spec.low < spec.high:
            raise lines.error(where, f"empty range: low ({spec.low:g}) must be below high ({spec.high:g})")
        if design == "grid" and spec.levels is None:
            raise lines.error(where, "a range in a grid design needs levels (how many values between low and high)")
        if spec.levels is not None and design != "grid":
            raise lines.error(where + ("levels",), f"levels only apply to the grid design (this sweep's design is {design})")
        if spec.log and spec.low <= 0:
            raise lines.error(where + ("low",), "a log-scale range must be positive")
        values, low, high = None, spec.low, spec.high
    for bound, value in (("low", low), ("high", high)):
        problem = outside_allowed(value, f)
        if problem:
            raise lines.error(where + ((bound,) if spec.values is None else ("values",)), problem)
    integer = isinstance(f.default, int)
    return Parameter(module, name, float(low), float(high), values, spec.levels, spec.log, f.metadata.get("unit", ""), integer)


def load_sweep(path: str | Path) -> Sweep:
    """Read and validate a sweep file; every error is a one-line :class:`ScenarioError`."""
    path = Path(path)
    data, lines = load_yaml_file(path)
    if not isinstance(data, dict):
        raise ScenarioError("a sweep file must be a mapping of keys to values", str(path), 1)
    try:
        spec = SweepSpec.model_validate(data)
    except pydantic.ValidationError as exc:
        raise located_error(exc, lines, model=SweepSpec) from None
    if spec.design.kind not in DESIGNS:
        kind = spec.design.kind
        raise lines.error(
            ("design", "kind"), f"unknown design '{kind}'{suggestion(kind, DESIGNS)} (designs: {', '.join(DESIGNS)})"
        )
    kind = spec.design.kind
    if kind in ("lhs", "sobol", "saltelli") and spec.design.samples is None:
        raise lines.error(("design",), f"the {kind} design needs samples (how many points)")
    if kind == "grid" and spec.design.samples is not None:
        raise lines.error(("design", "samples"), "the grid design takes no samples: its points are every combination of levels")
    if kind in ("sobol", "saltelli") and spec.design.samples & (spec.design.samples - 1):
        raise lines.error(("design", "samples"), f"the {kind} design needs a power of two samples (got {spec.design.samples})")
    parameters = [_parameter(label, r, kind, lines) for label, r in spec.parameters.items()]
    reductions = {}
    indicators = []
    for i, text in enumerate(spec.indicators):
        name, reduction = _indicator(text, lines, i)
        if name not in indicators:
            indicators.append(name)
        if reduction:
            reductions[name] = reduction
    scenario_path = None
    if spec.scenario is not None:
        candidate = Path(spec.scenario)
        candidate = candidate if candidate.is_absolute() else (path.parent / candidate)
        if not candidate.is_file():
            raise lines.error(("scenario",), f"scenario file not found: {spec.scenario}")
        scenario_path = str(candidate.resolve())
    return Sweep(
        name=spec.name or path.stem,
        source=str(path),
        scenario_path=scenario_path,
        variant=spec.variant,
        scale=spec.scale,
        days=spec.days,
        seed=spec.seed,
        replicates=spec.replicates,
        design=kind,
        samples=spec.design.samples,
        design_seed=spec.design.seed,
        second_order=spec.design.second_order,
        parameters=parameters,
        indicators=indicators,
        reductions=reductions,
        at=spec.at,
    )


def sweep_error(sweep: Sweep, field: str, message: str) -> ScenarioError:
    """An error about a sweep that is only found after loading (no line to point at)."""
    return ScenarioError(message, sweep.source, field=field)


def describe(sweep: Sweep) -> dict[str, Any]:
    """The sweep as a plain mapping (for the manifest)."""
    return {k: v for k, v in dataclasses.asdict(sweep).items()}

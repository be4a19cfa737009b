"""Observed series attached to a scenario: counts of people at places on dates, to score runs against.

A scenario's ``observed:`` section names a CSV with one row per observation,
``series,date,persons``: ``series`` is a node (id or name) or ``total`` (the
overall count, as in Flee's data_layout.csv).  Between observations a series
is read the way Flee reads it: linear interpolation, truncated to a whole
number; before the first observation the first value, after the last the last.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pydantic
from pydantic import Field

from simulator.errors import ScenarioError
from simulator.schema import Strict

TOTAL = "total"


class ObservedSpec(Strict):
    """The ``observed:`` section of a scenario."""

    series: str | list[dict[str, Any]]
    source: str = ""
    description: str = ""


class ObservationRow(Strict):
    """One observation: ``persons`` at a node (or in total) on a date."""

    series: str = Field(min_length=1)
    date: dt.date
    persons: float = Field(ge=0)


@dataclass
class Observed:
    """Observation points per series (node id or ``total``), as (day offset from the start date, persons), by date."""

    start_date: dt.date
    points: dict[str, list[tuple[int, float]]]
    source: str = ""
    description: str = ""
    file: str = ""
    lines: dict[str, list[int]] = field(default_factory=dict)

    @property
    def locations(self) -> list[str]:
        """The node ids with a series, in the order they were given (the total excluded)."""
        return [name for name in self.points if name != TOTAL]

    def daily(self, name: str, days: int) -> np.ndarray:
        """Persons on days 0..days-1 of one series, interpolated as Flee does (int64)."""
        return interpolate(self.points[name], days)

    def table(self) -> pd.DataFrame:
        """Every observation point: series, day, date, persons."""
        rows = [
            {
                "series": name,
                "day": day,
                "date": pd.Timestamp(self.start_date + dt.timedelta(days=day)),
                "persons": persons,
            }
            for name, points in self.points.items()
            for day, persons in points
        ]
        return pd.DataFrame(rows, columns=["series", "day", "date", "persons"])

    def to_dict(self) -> dict[str, Any]:
        """The section inline, as :func:`parse_observed` reads it."""
        return {
            "series": [
                {"series": name, "date": (self.start_date + dt.timedelta(days=day)).isoformat(), "persons": persons}
                for name, points in self.points.items()
                for day, persons in points
            ],
            "source": self.source,
            "description": self.description,
        }


def interpolate(points: list[tuple[int, float]], days: int, first_day: int = 0) -> np.ndarray:
    """Values on days first_day .. first_day+days-1 from sorted (day, value) points (Flee's rule, truncated to int)."""
    out = np.zeros(days, dtype=np.int64)
    if not points:
        return out
    xs = np.array([p[0] for p in points], dtype=np.float64)
    ys = np.array([p[1] for p in points], dtype=np.float64)
    t = np.arange(first_day, first_day + days, dtype=np.float64)
    # np.interp holds the end values outside the points, as Flee does.
    return np.trunc(np.interp(t, xs, ys)).astype(np.int64)


def parse_observed(raw: Any, lines, base_dir: Path, names, files: list[Path], start_date: dt.date, table) -> Observed:
    """Validate the ``observed:`` section; ``table`` reads an inline list or a CSV (``scenario._table``)."""
    from simulator.scenario import _validate_row
    from simulator.validation import located_error

    try:
        spec = ObservedSpec.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise located_error(exc, lines, ("observed",), ObservedSpec) from None
    points: dict[str, list[tuple[int, float]]] = {}
    line_of: dict[str, list[int]] = {}
    shown = ""
    for index, (file, line, row) in enumerate(
        table(spec.series, "observed.series", base_dir, lines, ("series", "date", "persons"), files)
    ):
        shown = file
        obs = _validate_row(ObservationRow, file, line, row, lines, ("observed", "series", index))
        name = obs.series
        if name != TOTAL:
            name = names.resolve(name, _where(file, line, lines, index))
        day = (obs.date - start_date).days
        series = points.setdefault(name, [])
        if any(d == day for d, _ in series):
            raise _where(file, line, lines, index, "date", f"{name} has two observations dated {obs.date}")
        series.append((day, float(obs.persons)))
        line_of.setdefault(name, []).append(line)
    for name in points:
        order = np.argsort([d for d, _ in points[name]], kind="stable")
        points[name] = [points[name][k] for k in order]
        line_of[name] = [line_of[name][k] for k in order]
    return Observed(start_date, points, spec.source, spec.description, shown, line_of)


def _where(file: str, line: int, lines, index: int, column: str = "series", message: str = "") -> ScenarioError:
    if file == lines.file:
        return lines.error(("observed", "series", index, column), message)
    return ScenarioError(message, file, line, column)

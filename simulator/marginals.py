"""The survey marginals file: what a survey found, one share per row, validated with file:line errors.

A marginals file is a CSV with a header and one row per (survey, variable,
category)::

    survey,place,start_date,end_date,population,variable,category,share,n,source
    DTM Darién 2024,PA_BCHQ;PA_ERMD,2024-01-01,2024-04-30,people in transit,sex,male,0.61,1200,https://...

* ``survey``: the survey's name; every row of one survey has the same place,
  dates and population;
* ``place``: the node id where it was run, or several separated by ``;``;
* ``start_date``, ``end_date``: its fieldwork dates (``YYYY-MM-DD``);
* ``population``: who was surveyed, in words;
* ``variable`` and ``category``: one of :mod:`simulator.attributes` (a joint
  variable is written ``sex*minor``, its categories ``male*no``);
* ``share``: the share of respondents in that category (0..1); the shares of
  one variable in one survey sum to at most 1 (the rest is the categories not
  listed);
* ``n``: respondents who answered (a positive whole number; may be empty when
  the source does not say);
* ``source``: where the figure comes from (a URL or reference).

Other columns (``notes``...) are kept for people and ignored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from simulator.attributes import Vocabulary
from simulator.csvsource import read_csv_rows
from simulator.errors import ScenarioError, suggestion

COLUMNS = ("survey", "place", "start_date", "end_date", "population", "variable", "category", "share", "n", "source")
SUM_TOLERANCE = 1e-6


@dataclass(frozen=True)
class MarginalRow:
    """One row of a marginals file."""

    file: str
    line: int
    survey: str
    places: tuple[str, ...]
    start_date: dt.date
    end_date: dt.date
    population: str
    variable: str
    category: str
    share: float
    n: int | None
    source: str


@dataclass
class SurveyMarginals:
    """Every row of one survey, grouped by variable."""

    name: str
    places: tuple[str, ...]
    start_date: dt.date
    end_date: dt.date
    population: str
    file: str
    line: int
    shares: dict[str, dict[str, float]] = field(default_factory=dict)
    n: dict[str, int | None] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def largest_n(self) -> int | None:
        """The largest number of respondents given for any variable (None if none is given)."""
        given = [n for n in self.n.values() if n is not None]
        return max(given) if given else None


def _date(text: str, file: str, line: int, column: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ScenarioError(f"expected a date YYYY-MM-DD (got {text!r})", file, line, column) from None


def _check_variable(variable: str, category: str, vocabulary: Vocabulary | None, file: str, line: int) -> None:
    vocab = vocabulary or Vocabulary()
    parts = [p.strip() for p in variable.split("*")]
    for part in parts:
        if part not in vocab.names():
            raise ScenarioError(f"unknown variable '{part}'{suggestion(part, vocab.names())}", file, line, "variable")
    if len(set(parts)) != len(parts):
        raise ScenarioError(f"variable '{variable}' names a part twice", file, line, "variable")
    if vocabulary is None and any(p in ("intended_destination", "nationality") for p in parts):
        return  # their categories depend on the scenario
    known = vocab.survey_variable_categories(variable)
    if category not in known:
        shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
        raise ScenarioError(
            f"unknown category '{category}' of '{variable}'{suggestion(category, known)} (categories: {shown})",
            file,
            line,
            "category",
        )


def load_marginals(
    path: str | Path,
    vocabulary: Vocabulary | None = None,
    node_ids: Iterable[str] | None = None,
    shown_as: str | None = None,
) -> list[MarginalRow]:
    """Read and validate a marginals file; every problem is a one-line ``file:line: column: message``.

    With ``node_ids``, every place must be a node of the scenario's graph; with
    ``vocabulary``, categories that depend on the scenario (countries, groups)
    are checked too.
    """
    path = Path(path)
    file = shown_as or str(path)
    nodes = set(node_ids) if node_ids is not None else None
    rows: list[MarginalRow] = []
    surveys: dict[str, MarginalRow] = {}
    totals: dict[tuple[str, str], float] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for line, raw in read_csv_rows(path, COLUMNS, file):
        values = {k: (raw.get(k) or "").strip() for k in COLUMNS}
        for column in ("survey", "place", "variable", "category", "source"):
            if not values[column]:
                raise ScenarioError("must not be empty", file, line, column)
        places = tuple(p.strip() for p in values["place"].split(";") if p.strip())
        if nodes is not None:
            for place in places:
                if place not in nodes:
                    raise ScenarioError(f"'{place}' is not a node of the scenario{suggestion(place, nodes)}", file, line, "place")
        start = _date(values["start_date"], file, line, "start_date")
        end = _date(values["end_date"], file, line, "end_date")
        if end < start:
            raise ScenarioError(f"end_date {end} is before start_date {start}", file, line, "end_date")
        try:
            share = float(values["share"])
        except ValueError:
            raise ScenarioError(f"expected a number between 0 and 1 (got {values['share']!r})", file, line, "share") from None
        if not 0.0 <= share <= 1.0:
            raise ScenarioError(f"a share must be between 0 and 1 (got {share:g})", file, line, "share")
        n = None
        if values["n"]:
            try:
                n = int(values["n"])
            except ValueError:
                raise ScenarioError(
                    f"expected a positive whole number or nothing (got {values['n']!r})", file, line, "n"
                ) from None
            if n <= 0:
                raise ScenarioError(f"n must be positive (got {n})", file, line, "n")
        variable = "*".join(p.strip() for p in values["variable"].split("*"))
        category = "*".join(p.strip() for p in values["category"].split("*"))
        _check_variable(variable, category, vocabulary, file, line)
        row = MarginalRow(
            file, line, values["survey"], places, start, end, values["population"], variable, category, share, n, values["source"]
        )
        first = surveys.setdefault(row.survey, row)
        for what in ("places", "start_date", "end_date", "population"):
            if getattr(first, what) != getattr(row, what):
                column = {"places": "place"}.get(what, what)
                raise ScenarioError(
                    f"survey '{row.survey}' has another {column} at line {first.line} ({getattr(first, what)!s})",
                    file,
                    line,
                    column,
                )
        key = (row.survey, variable, category)
        if key in seen:
            raise ScenarioError(
                f"category '{category}' of '{variable}' in survey '{row.survey}' is given twice (first at line {seen[key]})",
                file,
                line,
                "category",
            )
        seen[key] = line
        total = totals.get((row.survey, variable), 0.0) + share
        if total > 1.0 + SUM_TOLERANCE:
            raise ScenarioError(
                f"the shares of '{variable}' in survey '{row.survey}' sum to {total:.4g}, more than 1", file, line, "share"
            )
        totals[(row.survey, variable)] = total
        rows.append(row)
    if not rows:
        raise ScenarioError("no marginals in the file", file, 1)
    return rows


def group_surveys(rows: Sequence[MarginalRow]) -> dict[str, SurveyMarginals]:
    """Rows grouped by survey, then variable."""
    out: dict[str, SurveyMarginals] = {}
    for r in rows:
        s = out.get(r.survey)
        if s is None:
            s = out[r.survey] = SurveyMarginals(r.survey, r.places, r.start_date, r.end_date, r.population, r.file, r.line)
        s.shares.setdefault(r.variable, {})[r.category] = r.share
        if r.variable not in s.n or (r.n is not None and (s.n[r.variable] or 0) < r.n):
            s.n[r.variable] = r.n
        s.lines.setdefault(r.variable, r.line)
        s.sources.setdefault(r.variable, r.source)
    return out

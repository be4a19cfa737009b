"""The indicators a plan is argued on, as daily series per key, from one run's tables.

Each indicator is a function of a run's tables that returns, for every day and
key (a country, a crossing, a campaign, and ``all``), one value in persons.
Comparisons, ensembles and sweeps all read indicators from here, so a number
means the same thing in every output.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.errors import MigsimError, suggestion

INCIDENT_COLUMNS = ("deaths", "injuries", "robberies", "trafficking")
ALL = "all"


@dataclass(frozen=True)
class Indicator:
    """One indicator: its label and unit for people who read reports, and how it is computed."""

    name: str
    label: str
    unit: str
    key: str
    cumulative: bool
    compute: Callable[[Mapping[str, pd.DataFrame]], pd.DataFrame]


def _days(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    return tables["totals"][["day", "date"]].drop_duplicates("day").sort_values("day").reset_index(drop=True)


def _series(
    tables: Mapping[str, pd.DataFrame], frame: pd.DataFrame, key: str, value: pd.Series, cumulative: bool
) -> pd.DataFrame:
    """Daily value per key on the full day grid (missing days are zero), plus the ``all`` row."""
    days = _days(tables)
    wide = pd.DataFrame({"day": frame["day"].to_numpy(), "key": frame[key].astype(str).to_numpy(), "value": value.to_numpy()})
    wide = wide.pivot_table(index="day", columns="key", values="value", aggfunc="sum", fill_value=0.0)
    wide = wide.reindex(days["day"], fill_value=0.0).astype(np.float64)
    if cumulative:
        wide = wide.cumsum()
    wide[ALL] = wide.sum(axis=1)
    long = wide.reset_index().melt(id_vars="day", var_name="key", value_name="value")
    return long.merge(days, on="day")[["key", "day", "date", "value"]]


def _arrivals(tables):
    countries = tables["countries"]
    arrived = countries[countries["arrivals"].groupby(countries["iso3"]).transform("sum") > 0]
    return _series(tables, arrived, "iso3", arrived["arrivals"], cumulative=True)


def _irregular(tables):
    crossings = tables["crossings"]
    return _series(tables, crossings, "crossing", crossings["irregular"], cumulative=True)


def _incidents(tables):
    crossings = tables["crossings"]
    return _series(tables, crossings, "crossing", crossings[list(INCIDENT_COLUMNS)].sum(axis=1), cumulative=True)


def _waiting(tables):
    crossings = tables["crossings"]
    return _series(tables, crossings, "crossing", crossings["waiting"], cumulative=False)


def _without_shelter(tables):
    countries = tables["countries"]
    return _series(tables, countries, "iso3", countries["without_shelter"], cumulative=False)


def _campaign_reach(tables):
    campaigns = tables["campaigns"]
    return _series(tables, campaigns, "campaign", campaigns["reached_new"], cumulative=True)


INDICATORS: dict[str, Indicator] = {
    i.name: i
    for i in (
        Indicator("arrivals", "arrivals at a destination, cumulative", "persons", "iso3", True, _arrivals),
        Indicator("irregular_crossings", "irregular border crossings, cumulative", "persons", "crossing", True, _irregular),
        Indicator("waiting", "people waiting at the crossing", "persons", "crossing", False, _waiting),
        Indicator("without_shelter", "people in transit without shelter", "persons", "iso3", False, _without_shelter),
        Indicator(
            "incidents",
            "incidents (deaths, injuries, robberies, trafficking), cumulative",
            "persons",
            "crossing",
            True,
            _incidents,
        ),
        Indicator("campaign_reach", "people reached by the campaign, cumulative", "persons", "campaign", True, _campaign_reach),
    )
}

REDUCTIONS = ("final", "max", "mean")


def check_indicators(names: Sequence[str] | None) -> list[str]:
    """Indicator names, checked (None: all of them)."""
    if names is None:
        return list(INDICATORS)
    for name in names:
        if name not in INDICATORS:
            raise MigsimError(f"unknown indicator '{name}'{suggestion(name, INDICATORS)} (known: {', '.join(INDICATORS)})")
    return list(names)


def indicator_series(tables: Mapping[str, pd.DataFrame], names: Sequence[str] | None = None) -> pd.DataFrame:
    """Daily series of the named indicators: ``indicator, key, day, date, unit, value``."""
    frames = []
    for name in check_indicators(names):
        ind = INDICATORS[name]
        frame = ind.compute(tables).assign(indicator=name, unit=ind.unit)
        frames.append(frame)
    columns = ["indicator", "key", "day", "date", "unit", "value"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def reduce_series(series: pd.DataFrame, how: Mapping[str, str] | None = None, day: int | None = None) -> pd.DataFrame:
    """One value per indicator and key: the final (or ``day``'s) value, the maximum or the mean over days.

    Cumulative indicators are read at the end by default; levels (people
    waiting) also by default at the end, unless ``how`` asks for ``max`` or
    ``mean``.
    """
    how = dict(how or {})
    out = []
    for name, frame in series.groupby("indicator", sort=False):
        rule = how.get(name, "final")
        if rule not in REDUCTIONS:
            raise MigsimError(f"unknown reduction '{rule}' for indicator '{name}' (known: {', '.join(REDUCTIONS)})")
        if rule == "final":
            last = frame["day"].max() if day is None else day
            part = frame[frame["day"] == last][["key", "value"]]
        else:
            part = frame.groupby("key", sort=False)["value"].agg(rule).reset_index()
        part.insert(0, "indicator", name if rule == "final" else f"{name}:{rule}")
        out.append(part)
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=["indicator", "key", "value"])

"""The headline: the few figures a plan turns on, in sentences with their bands."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from simulator.report import fmt, indicators
from simulator.report.bands import at_date, derived
from simulator.report.content import Content


@dataclass
class Headline:
    """One key figure: its sentence and the numbers in it (median, low, high)."""

    id: str
    sentence: str
    median: float
    low: float
    high: float


THE = {"United States", "United States of America", "Dominican Republic", "Dominican Rep.", "Bahamas", "Netherlands"}


def with_article(country: str) -> str:
    """``the United States``, ``Colombia``."""
    return f"the {country}" if country in THE else country


def _cap(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _row(frame: pd.DataFrame) -> tuple[float, float, float]:
    row = frame.iloc[0]
    return float(row["median"]), float(row["low"]), float(row["high"])


def arrivals(content: Content) -> Headline:
    """People reaching a destination over the run, and the country most of them reach."""
    total = at_date(derived(content.results, indicators.arrivals_total_so_far), content.end)
    median, low, high = _row(total)
    by_country = at_date(content.arrivals, content.end).sort_values("median", ascending=False)
    sentence = f"{fmt.band(low, median, high, content.banded)} would reach a destination by {fmt.date(content.end)}"
    if median > 0 and len(by_country):
        top = by_country.iloc[0]
        share = top["median"] / median if median else 0
        sentence += (
            f"; the most in {with_article(content.country(top['iso3']))}: "
            f"{fmt.band(top['low'], top['median'], top['high'], content.banded)}"
            f" ({fmt.share(share)} of the median total)"
        )
    return Headline("headline-arrivals", _cap(sentence) + ".", median, low, high)


def waiting(content: Content) -> Headline:
    """The most people waiting at one crossing on one day (by the median), with its band."""
    frame = content.waiting
    if frame.empty or frame["median"].max() <= 0:
        return Headline("headline-waiting", "No one would have to wait at a border crossing.", 0.0, 0.0, 0.0)
    peak = frame.sort_values(["median", "date"], ascending=[False, True]).iloc[[0]]
    median, low, high = _row(peak)
    crossing, date = peak["crossing"].iloc[0], peak["date"].iloc[0]
    sentence = (
        f"{fmt.band(low, median, high, content.banded)} would be waiting at {crossing} on {fmt.date(date)}, "
        "the most at any crossing on any day"
    )
    return Headline("headline-waiting", _cap(sentence) + ".", median, low, high)


def without_shelter(content: Content) -> Headline:
    """The most people without shelter on one day (by the median), and where most of them are."""
    frame = content.shelter_total
    if frame.empty or frame["median"].max() <= 0:
        return Headline(
            "headline-shelter",
            "No one would be without shelter (at the places where the scenario sets a shelter capacity).",
            0.0,
            0.0,
            0.0,
        )
    peak = frame.sort_values(["median", "date"], ascending=[False, True]).iloc[[0]]
    median, low, high = _row(peak)
    date = peak["date"].iloc[0]
    sentence = f"{fmt.band(low, median, high, content.banded)} would be without shelter on {fmt.date(date)}, the most on any day"
    places = at_date(content.shelter_nodes, date).sort_values("median", ascending=False)
    if len(places) and places["median"].iloc[0] > 0:
        sentence += f"; the most at {content.node(places['node_id'].iloc[0])} ({fmt.people(places['median'].iloc[0])})"
    return Headline("headline-shelter", _cap(sentence) + ".", median, low, high)


def irregular(content: Content) -> list[Headline]:
    """Irregular crossings and incidents over the run."""
    end = at_date(content.so_far, content.end).set_index("measure")
    out = []
    for measure, unit, what in (
        ("irregular_crossings", "irregular border crossings", ""),
        ("incidents", "incidents", " (deaths, injuries, robberies and trafficking cases on irregular crossings)"),
    ):
        row = end.loc[[measure]]
        median, low, high = _row(row)
        sentence = (
            f"{fmt.band(low, median, high, content.banded, unit)}{what} would happen between "
            f"{fmt.date(content.start)} and {fmt.date(content.end)}"
        )
        out.append(Headline(f"headline-{measure.replace('_', '-')}", _cap(sentence) + ".", median, low, high))
    return out


def campaigns(content: Content) -> list[Headline]:
    """Each campaign channel's reach by the end of the run."""
    reach = at_date(content.reach, content.end)
    out = []
    misinformation = content.misinformation_sources
    for i, row in enumerate(reach.sort_values("median", ascending=False).itertuples()):
        what = f"The misinformation source “{row.campaign}”" if row.campaign in misinformation else f"The {row.campaign} campaign"
        sentence = (
            f"{what} would reach {fmt.band(row.low, row.median, row.high, content.banded)} "
            f"through {row.channel.replace('_', ' ')} by {fmt.date(content.end)}."
        )
        out.append(Headline(f"headline-campaign-{i}", sentence, row.median, row.low, row.high))
    return out[:2]


def headlines(content: Content) -> list[Headline]:
    """The key figures of a run or ensemble, in reading order."""
    return [arrivals(content), waiting(content), without_shelter(content), *irregular(content), *campaigns(content)]

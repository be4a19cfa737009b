"""The report's charts of one run or ensemble, each with its band when there are replicates."""

from __future__ import annotations

import matplotlib.pyplot as plt

from simulator.report.content import TOPIC_LABELS, Content
from simulator.report.figure import (
    Figure,
    band_lines,
    date_axis,
    empty_note,
    people_axis,
    share_axis,
    to_png,
    top_keys,
)

SHOWN = 6


def band_note(content: Content) -> str:
    """What the lines and shading mean."""
    results = content.results
    if not content.banded:
        return "One run: lines show its values, without an uncertainty band (run replicates for one)."
    q = sorted(results.quantiles)
    return (
        f"Lines: median of {len(results.replicates)} replicates; shaded: the {q[0] * 100:.0f}th to "
        f"{q[-1] * 100:.0f}th percentile of the replicates."
    )


def _legend(ax) -> None:
    ax.legend(fontsize=8, frameon=False, loc="upper left")


def _more(total: int, shown: int, what: str) -> str:
    return f" {total - shown} other {what} with fewer are in the tables." if total > shown else ""


def arrivals_chart(content: Content) -> Figure:
    """Arrivals so far per destination country."""
    frame = content.arrivals
    order = top_keys(frame, "iso3", count=SHOWN)
    fig, ax = plt.subplots(figsize=(8, 3.8 if order else 1.1), layout="constrained")
    if order:
        band_lines(ax, frame, "iso3", order, content.country, content.banded)
        people_axis(ax, "people arrived since the start")
        date_axis(ax, content.start, content.end)
        _legend(ax)
    else:
        empty_note(ax, "No one reached a destination during the run.")
    total = frame.loc[frame["median"] > 0, "iso3"].nunique()
    caption = (
        f"People who reached a destination in each country since {content.start:%-d %B %Y}, by date."
        + _more(total, len(order), "countries")
        + " "
        + band_note(content)
    )
    return Figure("chart-arrivals", "Arrivals per destination country", caption, to_png(fig))


def waiting_chart(content: Content) -> Figure:
    """People waiting per crossing."""
    frame = content.waiting
    order = top_keys(frame, "crossing", count=SHOWN)
    fig, ax = plt.subplots(figsize=(8, 3.8 if order else 1.1), layout="constrained")
    if order:
        band_lines(ax, frame, "crossing", order, str, content.banded)
        people_axis(ax, "people waiting to cross")
        date_axis(ax, content.start, content.end)
        _legend(ax)
    else:
        empty_note(ax, "No one had to wait at a border crossing during the run.")
    total = frame.loc[frame["median"] > 0, "crossing"].nunique()
    caption = (
        "People queuing at each border crossing at the end of each day (regular channel, limited daily capacity)."
        + _more(total, len(order), "crossings")
        + " "
        + band_note(content)
    )
    return Figure("chart-waiting", "People waiting at border crossings", caption, to_png(fig))


def shelter_chart(content: Content) -> Figure:
    """People without shelter per place."""
    frame = content.shelter_nodes
    order = top_keys(frame, "node_id", count=SHOWN)
    fig, ax = plt.subplots(figsize=(8, 3.8 if order else 1.1), layout="constrained")
    if order:
        band_lines(ax, frame, "node_id", order, content.node, content.banded)
        people_axis(ax, "people without shelter")
        date_axis(ax, content.start, content.end)
        _legend(ax)
    else:
        empty_note(ax, "No one was left without shelter during the run\n(or no place has a shelter capacity set).")
    total = frame.loc[frame["median"] > 0, "node_id"].nunique()
    caption = (
        "People stopping or waiting at a place beyond its shelter places, at the end of each day."
        + _more(total, len(order), "places")
        + " "
        + band_note(content)
    )
    return Figure("chart-shelter", "People without shelter", caption, to_png(fig))


def irregular_chart(content: Content) -> Figure:
    """Irregular crossings and incidents so far, all crossings together."""
    frame = content.so_far.rename(columns={"measure": "key"})
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.4), layout="constrained")
    for ax, measure, label in (
        (axes[0], "irregular_crossings", "irregular crossings since the start"),
        (axes[1], "incidents", "incidents since the start"),
    ):
        rows = frame.loc[frame["key"] == measure]
        if rows["median"].max() > 0:
            band_lines(ax, rows, "key", [measure], lambda _: None, content.banded)
            people_axis(ax, label)
            date_axis(ax, content.start, content.end)
        else:
            empty_note(ax, f"No {label.split(' since')[0]} during the run.")
        ax.set_title(label.split(" since")[0].capitalize())
    caption = (
        "Left: crossings of a border away from the regular channel (a person may cross irregularly more than once). "
        "Right: incidents on irregular crossings (deaths, injuries, robberies and trafficking cases). " + band_note(content)
    )
    return Figure("chart-irregular", "Irregular crossings and incidents", caption, to_png(fig))


def information_chart(content: Content) -> Figure:
    """Knowledge shares and campaign reach."""
    fig, axes = plt.subplots(1, 2, figsize=(8, 4.6), layout="constrained")
    knowledge = content.knowledge
    order = [t for t in TOPIC_LABELS if t in set(knowledge["topic"])]
    band_lines(axes[0], knowledge, "topic", order, TOPIC_LABELS.get, content.banded)
    share_axis(axes[0], "share of people present who know")
    date_axis(axes[0], content.start, content.end)
    axes[0].legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(0, -0.12))
    axes[0].set_title("What people know")
    reach = content.reach.copy()
    if reach.empty or reach["median"].max() <= 0:
        empty_note(axes[1], "No information campaign\nin this scenario.")
    else:
        reach["key"] = [content.campaign_label(c, ch) for c, ch in zip(reach["campaign"], reach["channel"], strict=True)]
        keys = top_keys(reach, "key", count=SHOWN)
        band_lines(axes[1], reach, "key", keys, str, content.banded)
        people_axis(axes[1], "people reached since the start")
        date_axis(axes[1], content.start, content.end)
        axes[1].legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(0, -0.12))
    axes[1].set_title("Campaign reach")
    caption = (
        "Left: share of the people present at the graph's places who know each topic. Right: people each campaign "
        "channel has reached at least once. " + band_note(content)
    )
    return Figure("chart-information", "Knowledge and campaign reach", caption, to_png(fig))


def run_charts(content: Content) -> list[Figure]:
    """Every chart of a run's or ensemble's report, in reading order."""
    return [
        arrivals_chart(content),
        waiting_chart(content),
        shelter_chart(content),
        irregular_chart(content),
        information_chart(content),
    ]

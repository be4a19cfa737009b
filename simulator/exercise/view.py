"""What the exercise pages show, computed once per change of state and shared by every open page.

Cards, the map and the charts are built here from the session's model, so a
page only draws what is ready; the pictures are PNG bytes from matplotlib.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from simulator.exercise.session import describe_action  # noqa: E402
from simulator.indicators import ALL, INDICATORS, indicator_series  # noqa: E402
from simulator.plots import PALETTE, _thousands  # noqa: E402

DECISIONS = ("inject", "accept")


@dataclass
class View:
    """Everything a page shows of one state of the session."""

    version: int
    day: int
    date: str
    last_date: str
    round: int
    branch: str
    branches: list[str]
    cards: list[tuple[str, str, str]]
    arrivals: list[tuple[str, float]]
    log: list[dict[str, Any]]
    submissions: list[dict[str, Any]]
    announcements: list[dict[str, Any]]
    map_png: bytes
    series_png: bytes
    branches_png: bytes | None
    crossings: list[dict[str, Any]] = field(default_factory=list)


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return buffer.getvalue()


def _fmt(value: float) -> str:
    return f"{value:,.0f}"


def draw_map(model, tables) -> bytes:
    """The route graph by latitude and longitude: nodes by people present, links by flow, closures marked."""
    g = model.graph
    lon = np.array([n.longitude for n in model.scenario.nodes])
    lat = np.array([n.latitude for n in model.scenario.nodes])
    fig, ax = plt.subplots(figsize=(6.4, 6.4), layout="constrained")
    day = model.day - 1
    links = tables["links"]
    flow = np.zeros(len(g.link_ids))
    if day >= 0 and len(links):
        today = links[links["day"] == day].groupby("link_id")["flow"].sum()
        flow = np.array([today.get(link_id, 0.0) for link_id in g.link_ids])
    width = 0.6 + 5.0 * np.sqrt(flow / flow.max()) if flow.max() > 0 else np.full(len(flow), 0.6)
    crossings = model.crossings
    for k in range(len(g.link_ids)):
        a, b = g.link_src[2 * k], g.link_dst[2 * k]
        closed = not (model.policy.link_open[2 * k] and model.policy.link_open[2 * k + 1])
        ax.plot(
            [lon[a], lon[b]],
            [lat[a], lat[b]],
            color="#D55E00" if closed else "#7f7f7f",
            linewidth=width[k],
            linestyle="--" if closed else "-",
            alpha=0.8,
            zorder=1,
        )
    for x, link_id in enumerate(crossings.link_ids):
        k = g.link_ids.index(link_id)
        a, b = g.link_src[2 * k], g.link_dst[2 * k]
        if (
            crossings.has_regular[x]
            and not crossings.regular_open[x]
            or (not crossings.irregular_open[x] and not crossings.regular_open[x])
        ):
            ax.scatter(
                [(lon[a] + lon[b]) / 2], [(lat[a] + lat[b]) / 2], marker="x", s=90, color="#D55E00", linewidths=2.5, zorder=4
            )
    nodes = tables["nodes"]
    people = np.zeros(g.n_nodes)
    pressure = np.zeros(g.n_nodes)
    if day >= 0 and len(nodes):
        last = nodes[nodes["day"] == day].set_index("node_id")
        ids = [n.id for n in model.scenario.nodes]
        people = last["people"].reindex(ids, fill_value=0).to_numpy(np.float64)
        pressure = (last["in_transit_or_waiting"] + last["without_shelter"]).reindex(ids, fill_value=0).to_numpy(np.float64)
    size = 12 + 400 * np.sqrt(people / people.max()) if people.max() > 0 else np.full(g.n_nodes, 12.0)
    colour = np.log10(1 + pressure)
    points = ax.scatter(lon, lat, s=size, c=colour, cmap="viridis", edgecolors="black", linewidths=0.4, zorder=3)
    closed_nodes = np.flatnonzero(model.policy.node_open == 0)
    if len(closed_nodes):
        ax.scatter(
            lon[closed_nodes],
            lat[closed_nodes],
            marker="s",
            s=120,
            facecolors="none",
            edgecolors="#D55E00",
            linewidths=2,
            zorder=5,
        )
    bar = fig.colorbar(points, ax=ax, shrink=0.6, pad=0.01)
    bar.set_label("people in transit or waiting (log10)")
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_aspect("equal", adjustable="datalim")
    ax.grid(alpha=0.2)
    ax.set_title("People present (size), link flow (width); closed in orange", fontsize=10)
    return _png(fig)


def draw_series(session, series) -> bytes:
    """Indicator totals over time, with a marker at every decision day."""
    fig, axes = plt.subplots(2, 2, figsize=(8.5, 5.2), layout="constrained", sharex=True)
    names = ("arrivals", "irregular_crossings", "waiting", "without_shelter")
    decisions = sorted(
        {
            a.payload["event"]["day"]
            for a in session.effective_actions()
            if a.kind in DECISIONS and "day" in a.payload.get("event", {})
        }
    )
    for ax, name in zip(axes.flat, names, strict=True):
        part = series[(series["indicator"] == name) & (series["key"] == ALL)]
        ax.plot(part["date"], part["value"], color=PALETTE[0], linewidth=1.6)
        for day in decisions:
            ax.axvline(session.scenario.date_of(day), color=PALETTE[3], linewidth=1, linestyle=":")
        ax.set_title(INDICATORS[name].label, fontsize=9)
        ax.yaxis.set_major_formatter(_thousands)
        ax.grid(alpha=0.3)
    locator = mdates.AutoDateLocator()
    for ax in axes[1]:
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    fig.suptitle("Totals (persons); dotted lines: decisions and injects", fontsize=10)
    return _png(fig)


def draw_branches(session) -> bytes | None:
    """Irregular crossings and arrivals on every branch, side by side."""
    branches = list(session.store.branches())
    if len(branches) < 2:
        return None
    fig, axes = plt.subplots(1, 2, figsize=(8.5, 3.2), layout="constrained")
    for ax, name in zip(axes, ("arrivals", "irregular_crossings"), strict=True):
        for i, branch in enumerate(branches):
            values = session.branch_totals(branch).get(name, [])
            ax.plot(range(len(values)), values, color=PALETTE[i % len(PALETTE)], label=branch, linewidth=1.6)
        ax.set_title(INDICATORS[name].label, fontsize=9)
        ax.set_xlabel("day")
        ax.yaxis.set_major_formatter(_thousands)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, frameon=False)
    return _png(fig)


def log_entries(session) -> list[dict[str, Any]]:
    """Everything that happened on the branch, newest first: actions, injects announced, events applied."""
    entries = []
    for a in session.effective_actions():
        text = describe_action(a)
        entries.append({"seq": a.seq, "round": a.round, "day": a.day, "who": a.actor, "what": text, "at": a.at[11:19]})
    for e in session.model.event_log:
        entries.append(
            {
                "seq": None,
                "round": None,
                "day": e["day"],
                "who": "scenario",
                "what": f"took effect: {e['description']}",
                "at": e["date"],
            }
        )
    entries.sort(key=lambda e: (e["day"], e["seq"] or 0), reverse=True)
    return entries


def build_view(session, version: int) -> View:
    """The view of the session's current state."""
    model = session.model
    tables = model.tables()
    series = indicator_series(tables) if model.day > 0 else None
    cards = []
    arrivals = []
    if series is not None:
        last = series[series["day"] == series["day"].max()]
        for name in ("arrivals", "waiting", "irregular_crossings", "incidents", "without_shelter", "campaign_reach"):
            total = last[(last["indicator"] == name) & (last["key"] == ALL)]["value"].sum()
            cards.append((name, INDICATORS[name].label, _fmt(total)))
        per_country = last[(last["indicator"] == "arrivals") & (last["key"] != ALL)].sort_values("value", ascending=False)
        arrivals = [(r.key, float(r.value)) for r in per_country.head(6).itertuples()]
    crossings = []
    if len(tables["crossings"]) and model.day > 0:
        today = tables["crossings"][tables["crossings"]["day"] == model.day - 1]
        for row in today.itertuples():
            crossings.append(
                {"crossing": row.crossing, "regular": row.regular, "irregular": row.irregular, "waiting": row.waiting}
            )
    return View(
        version=version,
        day=model.day,
        date=session.scenario.date_of(model.day).isoformat(),
        last_date=session.scenario.date_of(model.days - 1).isoformat(),
        round=session.round,
        branch=session.branch,
        branches=list(session.store.branches()),
        cards=cards,
        arrivals=arrivals,
        log=log_entries(session),
        submissions=[s.__dict__ for s in session.submissions()],
        announcements=session.announcements(),
        map_png=draw_map(model, tables),
        series_png=draw_series(session, series) if series is not None else b"",
        branches_png=draw_branches(session),
        crossings=crossings,
    )

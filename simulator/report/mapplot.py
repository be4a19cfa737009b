"""The map of the corridor at chosen dates: places sized by people present, links by flow, crossings by waiting."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.lines import Line2D

from simulator.report import fmt
from simulator.report.bands import at_date
from simulator.report.content import FLOW_WINDOW_DAYS, Content
from simulator.report.figure import Figure, empty_note, to_png
from simulator.report.geo import outlines

NODE_COLOUR = "#E69F00"
LINK_COLOUR = "#0072B2"
# White to vermillion through orange: ordered by lightness, readable with the common colour-vision deficiencies.
WAITING_CMAP = LinearSegmentedColormap.from_list("waiting", ["#FFFFFF", "#E69F00", "#D55E00", "#6B2A00"])
MAX_NODE_AREA = 420.0
MAX_LINK_WIDTH = 7.0
LABELLED_PLACES = 5  # the places with the most people present are named on each panel


def crossing_points(content: Content) -> pd.DataFrame:
    """Where each crossing is drawn: its border-crossing place if it has one, else the middle of its link."""
    nodes = content.places.nodes.set_index("id")
    links = content.places.links.set_index("id")
    named = content.results.replicates[0]["crossings"][["link_id", "crossing"]].drop_duplicates()
    rows = []
    for link_id, name in zip(named["link_id"], named["crossing"], strict=True):
        if link_id not in links.index:
            continue
        ends = [links.at[link_id, "from_node"], links.at[link_id, "to_node"]]
        border = [e for e in ends if nodes.at[e, "kind"] == "border crossing"]
        if border:
            lon, lat = nodes.at[border[0], "longitude"], nodes.at[border[0], "latitude"]
        else:
            lon = (nodes.at[ends[0], "longitude"] + nodes.at[ends[1], "longitude"]) / 2
            lat = (nodes.at[ends[0], "latitude"] + nodes.at[ends[1], "latitude"]) / 2
        rows.append({"crossing": name, "longitude": lon, "latitude": lat})
    return pd.DataFrame(rows, columns=["crossing", "longitude", "latitude"])


def _extent(nodes: pd.DataFrame) -> tuple[float, float, float, float]:
    west, east = nodes["longitude"].min(), nodes["longitude"].max()
    south, north = nodes["latitude"].min(), nodes["latitude"].max()
    pad_x = max(2.0, 0.08 * (east - west))
    pad_y = max(2.0, 0.08 * (north - south))
    return west - pad_x, east + pad_x, south - pad_y, north + pad_y


def _draw_outlines(ax) -> None:
    polygons = [np.asarray(ring) for _, rings in outlines() for ring in rings]
    ax.add_collection(PolyCollection(polygons, facecolor="#EEEEEE", edgecolor="#9A9A9A", linewidth=0.5, zorder=0))


def _top(frame: pd.DataFrame) -> float:
    value = float(frame["median"].max()) if len(frame) else 0.0
    return value if math.isfinite(value) else 0.0


def _size(value: np.ndarray, top: float) -> np.ndarray:
    return 6 + MAX_NODE_AREA * np.clip(value, 0, None) / top if top > 0 else np.full(len(value), 6.0)


def map_figure(content: Content) -> Figure:
    """The corridor at each of a run's or ensemble's map dates, on the same scales."""
    note = (
        f"Figures are medians of {len(content.results.replicates)} replicates."
        if content.banded
        else "Figures are those of one run."
    )
    return panels_figure([(content, date, fmt.date(date)) for date in content.map_dates], note)


def panels_figure(panels: list[tuple[Content, pd.Timestamp, str]], note: str, figure_id: str = "map") -> Figure:
    """One map per (content, date, title) panel, all on the same scales."""
    first = panels[0][0]
    if first.places is None:
        fig, ax = plt.subplots(figsize=(8, 1.0), layout="constrained")
        empty_note(ax, "No map: the scenario's places are not in the results folder and its file cannot be found.")
        return Figure(figure_id, "Map of the corridor", "No coordinates available.", to_png(fig))
    nodes = first.places.nodes.set_index("id")
    links = first.places.links
    crossings = crossing_points(first)
    top_people = max(_top(at_date(c.node_people, d)) for c, d, _ in panels)
    top_flow = max(_top(at_date(c.link_flow, d)) for c, d, _ in panels)
    top_wait = max(_top(at_date(c.waiting, d)) for c, d, _ in panels)
    west, east, south, north = _extent(nodes)
    aspect = 1 / math.cos(math.radians((south + north) / 2))
    per_row = 1 if len(panels) == 1 else 2
    rows_n = math.ceil(len(panels) / per_row)
    width = 7.0 if per_row == 1 else 10.5
    panel_w = (width - 0.8) / per_row
    panel_h = min(panel_w * (north - south) / (east - west) * aspect, 8.0)
    fig, axes = plt.subplots(
        rows_n, per_row, figsize=(width, rows_n * (panel_h + 0.3) + 0.5), layout="constrained", squeeze=False
    )
    norm = Normalize(vmin=0, vmax=max(top_wait, 1))
    for ax, (content, date, title) in zip(axes.flat, panels, strict=False):
        people, flow, waiting = content.node_people, content.link_flow, content.waiting
        _draw_outlines(ax)
        f = at_date(flow, date).set_index("link_id")["median"]
        segments, widths, colours = [], [], []
        for row in links.itertuples():
            a, b = nodes.loc[row.from_node], nodes.loc[row.to_node]
            value = float(f.get(row.id, 0.0))
            segments.append([(a["longitude"], a["latitude"]), (b["longitude"], b["latitude"])])
            widths.append(0.6 + MAX_LINK_WIDTH * value / top_flow if top_flow > 0 and value > 0 else 0.5)
            colours.append(LINK_COLOUR if value > 0 else "#B0B0B0")
        ax.add_collection(LineCollection(segments, linewidths=widths, colors=colours, alpha=0.75, zorder=1, capstyle="round"))
        p = at_date(people, date).set_index("node_id")["median"].reindex(nodes.index).fillna(0.0)
        ax.scatter(
            nodes["longitude"], nodes["latitude"], s=_size(p.to_numpy(), top_people),
            color=NODE_COLOUR, alpha=0.75, edgecolor="#7A5200", linewidth=0.5, zorder=2,
        )  # fmt: skip
        for node_id, value in p.sort_values(ascending=False).head(LABELLED_PLACES).items():
            if value > 0:
                ax.annotate(
                    nodes.at[node_id, "name"], (nodes.at[node_id, "longitude"], nodes.at[node_id, "latitude"]),
                    xytext=(6, 0), textcoords="offset points", fontsize=6.5, ha="left", va="center", color="#3A2A00", zorder=4,
                )  # fmt: skip
        if len(crossings):
            w = at_date(waiting, date).set_index("crossing")["median"].reindex(crossings["crossing"]).fillna(0.0)
            ax.scatter(
                crossings["longitude"], crossings["latitude"], c=w.to_numpy(), cmap=WAITING_CMAP, norm=norm,
                marker="D", s=34, edgecolor="#222222", linewidth=0.7, zorder=3,
            )  # fmt: skip
            for (_, c), value in zip(crossings.iterrows(), w.to_numpy(), strict=True):
                if value > 0 and value >= 0.25 * top_wait:
                    ax.annotate(
                        f"{c['crossing'].split(' (')[0]}\n{fmt.people(value)} waiting", (c["longitude"], c["latitude"]),
                        xytext=(5, -3), textcoords="offset points", fontsize=6.5, zorder=4,
                    )  # fmt: skip
        ax.set_xlim(west, east)
        ax.set_ylim(south, north)
        ax.set_aspect(aspect)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_facecolor("#F7FBFF")
        for spine in ax.spines.values():
            spine.set_visible(True)
            spine.set_color("#9A9A9A")
        ax.set_title(title, fontsize=10)
    spare = list(axes.flat)[len(panels) :]
    for ax in spare:
        ax.axis("off")
    handles = []
    for value in _legend_values(top_people):
        handles.append(
            Line2D([], [], marker="o", linestyle="", markersize=math.sqrt(_size(np.array([value]), top_people)[0]),
                   markerfacecolor=NODE_COLOUR, markeredgecolor="#7A5200", alpha=0.75, label=f"{fmt.people(value)} people present")
        )  # fmt: skip
    if top_flow > 0:
        handles.append(
            Line2D([], [], color=LINK_COLOUR, linewidth=0.6 + MAX_LINK_WIDTH, alpha=0.75,
                   label=f"{fmt.people(top_flow)} people set out along a link in {FLOW_WINDOW_DAYS} days")
        )  # fmt: skip
    crossing_label = "border crossing (colour: people waiting)" if top_wait > 0 else "border crossing (no one waiting)"
    handles.append(
        Line2D([], [], marker="D", linestyle="", markersize=6, markerfacecolor="#FFFFFF", markeredgecolor="#222222",
               label=crossing_label)
    )  # fmt: skip
    if spare:
        spare[0].legend(handles=handles, loc="upper left", fontsize=9, frameon=False, labelspacing=1.6, borderpad=1.5)
    else:
        fig.legend(handles=handles, loc="outside lower center", ncol=2, fontsize=8, frameon=False)
    if len(crossings) and top_wait > 0:
        bar = fig.colorbar(
            plt.cm.ScalarMappable(norm=norm, cmap=WAITING_CMAP),
            ax=spare[0] if spare else axes,
            location="bottom" if spare else "right",
            shrink=0.8 if spare else 0.5,
            pad=0.02,
        )
        bar.set_label("people waiting at a crossing")
        bar.formatter = plt.FuncFormatter(lambda v, _: f"{v:,.0f}")
        bar.update_ticks()
    caption = (
        f"Circles: people present at each place (area proportional; the {LABELLED_PLACES} largest are named). Lines: people who set out along each road, "
        f"boat or foot link in the {FLOW_WINDOW_DAYS} days up to the date (width proportional). Diamonds: border "
        f"crossings, coloured by the people waiting there; crossings with many people waiting are named. {note} "
        "Country outlines: Natural Earth 1:110m (public domain)."
    )
    return Figure(figure_id, "Map of the corridor", caption, to_png(fig))


def _legend_values(top: float) -> list[float]:
    """Round reference sizes for the legend: the largest and two smaller ones."""
    if top <= 0:
        return []
    magnitude = 10 ** math.floor(math.log10(top))
    largest = math.floor(top / magnitude) * magnitude
    return sorted({largest, largest / 10, largest / 100} - {0}, reverse=True)[:3] if largest >= 100 else [largest]

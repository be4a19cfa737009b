"""Matplotlib figures as embedded PNG, and the drawing shared by the charts: lines with bands, date axes."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FuncFormatter, PercentFormatter  # noqa: E402

from simulator.report.fmt import PALETTE  # noqa: E402

DPI = 130
plt.rcParams.update({"font.size": 9, "axes.titlesize": 10, "axes.spines.top": False, "axes.spines.right": False})
THOUSANDS = FuncFormatter(lambda v, _: f"{v:,.0f}")


@dataclass
class Figure:
    """One figure of the report: an id (for tests and anchors), a title, a caption and its PNG."""

    id: str
    title: str
    caption: str
    png: bytes

    def data_uri(self) -> str:
        """The PNG as a ``data:`` URI."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def to_png(fig) -> bytes:
    """Render and close a matplotlib figure."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    plt.close(fig)
    return buffer.getvalue()


def date_axis(ax, start=None, end=None) -> None:
    """Calendar dates on the x axis from ``start`` to ``end``, readable at any run length."""
    if start is not None and end is not None and start < end:
        ax.set_xlim(start, end)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    if start is not None and end is not None and (end - start).days <= 92:
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%-d %b"))
    else:
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
    ax.grid(alpha=0.3)


def people_axis(ax, label: str) -> None:
    """A y axis of people with thousands separators, starting at 0."""
    ax.yaxis.set_major_formatter(THOUSANDS)
    ax.set_ylabel(label)
    ax.set_ylim(bottom=0)


def share_axis(ax, label: str) -> None:
    """A y axis of shares shown as percentages."""
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel(label)
    ax.set_ylim(0, 1)


def band_lines(ax, frame: pd.DataFrame, key: str, order: list, label, banded: bool) -> None:
    """One median line per key in ``order`` with its shaded band (lowest to highest quantile) when ``banded``."""
    for i, k in enumerate(order):
        rows = frame.loc[frame[key] == k].sort_values("date")
        colour = PALETTE[i % len(PALETTE)]
        style = "-" if i < len(PALETTE) else "--"
        ax.plot(rows["date"], rows["median"], style, color=colour, linewidth=1.8, label=label(k))
        if banded:
            ax.fill_between(rows["date"], rows["low"], rows["high"], color=colour, alpha=0.18, linewidth=0)


def empty_note(ax, message: str) -> None:
    """Say on the axes that there is nothing to draw (rather than leaving them blank)."""
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", color="#555555", wrap=True)
    ax.set_axis_off()


def top_keys(frame: pd.DataFrame, key: str, by: str = "median", count: int = 6) -> list:
    """Keys with the largest peak ``by`` over time, largest first, nonzero only."""
    if frame.empty:
        return []
    peak = frame.groupby(key)[by].max().sort_values(ascending=False)
    return [k for k, v in peak.items() if v > 0][:count]

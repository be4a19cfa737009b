"""PNG plots of an ensemble: every series as its median with the band around it."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from simulator.bands import indicator_bands, quantile_label  # noqa: E402
from simulator.indicators import ALL, INDICATORS  # noqa: E402
from simulator.plots import PALETTE, _thousands  # noqa: E402

MAX_SERIES = 6


def band_labels(quantiles) -> tuple[str, str]:
    """Column names of the lowest and the highest quantile (the band's edges)."""
    return quantile_label(min(quantiles)), quantile_label(max(quantiles))


def ordinal(percent: str) -> str:
    """``'p10' -> '10th'``, ``'p2.5' -> '2.5th'``, ``'p1' -> '1st'``."""
    number = percent[1:]
    last = number[-1]
    suffix = "th" if number.endswith(("11", "12", "13")) else {"1": "st", "2": "nd", "3": "rd"}.get(last, "th")
    return number + suffix


def band_text(low: str, high: str) -> str:
    """``'10th–90th percentile band'``."""
    return f"{ordinal(low)}–{ordinal(high)} percentile band"


def plot_bands(frame: pd.DataFrame, low: str, high: str, title: str, ylabel: str, path: Path) -> Path:
    """Median line and shaded band per ``key`` (the largest ``MAX_SERIES`` keys by final median)."""
    last = frame[frame["day"] == frame["day"].max()].set_index("key")["p50"].sort_values(ascending=False)
    keys = [k for k in last.index if k != ALL][:MAX_SERIES]
    fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
    for i, key in enumerate(keys):
        part = frame[frame["key"] == key].sort_values("date")
        colour = PALETTE[i % len(PALETTE)]
        ax.fill_between(part["date"], part[low], part[high], color=colour, alpha=0.2, linewidth=0)
        ax.plot(part["date"], part["p50"], color=colour, linewidth=1.6, label=str(key))
    ax.yaxis.set_major_formatter(_thousands)
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if keys:
        ax.legend(fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_band_plots(result, folder: Path) -> list[Path]:
    """One plot per indicator: median and band over replicates for its largest keys."""
    quantiles = result.record["quantiles"]
    low, high = band_labels(quantiles)
    bands = indicator_bands(result.indicators, quantiles)
    n = result.record["replicates"]
    written = []
    for name, indicator in INDICATORS.items():
        frame = bands[bands["indicator"] == name]
        if frame.empty or not (frame["p50"] > 0).any():
            continue
        title = f"{indicator.label[0].upper()}{indicator.label[1:]} — median and {band_text(low, high)}, {n} replicates"
        written.append(plot_bands(frame, low, high, title, f"{indicator.unit}", folder / f"{name}_bands.png"))
    return written

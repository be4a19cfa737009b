"""PNG plots of a comparison: each variant's total with its band, over time."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from simulator.band_plots import band_labels, band_text  # noqa: E402
from simulator.bands import indicator_bands  # noqa: E402
from simulator.indicators import ALL, INDICATORS  # noqa: E402
from simulator.plots import PALETTE, _thousands  # noqa: E402


def write_comparison_plots(result, folder: Path) -> list[Path]:
    """``compare_<indicator>.png``: median and band of the indicator's total, one line per variant."""
    quantiles = result.record["quantiles"]
    low, high = band_labels(quantiles)
    n = result.record["replicates"]
    written = []
    for name in result.record["indicators"]:
        indicator = INDICATORS[name]
        fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
        drawn = False
        for i, (variant, ensemble) in enumerate(result.ensembles.items()):
            series = ensemble.indicators
            series = series[(series["indicator"] == name) & (series["key"] == ALL)]
            if series.empty:
                continue
            bands = indicator_bands(series, quantiles).sort_values("date")
            colour = PALETTE[i % len(PALETTE)]
            ax.fill_between(bands["date"], bands[low], bands[high], color=colour, alpha=0.2, linewidth=0)
            ax.plot(bands["date"], bands["p50"], color=colour, linewidth=1.8, label=variant)
            drawn = drawn or bool((bands["p50"] > 0).any())
        if not drawn:
            plt.close(fig)
            continue
        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.yaxis.set_major_formatter(_thousands)
        ax.set_ylabel(indicator.unit)
        ax.set_title(
            f"{indicator.label[0].upper()}{indicator.label[1:]}, all places — median and {band_text(low, high)}, {n} replicates"
        )
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, frameon=False, loc="upper left")
        path = folder / f"compare_{name}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written

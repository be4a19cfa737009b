"""Plots of a sweep: each indicator total against each parameter, one point per run."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from simulator.indicators import INDICATORS  # noqa: E402
from simulator.plots import PALETTE, _thousands  # noqa: E402


def _label(column: str) -> str:
    name = column.split("[", 1)[0]
    base, _, reduction = name.partition(":")
    label = INDICATORS[base].label if base in INDICATORS else base
    return f"{label}{' (' + reduction + ' over days)' if reduction else ''}, all places"


def write_sweep_plots(runs: pd.DataFrame, parameters: list[str], totals: list[str], folder: Path) -> list[Path]:
    """``sweep_<indicator>.png``: the indicator total against each parameter."""
    written = []
    if runs.empty:
        return written
    for column in totals:
        fig, axes = plt.subplots(1, len(parameters), figsize=(4 * len(parameters) + 1, 3.8), layout="constrained", squeeze=False)
        for ax, name in zip(axes[0], parameters, strict=True):
            ax.scatter(runs[name], runs[column], s=14, color=PALETTE[0], alpha=0.7, linewidths=0)
            ax.set_xlabel(name)
            ax.yaxis.set_major_formatter(_thousands)
            ax.grid(alpha=0.3)
        axes[0][0].set_ylabel("persons")
        fig.suptitle(_label(column))
        safe = column.split("[", 1)[0].replace(":", "_")
        path = folder / f"sweep_{safe}.png"
        fig.savefig(path, dpi=100)
        plt.close(fig)
        written.append(path)
    return written

"""PNG plots of a run: people per country over time, and arrivals per destination country."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
_thousands = FuncFormatter(lambda v, _: f"{v:,.0f}")


def write_plots(result, folder: Path) -> list[Path]:
    """Write ``stocks_by_country.png`` and ``arrivals_by_country.png`` into ``folder``."""
    countries = result.tables["countries"]
    written = []
    people = countries.pivot(index="date", columns="iso3", values="people")
    order = people.iloc[-1].sort_values(ascending=False).index if len(people) else people.columns
    fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
    for i, iso3 in enumerate(order):
        style = "-" if i < len(PALETTE) else "--"
        ax.plot(people.index, people[iso3], style, color=PALETTE[i % len(PALETTE)], label=iso3, linewidth=1.6)
    ax.set_yscale("symlog", linthresh=1000)
    ax.yaxis.set_major_formatter(_thousands)
    ax.set_ylabel("people present (persons, log scale)")
    ax.set_title(f"People per country — {result.record['scenario']['name']}")
    ax.legend(ncol=2, fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    ax.grid(alpha=0.3)
    path = folder / "stocks_by_country.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    written.append(path)

    arrivals = countries.groupby("iso3")["arrivals"].sum().sort_values()
    arrivals = arrivals[arrivals > 0]
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.35 * len(arrivals) + 1)), layout="constrained")
    ax.barh(arrivals.index, arrivals.values, color=PALETTE[0])
    for y, value in enumerate(arrivals.values):
        ax.text(value, y, f" {value:,.0f}", va="center", fontsize=8)
    ax.xaxis.set_major_formatter(_thousands)
    ax.set_xlabel("arrivals at a destination over the run (persons)")
    ax.set_title("Arrivals per destination country")
    ax.margins(x=0.15)
    path = folder / "arrivals_by_country.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    written.append(path)
    return written

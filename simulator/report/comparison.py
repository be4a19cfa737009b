"""The report of a comparison: variants side by side, and each one's paired difference from the baseline.

All figures come from ``comparison.parquet`` (bands of each indicator and of
its replicate-by-replicate difference from the baseline, same seeds); the map
shows each variant's ensemble at the last compared date.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from simulator.report import fmt
from simulator.report.bands import quantile_columns
from simulator.report.content import Content, build_content
from simulator.report.figure import THOUSANDS, Figure, empty_note, to_png
from simulator.report.folder import Comparison
from simulator.report.mapplot import panels_figure
from simulator.report.methods import _dl, methods_html
from simulator.report.page import Page, Section, figure_html, table_html
from simulator.report.tables import Table
from simulator.version import __version__

INDICATORS = {
    "arrivals": ("people arrived since the start", "arrivals since the start in {key}"),
    "waiting": ("people waiting", "people waiting at {key}"),
    "without_shelter": ("people without shelter", "people without shelter in {key}"),
    "irregular_crossings": ("irregular crossings since the start", "irregular crossings since the start at {key}"),
    "incidents": ("incidents since the start", "incidents since the start at {key}"),
    "campaign_reach": ("people reached since the start", "people reached by the {key} campaign"),
}
COUNTRY_KEYED = {"arrivals", "without_shelter"}
SHOWN_KEYS = 5


def signed(value: float) -> str:
    """A signed count for a difference: ``+1,200``, ``−300``, ``0``."""
    text = fmt.people(abs(value))
    return "0" if text == "0" else ("+" if value > 0 else "−") + text


def signed_band(low: float, median: float, high: float) -> str:
    """``between −200 and +1,300 (median +600)``."""
    if signed(low) == signed(high):
        return signed(median)
    return f"between {signed(low)} and {signed(high)} (median {signed(median)})"


def signed_cell(low: float, median: float, high: float) -> str:
    """A difference in a table cell: ``+600 (−200 to +1,300)``."""
    exact = [f"{v:+,.0f}".replace("-", "−") if round(v) != 0 else "0" for v in (median, low, high)]
    return f"{exact[0]} ({exact[1]} to {exact[2]})"


class ComparisonView:
    """The comparison table with names for a reader."""

    def __init__(self, comparison: Comparison, baseline_content: Content):
        self.comparison = comparison
        self.baseline = comparison.baseline
        self.content = baseline_content
        table = comparison.table.copy()
        table["date"] = pd.to_datetime(table["date"])
        self.table = table
        self.low, _, self.high = quantile_columns(comparison.variants[self.baseline].quantiles)
        order = [self.baseline, *[v for v in comparison.variants if v != self.baseline]]
        self.variants = [v for v in order if v in set(table["variant"])]
        self.last = table["date"].max()
        self.indicators = [i for i in INDICATORS if i in set(table["indicator"])]
        self.indicators += sorted(set(table["indicator"]) - set(INDICATORS))

    def key_label(self, indicator: str, key: str) -> str:
        """A country's name for country-keyed indicators, else the key."""
        if key == "all":
            return "all"
        return self.content.country(key) if indicator in COUNTRY_KEYED else str(key)

    def at_last(self, indicator: str) -> pd.DataFrame:
        """Rows of ``indicator`` on the last compared date."""
        t = self.table
        return t.loc[(t["indicator"] == indicator) & (t["date"] == self.last)]

    def top_keys(self, indicator: str) -> list[str]:
        """Keys with the largest level or difference on the last date."""
        rows = self.at_last(indicator)
        score = rows.assign(s=np.maximum(rows["p50"].abs(), rows["diff_p50"].abs())).groupby("key")["s"].max()
        return [k for k, v in score.sort_values(ascending=False).items() if v > 0][:SHOWN_KEYS]


def variant_description(comparison: Comparison, variant: str) -> str:
    """The variant's description from its scenario file, or "" when the file is not at hand."""
    from pathlib import Path

    from simulator.errors import MigsimError
    from simulator.scenario import load_scenario

    scenario = comparison.variants[variant].first_record.get("scenario", {})
    path, name = scenario.get("path") or "", scenario.get("variant")
    if not name or path.startswith("<") or not Path(path).is_file():
        return ""
    try:
        variants = load_scenario(path).variants
    except MigsimError:
        return ""
    return variants[name].description if name in variants else ""


def headline_html(view: ComparisonView) -> str:
    """For each variant, the largest paired difference per indicator, in sentences."""
    date = fmt.date(view.last)
    blocks = []
    for variant in view.variants[1:]:
        items = []
        for indicator in view.indicators:
            rows = view.at_last(indicator)
            base = rows.loc[rows["variant"] == view.baseline].set_index("key")
            mine = rows.loc[rows["variant"] == variant].set_index("key")
            if mine.empty or mine["diff_p50"].abs().max() <= 0:
                continue
            key = mine["diff_p50"].abs().idxmax()
            r = mine.loc[key]
            label = INDICATORS.get(indicator, (indicator, indicator + " at {key}"))[1].format(key=view.key_label(indicator, key))
            baseline = (
                fmt.band(base.at[key, view.low], base.at[key, "p50"], base.at[key, view.high], True, "")
                if key in base.index
                else "0"
            )
            sentence = (
                f"{label[:1].upper() + label[1:]} on {date}: {fmt.band(r[view.low], r['p50'], r[view.high], True, '').strip()} "
                f"against {baseline.strip()} in the baseline; paired difference {signed_band(r['diff_' + view.low], r['diff_p50'], r['diff_' + view.high])}."
            )
            items.append(f"<li id='headline-{fmt.text(variant)}-{indicator}'>{fmt.text(sentence)}</li>")
        if not items:
            items.append(f"<li>No indicator differs from the baseline by {date}.</li>")
        description = variant_description(view.comparison, variant)
        about = f"<p class='note'>{fmt.text(description)}</p>" if description else ""
        blocks.append(f"<h3>{fmt.text(variant)} against {fmt.text(view.baseline)}</h3>{about}<ul>{''.join(items)}</ul>")
    q = sorted(view.comparison.variants[view.baseline].quantiles)
    note = (
        f"Ranges: {q[0] * 100:.0f}th to {q[-1] * 100:.0f}th percentile over "
        f"{view.comparison.record.get('replicates', len(view.comparison.variants[view.baseline].replicates))} replicates. "
        "A paired difference compares each replicate of a variant with the baseline's replicate of the same seed, so "
        "chance variation common to both cancels out; a range that excludes zero is a difference the replicates agree on."
    )
    return f"<div class='headline'>{''.join(blocks)}<p class='note'>{fmt.text(note)}</p></div>"


def indicator_figure(view: ComparisonView, indicator: str) -> Figure:
    """Levels of the variants side by side, and their paired differences from the baseline, on the last date."""
    keys = view.top_keys(indicator)
    title, _ = INDICATORS.get(indicator, (indicator, ""))
    height = 1.0 if not keys else 1.2 + 0.55 * len(keys) * max(1, len(view.variants) / 2)
    fig, axes = plt.subplots(1, 2, figsize=(8, height), layout="constrained", sharey=bool(keys))
    rows = view.at_last(indicator).set_index(["variant", "key"])
    if not keys:
        empty_note(axes[0], f"No {title} in any variant by {fmt.date(view.last)}.")
        axes[1].set_axis_off()
    else:
        y = np.arange(len(keys))
        n = len(view.variants)
        step = 0.8 / n
        colours = dict(zip(view.variants, fmt.PALETTE, strict=False))
        for j, variant in enumerate(view.variants):
            offset = (j - (n - 1) / 2) * step
            r = rows.reindex([(variant, k) for k in keys]).fillna(0.0)
            med, lo, hi = r["p50"].to_numpy(), r[view.low].to_numpy(), r[view.high].to_numpy()
            axes[0].barh(y + offset, med, height=step * 0.9, color=colours[variant], label=variant)
            axes[0].errorbar(med, y + offset, xerr=[med - lo, hi - med], fmt="none", ecolor="#333333", capsize=2, lw=0.8)
            if variant != view.baseline:
                d = rows.reindex([(variant, k) for k in keys]).fillna(0.0)
                dm, dl, dh = d["diff_p50"].to_numpy(), d["diff_" + view.low].to_numpy(), d["diff_" + view.high].to_numpy()
                axes[1].barh(y + offset, dm, height=step * 0.9, color=colours[variant], label=f"{variant} − {view.baseline}")
                axes[1].errorbar(dm, y + offset, xerr=[dm - dl, dh - dm], fmt="none", ecolor="#333333", capsize=2, lw=0.8)
        axes[0].set_yticks(y, [view.key_label(indicator, k) for k in keys])
        axes[0].invert_yaxis()
        axes[0].set_xlabel(title)
        axes[0].set_title(f"Each variant on {fmt.date(view.last)}")
        axes[1].axvline(0, color="#333333", lw=0.8)
        axes[1].set_xlabel("difference from the baseline")
        axes[1].set_title("Paired difference from the baseline")
        for ax in axes:
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
            ax.xaxis.set_major_formatter(THOUSANDS)
            ax.grid(axis="x", alpha=0.3)
        axes[0].legend(fontsize=7, frameon=False, loc="best")
    caption = (
        f"Left: {title} on {fmt.date(view.last)} in each variant (bar: median; whisker: {view.low} to {view.high} over "
        f"replicates). Right: each variant's paired difference from the baseline (same seeds), with its band."
    )
    return Figure(f"comparison-{indicator}", title[:1].upper() + title[1:], caption, to_png(fig))


def indicator_table(view: ComparisonView, indicator: str) -> Table:
    """Every key of an indicator on the last date: each variant's level and difference from the baseline."""
    rows = view.at_last(indicator)
    keep = rows.groupby("key")[["p50", "diff_p50"]].transform(lambda s: s.abs().max()).max(axis=1) > 0
    rows = rows.loc[keep]
    keys = rows.loc[rows["variant"] == view.baseline].sort_values("p50", ascending=False)["key"].tolist()
    keys += [k for k in rows["key"].unique() if k not in keys]
    indexed = rows.set_index(["variant", "key"])
    shown = pd.DataFrame(index=[view.key_label(indicator, k) for k in keys])
    for variant in view.variants:
        r = indexed.reindex([(variant, k) for k in keys]).fillna(0.0)
        shown[variant] = [fmt.cell(a, b, c, True) for a, b, c in zip(r[view.low], r["p50"], r[view.high], strict=True)]
    for variant in view.variants[1:]:
        r = indexed.reindex([(variant, k) for k in keys]).fillna(0.0)
        shown[f"{variant} − {view.baseline}"] = [
            signed_cell(a, b, c) for a, b, c in zip(r["diff_" + view.low], r["diff_p50"], r["diff_" + view.high], strict=True)
        ]
    title, _ = INDICATORS.get(indicator, (indicator, ""))
    tidy = view.table.loc[view.table["indicator"] == indicator]
    tidy = tidy.rename(columns={view.low: "low", "p50": "median", view.high: "high"})
    return Table(
        f"table-comparison-{indicator}",
        title[:1].upper() + title[1:],
        f"On {fmt.date(view.last)}: median ({view.low} to {view.high}) per variant, then the paired difference from the baseline. "
        "The CSV has every compared date.",
        shown,
        tidy,
    )


class ComparisonTable(Table):
    """The comparison table's CSV keeps its own column names."""

    def csv_frame(self, banded: bool, quantiles) -> pd.DataFrame:
        low, median, high = quantile_columns(quantiles)
        frame = self.tidy.rename(columns={"low": low, "median": median, "high": high}).copy()
        frame["date"] = pd.to_datetime(frame["date"]).dt.date
        return frame


def comparison_facts(view: ComparisonView) -> str:
    """Baseline, variants, replicates, seeds, dates compared."""
    record = view.comparison.record
    dates = sorted(view.table["date"].unique())
    facts = [
        ("baseline", fmt.text(view.baseline)),
        ("variants", fmt.text(", ".join(view.variants[1:]))),
        ("replicates", fmt.text(f"{record.get('replicates', '?')} per variant, the same seeds in every variant")),
        ("seeds", fmt.text(", ".join(str(s) for s in record.get("seeds", [])))),
        ("dates compared", fmt.text(", ".join(fmt.date(d) for d in dates))),
        ("paired difference", "variant minus baseline, replicate by replicate (same seed), then its percentiles"),
    ]
    return _dl(facts)


def comparison_page(comparison: Comparison, map_dates=None) -> tuple[Page, Content, list[Table]]:
    """The page of a comparison, the baseline's content (for exports) and the tables."""
    contents = {}
    table_dates = pd.to_datetime(comparison.table["date"])
    last = table_dates.max() if len(table_dates) else None
    for name, results in comparison.variants.items():
        contents[name] = build_content(results, [last] if last is not None else None)
    baseline = contents[comparison.baseline]
    if map_dates:
        baseline = build_content(comparison.variants[comparison.baseline], map_dates)
    view = ComparisonView(comparison, baseline)
    if last is None:
        view.last = baseline.end
    figures = [indicator_figure(view, i) for i in view.indicators]
    tables = [indicator_table(view, i) for i in view.indicators]
    tables = [ComparisonTable(t.id, t.title, t.caption, t.shown, t.tidy) for t in tables]
    panels = [(contents[v], contents[v].map_dates[-1], v) for v in view.variants]
    note = f"Each panel: the variant's median over {len(comparison.variants[comparison.baseline].replicates)} replicates."
    sections = [
        Section("headline", "Key differences", headline_html(view)),
        Section("map", "Map of the corridor, variant by variant", figure_html(panels_figure(panels, note))),
        Section("comparison", "Variants side by side", "".join(figure_html(f) for f in figures)),
        Section("tables", "Tables", "".join(table_html(t) for t in tables)),
        Section("methods", "Methods", comparison_facts(view) + methods_html(contents[comparison.baseline])),
    ]
    scenario = baseline.results.first_record.get("scenario", {}).get("name", "migsim")
    subtitle = (
        f"{fmt.date(baseline.start)} to {fmt.date(baseline.end)} · {len(view.variants) - 1} "
        f"variant{'s' if len(view.variants) > 2 else ''} against {view.baseline} · migsim {__version__}"
    )
    page = Page(title=f"Scenario {scenario}: comparison of variants", subtitle=fmt.text(subtitle), sections=sections)
    return page, baseline, tables

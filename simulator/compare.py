"""Comparing a scenario's variants: ensembles with shared seeds and paired differences.

Every variant runs the same replicate seeds as the baseline, so replicate ``r``
of a variant and replicate ``r`` of the baseline see the same random numbers
wherever the policy does not change what happens.  The difference is computed
replicate by replicate (paired) before taking quantiles: a variant identical to
the baseline differs by exactly zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.atomic import write_csv, write_json, write_parquet
from simulator.bands import DEFAULT_QUANTILES, check_quantiles, quantile_label
from simulator.ensemble import (
    EnsembleBuilder,
    EnsembleResult,
    as_scenario,
    partial_folder,
    publish,
    replicate_seeds,
)
from simulator.errors import MigsimError, suggestion
from simulator.indicators import check_indicators
from simulator.results import check_output_dir
from simulator.runner import Cluster, RunOutcome, RunSpec, run_many
from simulator.version import __version__

BASELINE = "baseline"
FORMAT = "migsim-comparison-1"


@dataclass
class ComparisonResult:
    """The comparison table, each variant's ensemble, and what was compared."""

    table: pd.DataFrame
    ensembles: dict[str, EnsembleResult]
    record: dict[str, Any]
    folder: Path | None = None

    def difference(self, variant: str, indicator: str, key: str = "all", date: str | dt.date | None = None) -> pd.DataFrame:
        """Rows of the table for one variant, indicator and key (and date)."""
        t = self.table
        rows = t[(t["variant"] == variant) & (t["indicator"] == indicator) & (t["key"] == key)]
        if date is not None:
            rows = rows[rows["date"] == pd.Timestamp(date)]
        return rows.reset_index(drop=True)


def choose_variants(scenario, names: Sequence[str] | None) -> list[str]:
    """The variants to compare with the baseline (default: all the scenario's)."""
    if BASELINE in scenario.variants:
        raise MigsimError(f"{scenario.source}: a variant may not be called '{BASELINE}' (the base scenario is)")
    if names is None:
        chosen = list(scenario.variants)
    else:
        chosen = [n for n in names if n != BASELINE]
        for name in chosen:
            if name not in scenario.variants:
                known = ", ".join(scenario.variants) or "none"
                raise MigsimError(f"unknown variant '{name}'{suggestion(name, scenario.variants)} (variants: {known})")
    if not chosen:
        raise MigsimError(f"{scenario.source or scenario.name}: the scenario has no variants to compare")
    return chosen


def default_dates(start: dt.date, days: int) -> list[dt.date]:
    """The last day of every month the run covers, and the run's last day."""
    last = start + dt.timedelta(days=days - 1)
    dates = []
    month = dt.date(start.year, start.month, 1)
    while month <= last:
        following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        end = following - dt.timedelta(days=1)
        if start <= end < last:
            dates.append(end)
        month = following
    return dates + [last]


def check_dates(dates: Sequence[dt.date | str], start: dt.date, days: int) -> list[dt.date]:
    """Dates as ``date`` objects, each within the run."""
    last = start + dt.timedelta(days=days - 1)
    out = []
    for value in dates:
        try:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError:
            raise MigsimError(f"date '{value}' is not YYYY-MM-DD") from None
        if not start <= day <= last:
            raise MigsimError(f"date {day} is outside the run ({start} to {last})")
        out.append(day)
    return sorted(set(out))


def comparison_table(
    ensembles: Mapping[str, EnsembleResult],
    dates: Sequence[dt.date],
    indicators: Sequence[str],
    quantiles: Sequence[float],
) -> pd.DataFrame:
    """Per variant, indicator, key and date: bands of the value and of the paired difference from the baseline."""
    wanted = pd.to_datetime(list(dates))
    frames = []
    for name, ensemble in ensembles.items():
        series = ensemble.indicators
        series = series[series["indicator"].isin(indicators) & series["date"].isin(wanted)]
        frames.append(series.assign(variant=name))
    long = pd.concat(frames, ignore_index=True)
    index = ["indicator", "key", "day", "date", "unit", "replicate"]
    wide = long.pivot_table(index=index, columns="variant", values="value", aggfunc="sum", fill_value=0.0)
    order = list(ensembles)
    wide = wide.reindex(columns=order, fill_value=0.0)
    values = wide.to_numpy(np.float64)
    diffs = values - values[:, [order.index(BASELINE)]]
    rows = wide.index.to_frame(index=False)
    quantiles = check_quantiles(quantiles)
    out = []
    for j, variant in enumerate(order):
        part = rows.assign(value=values[:, j], diff=diffs[:, j])
        grouped = part.groupby(index[:-1], sort=True)
        stats = grouped["value"].mean().rename("mean").to_frame()
        for q in quantiles:
            stats[quantile_label(q)] = grouped["value"].quantile(q)
        stats["diff_mean"] = grouped["diff"].mean()
        for q in quantiles:
            stats[f"diff_{quantile_label(q)}"] = grouped["diff"].quantile(q)
        out.append(stats.reset_index().assign(variant=variant))
    table = pd.concat(out, ignore_index=True)
    first = ["variant", "indicator", "key", "day", "date", "unit"]
    return table[first + [c for c in table.columns if c not in first]]


def compare_variants(
    scenario=None,
    *,
    variants: Sequence[str] | None = None,
    replicates: int = 20,
    seed: int | None = None,
    scale: int | None = None,
    days: int | None = None,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
    dates: Sequence[dt.date | str] | None = None,
    indicators: Sequence[str] | None = None,
    out: str | Path | None = None,
    cluster: Cluster | None = None,
    progress: Callable[[RunSpec, RunOutcome], Any] | None = None,
) -> ComparisonResult:
    """Run the baseline and each variant with the same replicate seeds and compare them.

    Returns a :class:`ComparisonResult` whose ``table`` has, per variant,
    indicator, key and date, the mean and quantiles of the indicator and of the
    paired difference from the baseline.  With ``out``, writes the comparison
    folder (see ``docs/results-layout.md``).
    """
    base = as_scenario(scenario)
    chosen = choose_variants(base, variants)
    indicators = check_indicators(indicators)
    quantiles = check_quantiles(quantiles)
    seeds = replicate_seeds(base.seed if seed is None else seed, replicates)
    n_days = base.days if days is None else int(days)
    dates = check_dates(dates, base.start_date, n_days) if dates else default_dates(base.start_date, n_days)
    out_path = Path(out) if out is not None else None
    partial = None
    if out_path is not None:
        check_output_dir(out_path)
        partial = partial_folder(out_path)
        (partial / "variants").mkdir(parents=True, exist_ok=True)
    builders = {
        name: EnsembleBuilder(
            base.with_variant(None if name == BASELINE else name),
            seeds,
            variant=None if name == BASELINE else name,
            scale=scale,
            days=days,
            quantiles=quantiles,
            folder=partial / "variants" / name if partial is not None else None,
            label=name,
        )
        for name in [BASELINE, *chosen]
    }

    def done(spec: RunSpec, outcome: RunOutcome) -> None:
        builders[spec.run_id.split("/", 1)[0]].add(spec, outcome)
        if progress is not None:
            progress(spec, outcome)

    run_many(base, [s for b in builders.values() for s in b.specs()], done, cluster)
    ensembles = {name: builder.finish() for name, builder in builders.items()}
    table = comparison_table(ensembles, dates, indicators, quantiles)
    record = {
        "format": FORMAT,
        "scenario": ensembles[BASELINE].record["scenario"],
        "baseline": BASELINE,
        "variants": chosen,
        "descriptions": {name: base.variants[name].description for name in chosen},
        "replicates": replicates,
        "seeds": seeds,
        "scale_persons_per_agent": builders[BASELINE].scale,
        "days": n_days,
        "quantiles": list(quantiles),
        "indicators": list(indicators),
        "dates": [d.isoformat() for d in dates],
        "migsim_version": __version__,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    result = ComparisonResult(table, ensembles, record)
    if partial is not None:
        write_parquet(partial / "comparison.parquet", table)
        write_csv(partial / "comparison.csv", table)
        from simulator.compare_plots import write_comparison_plots

        write_comparison_plots(result, partial)
        write_json(partial / "comparison.json", record)
        result.folder = publish(partial, out_path)
        for name, ensemble in ensembles.items():
            ensemble.folder = result.folder / "variants" / name
    return result


def format_comparison(result: ComparisonResult) -> str:
    """The totals at the last date: each variant's median and band, and its paired difference from the baseline."""
    from simulator.band_plots import band_labels, band_text
    from simulator.indicators import ALL, INDICATORS

    low, high = band_labels(result.record["quantiles"])
    table = result.table
    last = table[(table["key"] == ALL) & (table["date"] == table["date"].max())]
    lines = [
        f"Totals on {last['date'].max():%d %B %Y}: median [{band_text(low, high)}], "
        f"and the paired difference from the baseline ({result.record['replicates']} replicates per variant)"
    ]
    for indicator, rows in last.groupby("indicator", sort=False):
        lines.append(f"  {INDICATORS[indicator].label} ({INDICATORS[indicator].unit})")
        for row in rows.itertuples():
            value = f"{row.p50:,.0f} [{getattr(row, low):,.0f} – {getattr(row, high):,.0f}]"
            diff = (
                ""
                if row.variant == BASELINE
                else (
                    f"   difference {row.diff_p50:+,.0f} [{getattr(row, 'diff_' + low):+,.0f} – {getattr(row, 'diff_' + high):+,.0f}]"
                )
            )
            lines.append(f"    {row.variant:<24} {value}{diff}")
    return "\n".join(lines)

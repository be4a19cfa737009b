"""``migsim sweep-report``: one table of all runs, sensitivity indices and plots of a sweep folder."""

from __future__ import annotations

from pathlib import Path

NAME = "sweep-report"
HELP = "collect a sweep folder's runs into one table, with sensitivity indices and plots"


def add_arguments(parser) -> None:
    """Arguments of ``migsim sweep-report``."""
    parser.add_argument("folder", type=Path, help="sweep folder written by migsim sweep")
    parser.add_argument("--out", type=Path, help="where to write the tables and plots (default: FOLDER/report)")


def run(args) -> int:
    """Write the sweep's tables and plots and print the largest sensitivity indices."""
    import pandas as pd

    from simulator.sweep.analysis import sweep_report

    report = sweep_report(args.folder, args.out)
    print(f"{len(report.runs)} runs, {len(report.failed)} failed; tables and plots in {report.folder}")
    if not report.sensitivity.empty:
        for indicator, rows in report.sensitivity.groupby("indicator", sort=False):
            index = next(i for i in ("ST", "delta", "rho") if (rows["index"] == i).any())
            ranked = rows[rows["index"] == index].sort_values("value", ascending=False, key=abs)
            parts = ", ".join(
                f"{r.parameter} {r.value:+.2f}" + ("" if pd.isna(r.confidence) else f"±{r.confidence:.2f}")
                for r in ranked.itertuples()
            )
            print(f"  {indicator} ({index}): {parts}")
    return 0

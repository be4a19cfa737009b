"""``migsim compare``: the baseline and named variants, same seeds, paired differences with bands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from simulator.commands.options import (
    add_cluster_arguments,
    cluster_from_args,
    fraction_list,
    name_list,
    positive_int,
    progress_callback,
    seed,
    write_report_unless,
)

NAME = "compare"
HELP = "compare a scenario's variants with its baseline (replicates with shared seeds)"


def add_arguments(parser) -> None:
    """Arguments of ``migsim compare``."""
    parser.add_argument("scenario", nargs="?", help="scenario YAML file with variants (default: the embedded scenario)")
    parser.add_argument("--variants", type=name_list, help="comma-separated variant names (default: all the scenario's)")
    parser.add_argument("--replicates", type=positive_int, default=20, help="replicates per variant (default: 20)")
    parser.add_argument("--seed", type=seed, help="base seed (default: the scenario's)")
    parser.add_argument("--scale", type=positive_int, help="persons per agent (default: the scenario's)")
    parser.add_argument("--days", type=positive_int, help="days to simulate (default: the scenario's)")
    parser.add_argument(
        "--dates", type=name_list, help="dates to report, YYYY-MM-DD,... (default: each month's end and the last day)"
    )
    parser.add_argument("--indicators", type=name_list, help="indicators to compare (default: all)")
    parser.add_argument("--quantiles", type=fraction_list, default=[0.1, 0.5, 0.9], help="band quantiles (default: 0.1,0.5,0.9)")
    parser.add_argument("--out", type=Path, help="comparison folder (default: runs/NAME-compare-TIMESTAMP)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no table")
    parser.add_argument("--no-report", action="store_true", help="do not write report.html and exports/ into the folder")
    add_cluster_arguments(parser)


def run(args) -> int:
    """Run the comparison, print the paired differences at the last date, write the folder."""
    from simulator.compare import choose_variants, compare_variants, format_comparison
    from simulator.ensemble import as_scenario
    from simulator.results import check_output_dir

    scenario = as_scenario(args.scenario)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = args.out or Path("runs") / f"{scenario.name}-compare-{stamp}"
    check_output_dir(out)
    variants = choose_variants(scenario, args.variants)
    update, close = progress_callback((len(variants) + 1) * args.replicates, f"{scenario.name}: compare", args.quiet)
    try:
        result = compare_variants(
            scenario,
            variants=variants,
            replicates=args.replicates,
            seed=args.seed,
            scale=args.scale,
            days=args.days,
            quantiles=args.quantiles,
            dates=args.dates,
            indicators=args.indicators,
            out=out,
            cluster=cluster_from_args(args),
            progress=update,
        )
    finally:
        close()
    if not args.quiet:
        print(format_comparison(result))
    print(f"comparison written to {out}")
    write_report_unless(args, out)
    return 0

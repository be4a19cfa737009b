"""``migsim validate``: score a results folder against the observed series it carries."""

from __future__ import annotations

import math
from pathlib import Path

NAME = "validate"
HELP = "score a run against its observed series (Flee's errors and MAPE); writes validation.csv and validation.png"


def add_arguments(parser) -> None:
    """Arguments of ``migsim validate``."""
    parser.add_argument("results", type=Path, metavar="RESULTS_DIR", help="a results folder of migsim run")


def run(args) -> int:
    """Score, write validation.csv and validation.png, print the table and the totals."""
    from simulator.scoring import score_results, write_validation

    scores = score_results(args.results)
    written = write_validation(scores, args.results)
    record = scores.record
    table = scores.table
    print(
        f"{args.results}: {record.get('scenario', {}).get('name', '?')}, {record.get('ruleset', 'engine')} ruleset, "
        f"seed {record.get('seed')}, {len(scores.simulated)} days, {len(table) - 1} observed locations"
    )
    width = max(len(str(c)) for c in table["location"])
    print(f"  {'location':<{width}}  flee error  MAPE %  normal error  observed  simulated (last day)")
    for row in table.itertuples():
        mape = "-" if math.isnan(row.mape_percent) else f"{row.mape_percent:.1f}"
        print(
            f"  {row.location:<{width}}  {row.flee_error:10.4f}  {mape:>6}  {row.normal_error:12.4f}  "
            f"{row.observed_last_day:8,}  {row.simulated_last_day:9,}"
        )
    totals = scores.totals
    print(
        f"total error (Flee: mean over days of sum|sim-data|/raw): {totals['total_error']:.4f}; "
        f"FabFlee errors: normal {totals['normal_error']:.4f}, rescaled {totals['rescaled_error']:.4f}"
    )
    print("wrote " + ", ".join(str(p) for p in written))
    return 0

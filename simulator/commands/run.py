"""``migsim run``: run a scenario, print its summary, write its results folder."""

from __future__ import annotations

import datetime as dt
import gc
import sys
from pathlib import Path

from simulator.commands.options import positive_int, seed

NAME = "run"
HELP = "run a scenario (default: the embedded Venezuelan scenario)"


def add_arguments(parser) -> None:
    """Arguments of ``migsim run``."""
    parser.add_argument("scenario", nargs="?", help="scenario YAML file (default: scenarios/venezuela_2024.yaml)")
    parser.add_argument("--days", type=positive_int, help="days to simulate (default: the scenario's)")
    parser.add_argument("--seed", type=seed, help="random seed (default: the scenario's)")
    parser.add_argument("--scale", type=positive_int, help="persons per agent (default: the scenario's, usually 1)")
    parser.add_argument("--out", type=Path, help="results folder (default: runs/NAME-seedS-scaleK-TIMESTAMP)")
    parser.add_argument("--variant", help="run one of the scenario's named variants instead of the base")
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no summary table")
    parser.add_argument(
        "--no-campaign-effects",
        action="store_true",
        help="skip measuring each campaign's effect (one more run per campaign, without it, same seed)",
    )


def default_out(name: str, seed_value: int, scale: int) -> Path:
    """``runs/NAME-seedS-scaleK-TIMESTAMP`` in the current folder."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("runs") / f"{name}-seed{seed_value}-scale{scale}-{stamp}"


def run(args) -> int:
    """Run a scenario, print its summary and write its results folder."""
    from simulator.api import run_model
    from simulator.model import MigrationModel
    from simulator.results import check_output_dir
    from simulator.scenario import load_scenario
    from simulator.summary_table import format_summary

    scenario = load_scenario(args.scenario).with_variant(args.variant)
    seed_value = scenario.seed if args.seed is None else args.seed
    scale = scenario.scale if args.scale is None else args.scale
    label = scenario.name if args.variant is None else f"{scenario.name}-{args.variant}"
    out = args.out or default_out(label, seed_value, scale)
    check_output_dir(out)
    model = MigrationModel(scenario=scenario, seed=seed_value, scale=scale, days=args.days)
    bar = None
    if not args.quiet:
        from tqdm import tqdm

        bar = tqdm(total=model.days, unit="day", desc=f"{scenario.name} ({model.population.size:,} agents)", file=sys.stderr)
    try:
        result = run_model(model, bar.update if bar is not None else None)
    finally:
        if bar is not None:
            bar.close()
    if not args.no_campaign_effects:
        from simulator.campaign_effects import campaign_effects

        result.tables["campaign_effects"] = campaign_effects(model, result.tables)
    # Writing the results needs none of the agents: free them first, so writing does not add to the peak memory.
    del model
    gc.collect()
    result.write(out)
    if not args.quiet:
        from simulator.campaign_effects import format_campaign_effects

        print(format_summary(result))
        if "campaign_effects" in result.tables:
            print(format_campaign_effects(result.tables["campaign_effects"]))
    print(f"results written to {out}")
    return 0

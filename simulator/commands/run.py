"""``migsim run``: run a scenario, print its summary, write its results folder."""

from __future__ import annotations

import datetime as dt
import gc
import sys
from pathlib import Path

from simulator.commands.options import (
    add_cluster_arguments,
    cluster_from_args,
    fraction_list,
    positive_int,
    progress_callback,
    seed,
    write_report_unless,
)
from simulator.rulesets import RULESETS

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
    parser.add_argument(
        "--ruleset",
        choices=RULESETS,
        help="behaviour rules: engine (migsim's own) or flee (Flee 3's default rules); default: the scenario's, else engine",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no summary table")
    parser.add_argument(
        "--no-campaign-effects",
        action="store_true",
        help="skip measuring each campaign's effect (one more run per campaign, without it, same seed)",
    )
    parser.add_argument(
        "--replicates", type=positive_int, help="run N replicates with derived seeds and write median and bands (an ensemble)"
    )
    parser.add_argument(
        "--quantiles", type=fraction_list, default=[0.1, 0.5, 0.9], help="quantiles of the bands (default: 0.1,0.5,0.9)"
    )
    add_cluster_arguments(parser)
    parser.add_argument("--no-report", action="store_true", help="do not write report.html and exports/ into the results folder")


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

    base = load_scenario(args.scenario)
    scenario = base.with_variant(args.variant)
    seed_value = scenario.seed if args.seed is None else args.seed
    scale = scenario.scale if args.scale is None else args.scale
    label = scenario.name if args.variant is None else f"{scenario.name}-{args.variant}"
    if args.replicates:
        return run_replicates(args, base, label, seed_value, scale)
    out = args.out or default_out(label, seed_value, scale)
    check_output_dir(out)
    model = MigrationModel(scenario=scenario, seed=seed_value, scale=scale, days=args.days, ruleset=args.ruleset)
    for warning in getattr(model.ruleset, "warnings", []):
        print(f"migsim: warning: {warning}", file=sys.stderr)
    bar = None
    if not args.quiet:
        from tqdm import tqdm

        desc = f"{scenario.name} ({model.population.size:,} agents, {model.ruleset_name} ruleset)"
        bar = tqdm(total=model.days, unit="day", desc=desc, file=sys.stderr)
    try:
        result = run_model(model, bar.update if bar is not None else None)
    finally:
        if bar is not None:
            bar.close()
    if not args.no_campaign_effects and model.ruleset is None:  # other rulesets have no information model
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
    write_report_unless(args, out)
    return 0


def run_replicates(args, scenario, label: str, seed_value: int, scale: int) -> int:
    """``--replicates N``: an ensemble folder with each replicate and the bands over them."""
    from simulator.ensemble import format_ensemble_summary, run_ensemble
    from simulator.results import check_output_dir

    out = args.out or default_out(f"{label}-x{args.replicates}", seed_value, scale)
    check_output_dir(out)
    update, close = progress_callback(args.replicates, f"{label}: replicates", args.quiet)
    try:
        result = run_ensemble(
            scenario,
            variant=args.variant,
            replicates=args.replicates,
            seed=seed_value,
            scale=scale,
            days=args.days,
            quantiles=args.quantiles,
            out=out,
            cluster=cluster_from_args(args),
            progress=update,
            ruleset=args.ruleset,
        )
    finally:
        close()
    if not args.quiet:
        print(format_ensemble_summary(result))
    print(f"results written to {out}")
    write_report_unless(args, out)
    return 0

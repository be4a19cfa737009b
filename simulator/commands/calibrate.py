"""``migsim calibrate``: fit behaviour parameters to survey marginals, stocks and flows; resumable; writes a report."""

from __future__ import annotations

import sys
from pathlib import Path

from simulator.commands.options import add_cluster_arguments, cluster_from_args, positive_int

NAME = "calibrate"
HELP = "fit behaviour parameters to survey marginals, stocks and flows (differential evolution, then ABC); resumable"


def add_arguments(parser) -> None:
    """Arguments of ``migsim calibrate``."""
    parser.add_argument("scenario", help="scenario YAML file")
    parser.add_argument("--targets", required=True, type=Path, help="targets YAML file (parameters, marginals, stocks, flows)")
    parser.add_argument(
        "--out", type=Path, help="calibration folder (default: calibrations/NAME); an interrupted one resumes there"
    )
    parser.add_argument("--scale", type=positive_int, help="persons per agent (default: the targets file's, else the scenario's)")
    parser.add_argument("--days", type=positive_int, help="days to simulate (default: the targets file's, else the scenario's)")
    parser.add_argument("--replicates", type=positive_int, help="runs per point of the optimiser (common random numbers)")
    parser.add_argument("--generations", type=int, help="generations of differential evolution after the first")
    parser.add_argument(
        "--population", type=positive_int, help="points per parameter in each generation of differential evolution"
    )
    parser.add_argument("--particles", type=positive_int, help="ABC particles per generation")
    parser.add_argument("--abc-generations", type=positive_int, help="ABC generations (at most)")
    parser.add_argument("--final-replicates", type=positive_int, help="replicates at the best point for the report")
    parser.add_argument(
        "--hold-out",
        action="append",
        default=[],
        metavar="PATTERN",
        help="score but do not fit the targets whose id matches (repeatable)",
    )
    parser.add_argument("--serial", action="store_true", help="run in this process, one run after another (no Dask)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    add_cluster_arguments(parser, workers_default="one per core", threads_default="1: calibration runs are small")


def run(args) -> int:
    """Calibrate, print the fit and where the report is."""
    from calibration.run import calibrate
    from simulator.errors import MigsimError
    from simulator.runner import Cluster
    from simulator.sweep.run import default_workers

    if args.generations is not None and args.generations < 0:
        raise MigsimError(f"--generations must be 0 or more (got {args.generations})")
    cluster = (
        Cluster(numba_threads=args.numba_threads) if args.serial else cluster_from_args(args, default_workers=default_workers())
    )
    optimiser = {k: v for k, v in (("generations", args.generations), ("population", args.population)) if v is not None}
    abc = {k: v for k, v in (("particles", args.particles), ("generations", args.abc_generations)) if v is not None}
    overrides = {
        "scale": args.scale,
        "days": args.days,
        "replicates": args.replicates,
        "final_replicates": args.final_replicates,
        "optimiser": optimiser or None,
        "abc": abc or None,
    }

    def generation(info: dict) -> None:
        if args.quiet:
            return
        how = f"{info['runs']} runs in {info['seconds']:.1f} s" if info["runs"] else "read from disk"
        print(f"{info['stage']:>4} generation {info['generation']}: {info['points']} points, {how}", file=sys.stderr, flush=True)

    result = calibrate(
        args.scenario,
        args.targets,
        out=args.out,
        cluster=cluster,
        overrides=overrides,
        held_out=args.hold_out,
        on_generation=generation,
    )
    print(format_result(result))
    return 0


def format_result(result) -> str:
    """The fit in a few lines: parameters, targets with verdicts, errors, cost, report."""
    s = result.summary
    lines = [f"Calibration '{result.targets.name}' of {s['scenario']} at {s['scale_persons_per_agent']:,} persons per agent"]
    lines.append("Parameters: best point; posterior mean and 90% interval")
    for row in result.parameters.itertuples():
        lines.append(
            f"  {row.parameter:<55} {row.best:>11.4g}   {row.posterior_mean:.4g} [{row.p05:.4g}, {row.p95:.4g}] {row.unit}"
        )
    lines.append("Targets: observed, simulated at the best point [posterior 5-95%], z, verdict")
    for row in result.target_table.itertuples():
        label = f"{row.target} [{row.category}]" if row.category else row.target
        share = row.kind == "marginal"
        fmt = (lambda v: f"{v:.3f}") if share else (lambda v: f"{v:,.0f}")
        held = " (held out)" if row.held_out else ""
        lines.append(
            f"  {label[:60]:<60} {fmt(row.observed):>10} {fmt(row.simulated):>10} "
            f"[{fmt(row.simulated_p05)}, {fmt(row.simulated_p95)}] z {row.z:+.1f} {row.verdict}{held}"
        )
    fit, held = s["fit"], s["held_out"]
    lines.append(f"Fit: {fit['targets']} targets, mean |z| {fit['mean_abs_z']:.2f}, deviance {fit['deviance']:.1f}")
    if held["targets"]:
        lines.append(f"Held out: {held['targets']} targets, mean |z| {held['mean_abs_z']:.2f}, deviance {held['deviance']:.1f}")
    lines.append(
        f"Runs used {s['runs_used']} (done {s['runs_done']} in {s['sessions']} session(s)), wall time {s['wall_seconds_total']:,.0f} s; "
        f"report {result.folder / 'report' / 'index.html'}"
    )
    return "\n".join(lines)

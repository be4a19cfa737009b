"""The ``migsim`` command line: ``run`` and ``check``.

User errors print one line and exit with status 2; nothing is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

EXIT_USER_ERROR = 2


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"must be between 0 and 2**63-1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``migsim`` command."""
    from simulator.version import __version__

    parser = argparse.ArgumentParser(prog="migsim", description="Agent-based migration crisis simulator.")
    parser.add_argument("--version", action="version", version=f"migsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run a scenario (default: the embedded Venezuelan scenario)")
    run.add_argument("scenario", nargs="?", help="scenario YAML file (default: scenarios/venezuela_2024.yaml)")
    run.add_argument("--days", type=_positive_int, help="days to simulate (default: the scenario's)")
    run.add_argument("--seed", type=_seed, help="random seed (default: the scenario's)")
    run.add_argument("--scale", type=_positive_int, help="persons per agent (default: the scenario's, usually 1)")
    run.add_argument("--out", type=Path, help="results folder (default: runs/NAME-seedS-scaleK-TIMESTAMP)")
    run.add_argument("--quiet", action="store_true", help="no progress bar and no summary table")

    check = sub.add_parser("check", help="validate a scenario without running it")
    check.add_argument("scenario", nargs="?", help="scenario YAML file (default: the embedded scenario)")
    return parser


def _default_out(name: str, seed: int, scale: int) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("runs") / f"{name}-seed{seed}-scale{scale}-{stamp}"


def cmd_check(args) -> int:
    """Validate a scenario and print what it holds."""
    from simulator.scenario import load_scenario

    sc = load_scenario(args.scenario)
    stock = sum(sc.stocks.values())
    print(
        f"{sc.source}: OK — '{sc.name}', {sc.start_date} to {sc.end_date} ({sc.days} days), "
        f"{len(sc.nodes)} nodes, {len(sc.links)} links, {stock:,} persons in initial stocks, "
        f"{len(sc.departures)} origins, {len(sc.events)} events"
    )
    return 0


def cmd_run(args) -> int:
    """Run a scenario, print its summary and write its results folder."""
    from simulator.api import run_model
    from simulator.model import MigrationModel
    from simulator.results import check_output_dir
    from simulator.scenario import load_scenario
    from simulator.summary_table import format_summary

    scenario = load_scenario(args.scenario)
    seed = scenario.seed if args.seed is None else args.seed
    scale = scenario.scale if args.scale is None else args.scale
    out = args.out or _default_out(scenario.name, seed, scale)
    check_output_dir(out)
    model = MigrationModel(scenario=scenario, seed=seed, scale=scale, days=args.days)
    progress = None
    bar = None
    if not args.quiet:
        from tqdm import tqdm

        bar = tqdm(total=model.days, unit="day", desc=f"{scenario.name} ({model.population.size:,} agents)", file=sys.stderr)
        progress = bar.update
    try:
        result = run_model(model, progress)
    finally:
        if bar is not None:
            bar.close()
    result.write(out)
    if not args.quiet:
        print(format_summary(result))
    print(f"results written to {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``migsim`` console script."""
    from simulator.errors import MigsimError

    parser = build_parser()
    args = parser.parse_args(argv)
    commands = {"run": cmd_run, "check": cmd_check}
    try:
        return commands[args.command](args)
    except MigsimError as exc:
        print(f"migsim: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("migsim: interrupted; nothing was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

"""``migsim check``: validate a scenario without running it."""

from __future__ import annotations

NAME = "check"
HELP = "validate a scenario without running it"


def add_arguments(parser) -> None:
    """Arguments of ``migsim check``."""
    parser.add_argument("scenario", nargs="?", help="scenario YAML file (default: the embedded scenario)")


def run(args) -> int:
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

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
        f"{len(sc.departures)} origins, {len(sc.events)} events, {len(sc.surveys)} surveys"
    )
    print(population_fit_text(sc))
    return 0


def population_fit_text(sc) -> str:
    """How well population synthesis matches every profile's marginals (raking residuals above 1e-6)."""
    from simulator.graph import compile_graph
    from simulator.synthesis import compile_population

    profiles = compile_population(sc, compile_graph(sc, sc.parameters["movement"]))
    lines = [f"population synthesis: {len(profiles.fits)} profile(s), largest raking residual {profiles.max_residual:.2g}"]
    for row in profiles.fit_rows():
        if abs(row["residual"]) > 1e-6:
            lines.append(
                f"  profile {row['profile']} ({row['nodes']}): {row['variable']} = {row['category']}: "
                f"target {row['target']:.4f}, fitted {row['fitted']:.4f} ({row['residual']:+.4f}) {row['source']}".rstrip()
            )
    return "\n".join(lines)

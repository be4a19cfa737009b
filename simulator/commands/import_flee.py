"""``migsim import-flee``: convert a Flee case folder into a migsim scenario with its observed series."""

from __future__ import annotations

import sys
from pathlib import Path

from simulator.commands.options import positive_int

NAME = "import-flee"
HELP = "import a Flee case (locations, routes, closures, conflicts, validation data) as a migsim scenario"


def add_arguments(parser) -> None:
    """Arguments of ``migsim import-flee``."""
    parser.add_argument("input_dir", type=Path, metavar="INPUT_DIR", help="Flee input folder (locations.csv, routes.csv, ...)")
    parser.add_argument("--validation", type=Path, metavar="DIR", help="Flee validation folder (data_layout.csv and series)")
    parser.add_argument(
        "--settings",
        type=Path,
        metavar="simsetting.yml",
        help="Flee settings (default: INPUT_DIR/simsetting.yml if present, else Flee's default settings)",
    )
    parser.add_argument("-o", "--out", type=Path, required=True, metavar="scenario.yaml", help="scenario file to write")
    parser.add_argument("--days", type=positive_int, help="days to simulate (default: sim_period.csv's Length)")
    parser.add_argument("--name", help="scenario name (default: the output file's name)")
    parser.add_argument("--force", action="store_true", help="replace an existing scenario file and its folder")


def run(args) -> int:
    """Import, print every warning, then what was written."""
    from simulator.flee.importer import import_flee

    result = import_flee(
        args.input_dir,
        args.out,
        validation=args.validation,
        settings=args.settings,
        days=args.days,
        name=args.name,
        force=args.force,
    )
    for note in result.notes:
        print(f"migsim: warning: {note}", file=sys.stderr)
    s = result.summary
    print(
        f"{result.path}: {s['locations']} locations, {s['links']} links, {s['events']} events, "
        f"{s['observed_series']} observed series, {s['days']} days, spawning {s['spawning']}; "
        f"settings: {result.settings_source}; {len(result.notes)} warnings"
    )
    print(f"run it with: migsim run {result.path} --ruleset flee")
    return 0

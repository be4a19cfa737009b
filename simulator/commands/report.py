"""``migsim report``: the HTML report of a results folder, with GIS and CSV exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

NAME = "report"
HELP = "write the HTML report of a results folder (a run, an ensemble or a comparison)"


def iso_dates(text: str) -> list[dt.date]:
    """Comma-separated ISO dates (``2024-09-01,2024-12-01``)."""
    import argparse

    try:
        return [dt.date.fromisoformat(part.strip()) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected dates like 2024-09-01,2024-12-01, got {text!r}") from None


def add_arguments(parser) -> None:
    """Arguments of ``migsim report``."""
    parser.add_argument("results", type=Path, help="results folder written by migsim run or migsim compare")
    parser.add_argument("-o", "--out", type=Path, help="HTML file to write (default: RESULTS/report.html)")
    parser.add_argument(
        "--dates", type=iso_dates, help="map and export dates, e.g. 2024-09-01,2024-12-01 (default: three over the run)"
    )
    parser.add_argument(
        "--exports", type=Path, help="folder for nodes.geojson, links.geojson and CSV files (default: beside the report)"
    )


def run(args) -> int:
    """Write the report and say where it is."""
    from simulator.report import write_report

    out = write_report(args.results, args.out, map_dates=args.dates, exports=args.exports)
    print(f"report written to {out}")
    return 0

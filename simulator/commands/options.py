"""Argument types shared by the subcommands."""

from __future__ import annotations

import argparse


def positive_int(text: str) -> int:
    """A whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def seed(text: str) -> int:
    """A seed in 0 .. 2**63-1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"must be between 0 and 2**63-1, got {value}")
    return value


def fraction_list(text: str) -> list[float]:
    """Comma-separated numbers strictly between 0 and 1 (quantiles)."""
    values = []
    for part in text.split(","):
        try:
            value = float(part)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected numbers like 0.1,0.5,0.9, got {part!r}") from None
        if not 0.0 < value < 1.0:
            raise argparse.ArgumentTypeError(f"quantiles must be between 0 and 1 exclusive, got {value}")
        values.append(value)
    return values


def name_list(text: str) -> list[str]:
    """Comma-separated names."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected one or more comma-separated names")
    return names


def add_cluster_arguments(
    parser, workers_default: str = "runs one after another here", threads_default: str = "cores / workers"
) -> None:
    """``--workers``, ``--scheduler``, ``--numba-threads``, ``--retries``: where runs go (defaults as the command has them)."""
    group = parser.add_argument_group("where runs go")
    group.add_argument("--workers", type=positive_int, help=f"local Dask worker processes (default: {workers_default})")
    group.add_argument("--scheduler", help="address of an existing Dask scheduler, e.g. tcp://10.0.0.5:8786")
    group.add_argument("--numba-threads", type=positive_int, help=f"Numba threads per run (default: {threads_default})")
    group.add_argument("--retries", type=int, default=2, help="resubmissions of a run whose worker died (default: 2)")


def cluster_from_args(args, default_workers: int | None = None):
    """The :class:`~simulator.runner.Cluster` the arguments ask for."""
    from simulator.runner import Cluster

    workers = args.workers if args.workers is not None else (None if args.scheduler else default_workers)
    return Cluster(workers=workers, scheduler=args.scheduler, numba_threads=args.numba_threads, retries=max(0, args.retries))


def progress_callback(total: int, desc: str, quiet: bool):
    """A tqdm bar counting finished runs (and failures); returns (callback, close)."""
    if quiet or total == 0:
        return None, lambda: None
    import sys

    from tqdm import tqdm

    bar = tqdm(total=total, unit="run", desc=desc, file=sys.stderr)
    failed = [0]

    def update(spec, outcome) -> None:
        if not outcome.ok:
            failed[0] += 1
            bar.set_postfix(failed=failed[0])
        bar.update(1)

    return update, bar.close


def write_report_unless(args, out) -> None:
    """Write ``report.html`` into the results folder ``out`` unless ``--no-report`` was given."""
    if not args.no_report:
        from simulator.report import write_report

        print(f"report written to {write_report(out)}")

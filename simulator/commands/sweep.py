"""``migsim sweep``: run a parameter sweep on a local Dask cluster or an existing one, resumably."""

from __future__ import annotations

from pathlib import Path

from simulator.commands.options import add_cluster_arguments, cluster_from_args

NAME = "sweep"
HELP = "run a parameter sweep (grid, Latin hypercube, Sobol, Saltelli) on Dask; resumes what is missing"


def add_arguments(parser) -> None:
    """Arguments of ``migsim sweep``."""
    parser.add_argument("sweep", help="sweep YAML file")
    parser.add_argument("--out", type=Path, help="sweep folder (default: sweeps/NAME); an interrupted sweep resumes there")
    parser.add_argument("--retry-failed", action="store_true", help="run again the runs recorded as failed")
    parser.add_argument("--serial", action="store_true", help="run in this process, one run after another (no Dask)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_cluster_arguments(parser, workers_default="one per core")


def run(args) -> int:
    """Run the sweep's missing runs and print how it stands."""
    import sys

    from simulator.runner import Cluster
    from simulator.sweep.run import default_workers, run_sweep

    if args.serial:
        cluster = Cluster(numba_threads=args.numba_threads)
    else:
        cluster = cluster_from_args(args, default_workers=default_workers())
    bar = None

    def start(total: int, already: int) -> None:
        nonlocal bar
        if args.quiet:
            return
        from tqdm import tqdm

        bar = tqdm(total=total, initial=already, unit="run", desc="sweep", file=sys.stderr)

    failed = 0

    def update(spec, outcome) -> None:
        nonlocal failed
        if bar is None:
            return
        failed += 0 if outcome.ok else 1
        bar.set_postfix(failed=failed)
        bar.update(1)

    try:
        status = run_sweep(args.sweep, args.out, cluster=cluster, retry_failed=args.retry_failed, progress=update, on_start=start)
    finally:
        if bar is not None:
            bar.close()
    rate = status.ran_now / status.seconds * 60 if status.seconds > 0 else 0.0
    print(
        f"{status.done} of {status.total} runs done, {status.failed} failed, {status.missing} missing "
        f"({status.ran_now} run now in {status.seconds:,.1f} s, {rate:,.1f} runs per minute); folder {status.folder}"
    )
    if status.failed:
        print(f"failed runs are listed in {status.folder / 'failed'}; rerun them with --retry-failed")
    return 0

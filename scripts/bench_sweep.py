"""Runs per minute of a sweep of the default scenario: serial in one process against local Dask workers.

    python scripts/bench_sweep.py [--scale 1000] [--days 180] [--samples 16] [--workers 2]

Prints a small table (and writes it as JSON with ``--out``): wall time and runs
per minute serially (one process, Numba on every core, and on one thread) and on N local Dask
workers (one Numba thread each), the cluster's start-up time (worker processes
started and their compiled kernels loaded from Numba's cache), and the overhead
per run of the Dask path once started (worker time not spent inside runs, per run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.runner import Cluster  # noqa: E402
from simulator.sweep.run import run_sweep  # noqa: E402


def sweep_file(folder: Path, scale: int, days: int, samples: int) -> Path:
    data = {
        "name": "bench",
        "scenario": str(ROOT / "scenarios" / "venezuela_2024.yaml"),
        "scale": scale,
        "days": days,
        "replicates": 1,
        "design": {"kind": "lhs", "samples": samples, "seed": 1},
        "parameters": {
            "movement.stock_weight": {"low": 0.1, "high": 1.0},
            "crossings.irregular_crossing_probability_per_day": {"low": 0.2, "high": 0.9},
        },
        "indicators": ["arrivals", "irregular_crossings", "waiting:max"],
    }
    path = folder / "sweep.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _warm_up() -> None:
    """Load migsim and its compiled kernels in a worker (once per worker process)."""
    from simulator.api import run_scenario

    run_scenario(scale=10000, days=2)


def measure(path: Path, out: Path, cluster: Cluster) -> dict:
    inside = []
    started = time.perf_counter()
    status = run_sweep(path, out, cluster=cluster, progress=lambda spec, outcome: inside.append(outcome.wall_seconds))
    wall = time.perf_counter() - started
    return {
        "runs": status.ran_now,
        "failed": status.failed,
        "wall_s": wall,
        "runs_per_minute": status.ran_now / wall * 60,
        "run_s": inside,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--samples", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = sweep_file(tmp, args.scale, args.days, args.samples)
        run_sweep(path, tmp / "warm", cluster=Cluster())  # compile and cache the kernels once
        serial = measure(path, tmp / "serial", Cluster())
        serial_1 = measure(path, tmp / "serial1", Cluster(numba_threads=1))
        from distributed import Client, LocalCluster

        t0 = time.perf_counter()
        local = LocalCluster(n_workers=args.workers, threads_per_worker=1, host="127.0.0.1", dashboard_address=None)
        client = Client(local)
        client.run(_warm_up)
        startup = time.perf_counter() - t0
        dask = measure(
            path,
            tmp / "dask",
            Cluster(scheduler=local.scheduler_address, numba_threads=max(1, (os.cpu_count() or 1) // args.workers)),
        )
        client.close()
        local.close()
    busy = dask["wall_s"] * args.workers
    overhead = max(0.0, busy - sum(dask["run_s"])) / max(1, dask["runs"])
    result = {
        "machine": {
            "cpu": platform.processor() or platform.machine(),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
        },
        "sweep": {"scenario": "venezuela_2024", "scale": args.scale, "days": args.days, "runs": args.samples},
        "serial": {k: v for k, v in serial.items() if k != "run_s"} | {"mean_run_s": sum(serial["run_s"]) / len(serial["run_s"])},
        "serial_one_thread": {k: v for k, v in serial_1.items() if k != "run_s"},
        "dask": {k: v for k, v in dask.items() if k != "run_s"}
        | {"workers": args.workers, "mean_run_s": sum(dask["run_s"]) / len(dask["run_s"])},
        "cluster_startup_s": startup,
        "dask_overhead_per_run_s": overhead,
        "speedup": dask["runs_per_minute"] / serial["runs_per_minute"],
    }
    print(f"sweep of the default scenario, scale {args.scale}, {args.days} days, {args.samples} runs, {os.cpu_count()} cores")
    print(f"  serial, one process   {serial['runs_per_minute']:8.1f} runs/min  (mean run {result['serial']['mean_run_s']:.2f} s)")
    print(f"  serial, 1 Numba thread {serial_1['runs_per_minute']:7.1f} runs/min")
    print(
        f"  Dask, {args.workers} workers      {dask['runs_per_minute']:8.1f} runs/min  (mean run {result['dask']['mean_run_s']:.2f} s)"
    )
    print(f"  speed-up {result['speedup']:.2f}x; cluster start-up {startup:.1f} s; Dask overhead per run {overhead:.2f} s")
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

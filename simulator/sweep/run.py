"""Running a sweep: one Parquet file per run, a manifest, and resuming what is missing.

A sweep folder holds ``sweep.json`` (the manifest: the sweep, its points and
its runs), ``points.csv``, ``runs/RUN.parquet`` for every finished run (written
atomically, so a file is there complete or not at all) and
``failed/RUN.json`` for every run that failed, with its error.  Starting a
sweep again in the same folder runs only the runs that have no file yet (and,
with ``retry_failed``, the failed ones).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.atomic import write_csv, write_json, write_parquet
from simulator.ensemble import as_scenario, replicate_seeds
from simulator.indicators import reduce_series
from simulator.manifest import open_job_folder, write_manifest
from simulator.runner import Cluster, RunOutcome, RunSpec, run_many
from simulator.sweep.design import design_points, point_parameters
from simulator.sweep.spec import Sweep, describe, load_sweep, sweep_error
from simulator.version import __version__

FORMAT = "migsim-sweep-1"


@dataclass
class SweepStatus:
    """How a sweep stands: runs in total, finished, failed, and run in this call."""

    folder: Path
    total: int
    done: int
    failed: int
    ran_now: int
    seconds: float

    @property
    def missing(self) -> int:
        """Runs with neither a result nor a failure record."""
        return self.total - self.done - self.failed


def run_id(point: int, replicate: int) -> str:
    """``run-00012-r001``: point 12, replicate 1."""
    return f"run-{point:05d}-r{replicate:03d}"


def _manifest(sweep: Sweep, scenario, points: pd.DataFrame, seeds: list[int]) -> dict[str, Any]:
    runs = [
        {"run_id": run_id(p, r), "point": p, "replicate": r, "seed": seed}
        for p in range(len(points))
        for r, seed in enumerate(seeds)
    ]
    return {
        "format": FORMAT,
        "identity": sweep.identity(),
        "sweep": describe(sweep),
        "scenario": {"name": scenario.name, "path": scenario.source, "sha256": scenario.sha256},
        "points": points.to_dict(orient="records"),
        "seeds": seeds,
        "runs": runs,
        "migsim_version": __version__,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def open_sweep_folder(folder: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Create the folder and its manifest, or check that an existing one is the same sweep."""
    differs = "other scenario, parameters, design or seeds"
    existing = open_job_folder(folder, "sweep.json", manifest, "sweep", differs)
    if existing is not None:
        return existing
    (folder / "runs").mkdir(exist_ok=True)
    (folder / "failed").mkdir(exist_ok=True)
    write_csv(folder / "points.csv", pd.DataFrame(manifest["points"]).rename_axis("point").reset_index())
    write_manifest(folder, "sweep.json", manifest)
    return manifest


def _at_day(sweep: Sweep, scenario) -> int | None:
    if sweep.at is None:
        return None
    days = sweep.days or scenario.days
    day = (sweep.at - scenario.start_date).days
    if not 0 <= day < days:
        last = scenario.start_date + dt.timedelta(days=days - 1)
        raise sweep_error(sweep, "at", f"{sweep.at} is outside the run ({scenario.start_date} to {last})")
    return day


def run_sweep(
    sweep: Sweep | str | Path,
    out: str | Path | None = None,
    *,
    cluster: Cluster | None = None,
    retry_failed: bool = False,
    progress: Callable[[RunSpec, RunOutcome], Any] | None = None,
    on_start: Callable[[int, int], Any] | None = None,
) -> SweepStatus:
    """Run every missing run of ``sweep`` into ``out`` (default ``sweeps/NAME``).

    ``cluster`` defaults to a local Dask cluster with one worker per core.
    ``on_start(total, already_done)`` is called once the work is known.
    """
    started = time.perf_counter()
    sweep = load_sweep(sweep) if not isinstance(sweep, Sweep) else sweep
    scenario = as_scenario(sweep.scenario_path)
    scenario.with_variant(sweep.variant)  # an unknown variant fails here, before any run
    at_day = _at_day(sweep, scenario)
    points = design_points(sweep)
    seeds = replicate_seeds(scenario.seed if sweep.seed is None else sweep.seed, sweep.replicates)
    folder = Path(out) if out is not None else Path("sweeps") / sweep.name
    manifest = open_sweep_folder(folder, _manifest(sweep, scenario, points, seeds))
    done = {p.stem for p in (folder / "runs").glob("run-*.parquet")}
    failed = {p.stem for p in (folder / "failed").glob("run-*.json")}
    todo = []
    for run in manifest["runs"]:
        rid = run["run_id"]
        if rid in done or (rid in failed and not retry_failed):
            continue
        todo.append(
            RunSpec(
                run_id=rid,
                seed=run["seed"],
                scale=sweep.scale,
                days=sweep.days,
                variant=sweep.variant,
                parameters=point_parameters(sweep, points.iloc[run["point"]]),
                keep="indicators",
                indicators=tuple(sweep.indicators),
            )
        )
    total = len(manifest["runs"])
    if on_start is not None:
        on_start(total, total - len(todo))
    runs = {r["run_id"]: r for r in manifest["runs"]}

    def finished(spec: RunSpec, outcome: RunOutcome) -> None:
        run = runs[spec.run_id]
        values = {f"{m}.{k}": v for m, group in spec.parameters.items() for k, v in group.items()}
        if outcome.ok:
            table = reduce_series(outcome.indicators, sweep.reductions, at_day)
            table = table.assign(run_id=spec.run_id, point=run["point"], replicate=run["replicate"], seed=run["seed"], **values)
            write_parquet(folder / "runs" / f"{spec.run_id}.parquet", table)
            (folder / "failed" / f"{spec.run_id}.json").unlink(missing_ok=True)
        else:
            record = {**run, "parameters": values, "error": outcome.error, "attempts": outcome.attempts, "worker": outcome.worker}
            write_json(folder / "failed" / f"{spec.run_id}.json", record)
        if progress is not None:
            progress(spec, outcome)

    cluster = cluster or Cluster(workers=default_workers())
    run_many(scenario, todo, finished, cluster)
    n_done = sum(1 for _ in (folder / "runs").glob("run-*.parquet"))
    n_failed = sum(1 for _ in (folder / "failed").glob("run-*.json"))
    seconds = time.perf_counter() - started
    _log_session(folder, cluster, len(todo), seconds)
    return SweepStatus(folder, total, n_done, n_failed, len(todo), seconds)


def default_workers() -> int:
    """One local worker per core."""
    import os

    return max(1, os.cpu_count() or 1)


def _log_session(folder: Path, cluster: Cluster, runs: int, seconds: float) -> None:
    """Append one line per sweep session to ``sessions.jsonl`` (for runs-per-minute figures)."""
    line = {
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "runs": runs,
        "seconds": round(seconds, 3),
        "workers": cluster.workers,
        "scheduler": cluster.scheduler,
    }
    with open(folder / "sessions.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")

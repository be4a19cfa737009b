"""``calibrate``: fit a scenario's behaviour parameters to its targets, resumably, and write the report.

A calibration folder holds ``calibration.json`` (what is calibrated: an
identity hash of the targets, their data, the scenario and the settings),
``generations/STAGE-GGG.parquet`` (every completed generation's simulated
values: ``de`` for differential evolution, ``abc`` for the posterior, ``best``
for the final replicates at the best point), ``sessions.jsonl`` (runs and
seconds of every session) and ``report/``.  Started again on the same folder,
a calibration replays the generations on disk without running them and goes
on from the first missing one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numba
import pandas as pd

from calibration.evaluate import Evaluator, calibration_scenario
from calibration.fit import DEResult, Posterior, run_abc, run_differential_evolution
from calibration.targets import Targets, hold_out, load_targets
from simulator.ensemble import as_scenario, replicate_seeds
from simulator.manifest import open_job_folder, write_manifest
from simulator.runner import Cluster, RunOutcome, RunSpec
from simulator.version import __version__

FORMAT = "migsim-calibration-1"


@dataclass
class CalibrationResult:
    """A finished calibration: the fits, the tables of the report, and what it cost."""

    folder: Path
    targets: Targets
    de: DEResult
    posterior: Posterior
    best: dict[str, float]
    parameters: pd.DataFrame
    target_table: pd.DataFrame
    history: pd.DataFrame
    summary: dict[str, Any]


def open_calibration_folder(folder: Path, manifest: dict[str, Any]) -> None:
    """Create the folder and its manifest, or check that an existing one is the same calibration."""
    differs = "other targets, data, scenario or settings"
    if open_job_folder(folder, "calibration.json", manifest, "calibration", differs) is None:
        (folder / "generations").mkdir(exist_ok=True)
        write_manifest(folder, "calibration.json", manifest)


def calibrate(
    scenario=None,
    targets: str | Path = "targets.yaml",
    *,
    out: str | Path | None = None,
    cluster: Cluster | None = None,
    overrides: dict[str, Any] | None = None,
    held_out: list[str] | None = None,
    progress: Callable[[RunSpec, RunOutcome], Any] | None = None,
    on_generation: Callable[[dict], Any] | None = None,
    report: bool = True,
) -> CalibrationResult:
    """Fit the targets' parameters: differential evolution, then ABC, then replicates at the best point.

    ``scenario`` is a path, a loaded scenario or None (the targets file's
    ``scenario:``); ``overrides`` replace settings of the targets file
    (``scale``, ``days``, ``replicates``, ``final_replicates``, and mappings for
    ``optimiser`` and ``abc``); ``held_out`` are patterns of target ids to
    score without fitting.  Runs go through ``cluster`` (default: serial).
    """
    started = time.perf_counter()
    base = as_scenario(scenario) if scenario is not None else None
    spec = load_targets(targets, base, overrides)
    if base is None:
        base = as_scenario(spec.scenario_path)
    hold_out(spec, held_out or [])
    scale = spec.scale or base.scale
    days = spec.days or base.days
    seed = base.seed if spec.seed is None else spec.seed
    folder = Path(out) if out is not None else Path("calibrations") / spec.name
    identity = spec.identity({"scenario": base.sha256, "scale": scale, "days": days, "seed": seed})
    manifest = {
        "format": FORMAT,
        "identity": identity,
        "name": spec.name,
        "targets_file": spec.source,
        "scenario": {"name": base.name, "path": base.source, "sha256": base.sha256},
        "scale_persons_per_agent": scale,
        "days": days,
        "seed": seed,
        "parameters": [p.label for p in spec.parameters],
        "fitted_targets": [t.id for t in spec.fitted],
        "held_out_targets": [t.id for t in spec.held_out],
        "migsim_version": __version__,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    open_calibration_folder(folder, manifest)
    cluster = _one_thread_per_run(cluster or Cluster())
    evaluator = Evaluator(calibration_scenario(base, spec), spec, folder, cluster, scale, days, progress)
    if on_generation is not None:
        _watch(evaluator, on_generation)
    completed = False
    threads = numba.get_num_threads()
    try:
        with cluster.session():
            de = run_differential_evolution(evaluator, replicate_seeds(seed, spec.replicates), spec.optimiser)
            posterior = run_abc(evaluator, spec.abc)
            final = evaluator.batch("best", 0, de.best[None, :], [replicate_seeds(seed, spec.final_replicates)])
        completed = True
    finally:
        numba.set_num_threads(threads)  # a serial calibration set this process's threads for its runs
        seconds = time.perf_counter() - started
        _log_session(folder, cluster, evaluator.runs_now, seconds, completed)
    from calibration.report import build_tables, write_report

    tables = build_tables(spec, evaluator, de, posterior, final.frame, scale)
    summary = {
        "name": spec.name,
        "scenario": base.name,
        "scale_persons_per_agent": scale,
        "days": days,
        "seed": seed,
        **_cost(folder),
        "runs_this_session": evaluator.runs_now,
        "seconds_this_session": round(seconds, 1),
        **tables["errors"],
    }
    result = CalibrationResult(
        folder,
        spec,
        de,
        posterior,
        tables["best"],
        tables["parameters"],
        tables["targets"],
        tables["history"],
        summary,
    )
    if report:
        write_report(result, tables, folder / "report")
    return result


def _one_thread_per_run(cluster: Cluster) -> Cluster:
    """Calibration runs are small (a coarse scale): one Numba thread each, unless asked otherwise.

    Threads synchronise every day of a run; for a few thousand agents that
    costs far more than the work, above all on cores shared with other jobs.
    """
    if cluster.numba_threads is not None:
        return cluster
    return dataclasses.replace(cluster, numba_threads=1)


def _watch(evaluator: Evaluator, on_generation: Callable[[dict], Any]) -> None:
    """Call ``on_generation`` after every batch (run now or read back)."""
    batch = evaluator.batch

    def watched(stage, generation, points, seeds):
        result = batch(stage, generation, points, seeds)
        on_generation(
            {"stage": stage, "generation": generation, "points": len(points), "runs": result.ran, "seconds": result.seconds}
        )
        return result

    evaluator.batch = watched


def _log_session(folder: Path, cluster: Cluster, runs: int, seconds: float, completed: bool) -> None:
    """One line per session: runs done (those of an interrupted generation included), seconds, where."""
    line = {
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "completed": completed,
        "runs": runs,
        "seconds": round(seconds, 3),
        "workers": cluster.workers,
        "scheduler": cluster.scheduler,
    }
    with open(folder / "sessions.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")


def _cost(folder: Path) -> dict[str, Any]:
    """Runs kept in completed generations, runs done in all sessions, and wall time over every session."""
    kept = 0
    for path in sorted((folder / "generations").glob("*.parquet")):
        frame = pd.read_parquet(path, columns=["point", "replicate"])
        kept += len(frame.drop_duplicates())
    done = seconds = 0.0
    sessions = 0
    path = folder / "sessions.jsonl"
    if path.exists():
        for text in path.read_text().splitlines():
            if text.strip():
                line = json.loads(text)
                done += line["runs"]
                seconds += line["seconds"]
                sessions += 1
    return {"runs_used": kept, "runs_done": int(done), "wall_seconds_total": round(seconds, 1), "sessions": sessions}

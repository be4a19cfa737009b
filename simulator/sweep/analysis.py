"""Analysing a sweep folder: one table of every run, sensitivity indices, and plots.

Sensitivity indices are computed on each indicator's total (key ``all``),
averaged over replicates at each point first.  With the Saltelli design they
are Sobol indices (first order ``S1`` and total ``ST``, SALib's estimator);
with any other design of at least 50 points, SALib's moment-independent
``delta`` and its ``S1`` estimate, which do not need a special design.  Spearman
rank correlations (``rho``) are given for every design.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.atomic import write_csv, write_parquet
from simulator.errors import MigsimError
from simulator.indicators import ALL

#: Below this many points the delta estimator's bins are too sparse to mean anything.
MIN_POINTS_DELTA = 50


@dataclass
class SweepReport:
    """All runs (one row each: parameters and indicators), sensitivity indices, and failures."""

    runs: pd.DataFrame
    sensitivity: pd.DataFrame
    failed: pd.DataFrame
    parameters: list[str]
    indicators: list[str]
    folder: Path


def read_manifest(folder: Path) -> dict:
    """The sweep's manifest, or a one-line error naming it."""
    path = folder / "sweep.json"
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise MigsimError(f"{path}: not a sweep folder (no sweep.json)") from None
    except json.JSONDecodeError as exc:
        raise MigsimError(f"{path}: corrupt manifest ({exc})") from None


def collect_runs(folder: Path, parameters: list[str]) -> pd.DataFrame:
    """One row per finished run: run id, point, replicate, seed, parameters, then ``indicator[key]`` columns."""
    frames = []
    for path in sorted((folder / "runs").glob("run-*.parquet")):
        try:
            frames.append(pd.read_parquet(path))
        except Exception as exc:  # pyarrow raises several types for a corrupt file
            raise MigsimError(f"{path}: cannot read run result ({type(exc).__name__}); delete it to rerun that run") from None
    index = ["run_id", "point", "replicate", "seed", *parameters]
    if not frames:
        return pd.DataFrame(columns=index)
    long = pd.concat(frames, ignore_index=True)
    long["column"] = long["indicator"] + "[" + long["key"].astype(str) + "]"
    wide = long.pivot_table(index=index, columns="column", values="value", aggfunc="first", fill_value=0.0)
    wide.columns.name = None
    return wide.reset_index().sort_values(["point", "replicate"]).reset_index(drop=True)


def sensitivity(runs: pd.DataFrame, manifest: dict, parameters: list[str], columns: list[str]) -> pd.DataFrame:
    """Sensitivity of each indicator total to each parameter (see the module docstring)."""
    from scipy.stats import spearmanr

    from simulator.sweep.design import salib_problem
    from simulator.sweep.spec import Parameter

    sweep = manifest["sweep"]
    specs = [Parameter(**{**p, "values": tuple(p["values"]) if p["values"] else None}) for p in sweep["parameters"]]
    problem = salib_problem(specs)
    n_points = len(manifest["points"])
    by_point = runs.groupby("point")[columns].mean()
    rows = []
    if len(by_point) < n_points:
        logging.getLogger("migsim").info("sensitivity skipped: %d of %d points finished", len(by_point), n_points)
        return pd.DataFrame(columns=["indicator", "parameter", "method", "index", "value", "confidence"])
    x = pd.DataFrame(manifest["points"])[parameters].to_numpy(np.float64)
    for j, spec in enumerate(specs):
        if spec.log:
            x[:, j] = np.log(x[:, j])
    for column in columns:
        y = by_point[column].reindex(range(n_points)).to_numpy(np.float64)
        if not np.isfinite(y).all() or np.ptp(y) == 0:
            continue
        for j, name in enumerate(parameters):
            rho = spearmanr(x[:, j], y).statistic
            rows.append(_row(column, name, "spearman", "rho", rho, np.nan))
        method, pairs, res = _salib(sweep, problem, x, y)
        if res is None:
            continue
        for j, name in enumerate(parameters):
            for index, conf in pairs:
                rows.append(_row(column, name, method, index, res[index][j], res[conf][j]))
    return pd.DataFrame(rows, columns=["indicator", "parameter", "method", "index", "value", "confidence"])


def _row(indicator: str, parameter: str, method: str, index: str, value: float, confidence: float) -> dict:
    return {
        "indicator": indicator,
        "parameter": parameter,
        "method": method,
        "index": index,
        "value": float(value),
        "confidence": float(confidence),
    }


def _salib(sweep: dict, problem: dict, x: np.ndarray, y: np.ndarray):
    """Sobol indices (Saltelli design) or delta indices (any design); None where the sample is too small."""
    quiet = io.StringIO()  # SALib prints its own notices
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
            warnings.simplefilter("ignore")
            if sweep["design"] == "saltelli":
                from SALib.analyze import sobol

                res = sobol.analyze(problem, y, calc_second_order=sweep["second_order"], seed=0)
                return "sobol", (("S1", "S1_conf"), ("ST", "ST_conf")), res
            if len(y) < MIN_POINTS_DELTA:
                raise ValueError(f"{len(y)} points, delta needs at least {MIN_POINTS_DELTA}")
            from SALib.analyze import delta

            res = delta.analyze(problem, x, y, seed=0)
            if "delta" not in res:
                raise ValueError(quiet.getvalue().strip() or "no delta indices")
            return "delta", (("delta", "delta_conf"), ("S1", "S1_conf")), res
    except (ValueError, KeyError, ZeroDivisionError, np.linalg.LinAlgError) as exc:
        logging.getLogger("migsim").info("SALib indices skipped (%s): too few points for this design", exc)
        return None, (), None


def sweep_report(folder: str | Path, out: str | Path | None = None) -> SweepReport:
    """Collect a sweep folder's runs, compute sensitivity indices, and write tables and plots.

    Output goes to ``out`` (default ``FOLDER/report``): ``runs.parquet``,
    ``runs.csv``, ``sensitivity.csv``, ``failed.csv`` and one PNG per indicator
    total against each parameter.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    parameters = [p["module"] + "." + p["name"] for p in manifest["sweep"]["parameters"]]
    runs = collect_runs(folder, parameters)
    totals = [c for c in runs.columns if c.endswith(f"[{ALL}]")]
    indices = sensitivity(runs, manifest, parameters, totals) if len(runs) else sensitivity(runs, manifest, parameters, [])
    failed_rows = []
    for path in sorted((folder / "failed").glob("run-*.json")):
        try:
            record = json.loads(path.read_text())
        except json.JSONDecodeError:
            record = {"run_id": path.stem, "error": "unreadable failure record"}
        failed_rows.append({k: record.get(k) for k in ("run_id", "point", "replicate", "seed", "error", "attempts")})
    failed = pd.DataFrame(failed_rows, columns=["run_id", "point", "replicate", "seed", "error", "attempts"])
    target = Path(out) if out is not None else folder / "report"
    write_parquet(target / "runs.parquet", runs)
    write_csv(target / "runs.csv", runs)
    write_csv(target / "sensitivity.csv", indices)
    write_csv(target / "failed.csv", failed)
    from simulator.sweep.plots import write_sweep_plots

    write_sweep_plots(runs, parameters, totals, target)
    return SweepReport(runs, indices, failed, parameters, [c[: -len(f"[{ALL}]")] for c in totals], target)

"""Scoring a run against observed series: Flee's errors and a plain mean absolute percentage error.

For every observed location c and day t of the run, sim_c(t) is the number of
people at c at the end of day t (not those on links) and data_c(t) the
observed series read the way Flee reads it (linear interpolation, truncated).

* ``flee_error`` (per location): the mean over days of |sim/data - 1| (0 on
  days where data < 1e-5), the time mean of Flee's ``<camp> error`` column;
* ``total_error``: the mean over days of sum_c |sim - data| / raw, Flee's
  ``Total error`` column, where raw is the raw observed count: the total
  series' day-0 value plus the sum of the location series (Flee's running sum
  of daily increments, day-0 quirk included); 0 on days where raw <= 0;
* ``normal_error`` / ``rescaled_error``: FabFlee's validation errors, the mean
  over days of sum_c |sim - data| / max(U, 1) with U = sum_c data, and the
  same with sim rescaled by U / S (S = sum_c sim).  Per location, the share of
  the normal error that location contributes (they sum to the total);
* ``mape_percent`` (per location): the mean over the actual observations
  inside the run (not interpolated days), where the count is > 0, of
  |sim - observed| / observed x 100; for the total, the same pooled over all
  locations' observations.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.errors import MigsimError
from simulator.observed import TOTAL, interpolate

COLUMNS = [
    "location",
    "flee_error",
    "mape_percent",
    "normal_error",
    "rescaled_error",
    "total_error",
    "observations_in_run",
    "observed_last_day",
    "simulated_last_day",
]


@dataclass
class Scores:
    """Per-location and total errors, and the daily series they come from (persons)."""

    table: pd.DataFrame  # COLUMNS; one row per location, then a 'total' row
    simulated: pd.DataFrame  # day x location
    observed: pd.DataFrame  # day x location (interpolated)
    points: pd.DataFrame  # the observations: series, day, date, persons
    record: dict

    @property
    def totals(self) -> dict[str, float]:
        """The total row as a dict."""
        return self.table.iloc[-1].to_dict()


def score(simulated: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """The validation table from simulated people (day x location, persons) and observation points."""
    days = len(simulated)
    locations = list(simulated.columns)
    by_series = {
        name: list(zip(g["day"].astype(int), g["persons"].astype(float), strict=True))
        for name, g in points.groupby("series", sort=False)
    }
    sim = simulated.to_numpy(dtype=np.float64)  # (days, locations)
    data = np.column_stack([interpolate(sorted(by_series[c]), days) for c in locations]).astype(np.float64)
    total0 = interpolate(sorted(by_series[TOTAL]), 1)[0] if TOTAL in by_series else 0
    raw = total0 + data.sum(axis=1)
    diff = np.abs(sim - data)
    error = np.where(data >= 1e-5, np.abs(np.divide(sim, data, out=np.zeros_like(sim), where=data >= 1e-5) - 1.0), 0.0)
    U = data.sum(axis=1)
    S = sim.sum(axis=1)
    norm = np.maximum(U, 1.0)[:, None]
    rescaled = np.where(S[:, None] > 0, sim * (U / np.where(S > 0, S, 1.0))[:, None], sim)
    total_error = np.where(raw > 0, diff.sum(axis=1) / np.where(raw > 0, raw, 1.0), 0.0)
    rows = []
    pooled = []
    for j, c in enumerate(locations):
        obs = [(d, v) for d, v in by_series[c] if 0 <= d < days and v > 0]
        ape = [abs(sim[d, j] - v) / v * 100.0 for d, v in obs]
        pooled += ape
        rows.append(
            {
                "location": c,
                "flee_error": float(error[:, j].mean()),
                "mape_percent": float(np.mean(ape)) if ape else np.nan,
                "normal_error": float((diff[:, j : j + 1] / norm).mean()),
                "rescaled_error": float((np.abs(rescaled[:, j : j + 1] - data[:, j : j + 1]) / norm).mean()),
                "total_error": np.nan,
                "observations_in_run": len([d for d, _ in by_series[c] if 0 <= d < days]),
                "observed_last_day": int(data[-1, j]),
                "simulated_last_day": int(sim[-1, j]),
            }
        )
    rows.append(
        {
            "location": TOTAL,
            "flee_error": float(error.mean()) if error.size else np.nan,
            "mape_percent": float(np.mean(pooled)) if pooled else np.nan,
            "normal_error": float((diff / norm).sum(axis=1).mean()),
            "rescaled_error": float((np.abs(rescaled - data) / norm).sum(axis=1).mean()),
            "total_error": float(total_error.mean()),
            "observations_in_run": sum(r["observations_in_run"] for r in rows),
            "observed_last_day": int(data[-1].sum()),
            "simulated_last_day": int(sim[-1].sum()),
        }
    )
    return pd.DataFrame(rows, columns=COLUMNS)


def score_results(results_dir: str | Path) -> Scores:
    """Score a results folder against the observed series it carries (``observed.parquet``)."""
    folder = Path(results_dir)
    if not folder.is_dir():
        raise MigsimError(f"{folder}: not a results folder")
    try:
        record = json.loads((folder / "run.json").read_text())
    except FileNotFoundError:
        raise MigsimError(f"{folder / 'run.json'}: missing; is this a migsim results folder?") from None
    except json.JSONDecodeError as exc:
        raise MigsimError(f"{folder / 'run.json'}: corrupt ({exc})") from None
    observed_path = folder / "observed.parquet"
    if not observed_path.exists():
        raise MigsimError(
            f"{folder}: no observed series (observed.parquet); run a scenario with an `observed:` section "
            "(migsim import-flee --validation DIR writes one)"
        )
    try:
        points = pd.read_parquet(observed_path)
        nodes = pd.read_parquet(folder / "nodes.parquet", columns=["day", "node_id", "people"])
    except FileNotFoundError as exc:
        raise MigsimError(f"{exc.filename}: missing from the results folder") from None
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise MigsimError(f"{folder}: cannot read a table ({type(exc).__name__}: {exc})") from None
    locations = [s for s in dict.fromkeys(points["series"]) if s != TOTAL]
    people = nodes.pivot(index="day", columns="node_id", values="people").sort_index()
    missing = [c for c in locations if c not in people.columns]
    if missing:
        raise MigsimError(f"{folder}: observed location '{missing[0]}' is not a node of the run")
    if people.empty:
        raise MigsimError(f"{folder}: the run has no days")
    simulated = people[locations].astype(np.float64)
    table = score(simulated, points)
    days = len(simulated)
    by_series = {name: sorted(zip(g["day"], g["persons"], strict=True)) for name, g in points.groupby("series", sort=False)}
    observed = pd.DataFrame({c: interpolate(by_series[c], days) for c in locations}, index=simulated.index)
    return Scores(table, simulated, observed, points, record)


def write_validation(scores: Scores, results_dir: str | Path) -> list[Path]:
    """Write ``validation.csv`` and ``validation.png`` into the results folder (each atomically)."""
    folder = Path(results_dir)
    written = []
    for name, writer in (("validation.csv", _write_csv), ("validation.png", _write_plot)):
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        try:
            writer(scores, Path(tmp))
            os.replace(tmp, folder / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(folder / name)
    return written


def _write_csv(scores: Scores, path: Path) -> None:
    scores.table.to_csv(path, index=False, float_format="%.6g")


def _write_plot(scores: Scores, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from simulator.plots import PALETTE

    locations = list(scores.simulated.columns)
    ncols = min(3, len(locations))
    nrows = -(-len(locations) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.0 * nrows), layout="constrained", squeeze=False)
    errors = scores.table.set_index("location")
    for ax, c in zip(axes.ravel(), locations, strict=False):
        days = scores.simulated.index
        ax.plot(days, scores.simulated[c], color=PALETTE[0], label="simulated", linewidth=1.6)
        ax.plot(days, scores.observed[c], "--", color=PALETTE[1], label="observed (interpolated)", linewidth=1.2)
        pts = scores.points[(scores.points["series"] == c) & (scores.points["day"] >= 0) & (scores.points["day"] < len(days))]
        ax.plot(pts["day"], pts["persons"], "o", color=PALETTE[3], markersize=3.5, label="observations")
        ax.set_title(f"{c} (error {errors.loc[c, 'flee_error']:.3f})", fontsize=9)
        ax.set_xlabel("day")
        ax.set_ylabel("persons")
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[len(locations) :]:
        ax.axis("off")
    axes.ravel()[0].legend(fontsize=7, frameon=False)
    ruleset = scores.record.get("ruleset", "engine")
    fig.suptitle(
        f"Simulated against observed — {scores.record.get('scenario', {}).get('name', '')} ({ruleset} ruleset)", fontsize=10
    )
    fig.savefig(path, dpi=100, format="png")
    plt.close(fig)

"""A finished run's results: tables, summary, run record, and writing them to a folder.

Writes are atomic: everything goes to a hidden temporary folder next to the
target, which is renamed into place only when complete, so an interrupted run
leaves no half-written table and never touches an existing results folder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import platform
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numba
import numpy as np
import pandas as pd

from simulator.errors import MigsimError
from simulator.version import __version__

#: Daily series: one row per day (and place, link, crossing, topic or campaign); ensembles band these.
SERIES_TABLES = ("nodes", "links", "countries", "totals", "crossings", "information", "campaigns")
#: Tables added after the first results folders were written: an older folder without them reads as empty.
OPTIONAL_TABLES = ("surveys", "survey_respondents")
TABLES = (*SERIES_TABLES, *OPTIONAL_TABLES)


@dataclass
class RunResult:
    """Tables (pandas, in persons), summary and run record of one run."""

    tables: dict[str, pd.DataFrame]
    summary: pd.DataFrame
    record: dict[str, Any]
    event_log: list[dict[str, Any]] = field(default_factory=list)
    scenario: dict[str, Any] | None = None  # Scenario.to_dict() of the scenario as run (places for maps)

    @property
    def nodes(self) -> pd.DataFrame:
        """Per day and node: people present, arrivals, departures, entries, returns."""
        return self.tables["nodes"]

    @property
    def links(self) -> pd.DataFrame:
        """Per day and directed link: people entering (flow) and people on it."""
        return self.tables["links"]

    @property
    def countries(self) -> pd.DataFrame:
        """Per day and country: people present, arrivals, departures, returns."""
        return self.tables["countries"]

    @property
    def totals(self) -> pd.DataFrame:
        """Per day: people by status, new departures, arrivals."""
        return self.tables["totals"]

    def write(self, out_dir: str | Path) -> Path:
        """Write the results folder atomically; see :func:`write_results`."""
        return write_results(self, Path(out_dir))


def summarise(model) -> pd.DataFrame:
    """People per country at the start and the end, and arrivals over the run (persons)."""
    g = model.graph
    rec = model.recorder
    days = rec.recorded_days
    scale = model.scale
    start = pd.Series(rec.start_people * scale, index=g.node_iso3).groupby(level=0).sum()
    end_people = rec.node["people"][days - 1] if days else rec.start_people
    end = pd.Series(end_people * scale, index=g.node_iso3).groupby(level=0).sum()
    arrivals = pd.Series(rec.node["arrivals"][:days].sum(axis=0) * scale, index=g.node_iso3).groupby(level=0).sum()
    summary = pd.DataFrame({"people_start": start, "people_end": end, "arrivals": arrivals}).fillna(0).astype(np.int64)
    summary["change"] = summary["people_end"] - summary["people_start"]
    summary.index.name = "iso3"
    return summary.reset_index()[["iso3", "people_start", "people_end", "change", "arrivals"]]


def run_record(model, wall_seconds: float, out_dir: str | None = None) -> dict[str, Any]:
    """What ``run.json`` holds: scenario, seed, scale, version, parameters, timings, environment."""
    rec = model.recorder
    days = rec.recorded_days
    status = rec.status[days - 1] if days else rec.start_status
    from models.state import IN_TRANSIT, ON_LINK, WAITING

    return {
        "migsim_version": __version__,
        "scenario": {
            "name": model.scenario.name,
            "variant": model.scenario.variant,
            "path": model.scenario.source,
            "sha256": model.scenario.sha256,
            "start_date": model.scenario.start_date.isoformat(),
            "end_date": (model.scenario.start_date + dt.timedelta(days=max(days - 1, 0))).isoformat(),
        },
        "ruleset": model.ruleset_name,
        "seed": model.seed_value,
        "scale_persons_per_agent": model.scale,
        "days": days,
        "agents": int(model.population.size),
        "bytes_per_agent": model.population.bytes_per_agent(),
        "people_in_transit_end": int((status[IN_TRANSIT] + status[ON_LINK] + status[WAITING]) * model.scale),
        "parameters": {k: dataclasses.asdict(v) for k, v in model.params.items()},
        **({"calibration": model.scenario.calibration} if model.scenario.calibration else {}),
        "events": model.event_log,
        "timings_seconds": {**{k: round(v, 4) for k, v in model.timings.items()}, "wall": round(wall_seconds, 3)},
        "environment": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "numba_threads": numba.get_num_threads(),
            "numpy": np.__version__,
            "numba": numba.__version__,
        },
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def check_output_dir(out_dir: Path) -> None:
    """Refuse to write into an existing, non-empty folder (no data is ever overwritten)."""
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise MigsimError(f"{out_dir}: output folder exists and is not empty; choose another --out")


def write_results(result: RunResult, out_dir: Path, plots: bool = True) -> Path:
    """Write tables (Parquet), ``summary.csv``, ``run.json``, ``scenario.json`` and plots into ``out_dir`` atomically."""
    from simulator.plots import write_plots

    check_output_dir(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        for name, table in result.tables.items():
            table.to_parquet(tmp / f"{name}.parquet", index=False)
        result.summary.to_csv(tmp / "summary.csv", index=False)
        (tmp / "run.json").write_text(json.dumps(result.record, indent=2, default=str) + "\n")
        if result.scenario is not None:
            (tmp / "scenario.json").write_text(json.dumps(result.scenario, indent=1, default=str) + "\n")
        if plots:
            write_plots(result, tmp)
        if out_dir.exists():
            out_dir.rmdir()
        os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


def read_results(out_dir: str | Path) -> RunResult:
    """Read a results folder written by :func:`write_results`."""
    out_dir = Path(out_dir)
    tables = {}
    for name in TABLES:
        path = out_dir / f"{name}.parquet"
        if name in OPTIONAL_TABLES and not path.exists():
            tables[name] = pd.DataFrame()
            continue
        try:
            tables[name] = pd.read_parquet(path)
        except FileNotFoundError:
            raise MigsimError(f"{path}: table missing from the results folder") from None
        except Exception as exc:  # pyarrow raises several types for a corrupt file
            raise MigsimError(f"{path}: cannot read table ({type(exc).__name__}: {exc})") from None
    try:
        record = json.loads((out_dir / "run.json").read_text())
        summary = pd.read_csv(out_dir / "summary.csv")
    except FileNotFoundError as exc:
        raise MigsimError(f"{exc.filename}: missing from the results folder") from None
    except (json.JSONDecodeError, pd.errors.ParserError) as exc:
        raise MigsimError(f"{out_dir}: run.json or summary.csv is corrupt ({exc})") from None
    scenario_path = out_dir / "scenario.json"
    try:
        scenario = json.loads(scenario_path.read_text()) if scenario_path.exists() else None
    except json.JSONDecodeError as exc:
        raise MigsimError(f"{scenario_path}: corrupt ({exc})") from None
    return RunResult(tables=tables, summary=summary, record=record, event_log=record.get("events", []), scenario=scenario)

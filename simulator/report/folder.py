"""Open a results folder of any kind (one run, an ensemble, a comparison) for the report.

The layouts are those of ``docs/results-layout.md``. Every table the report
needs is read here, so a missing or unreadable file fails at once with one line
naming it (:class:`~simulator.errors.MigsimError`), before anything is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.errors import MigsimError
from simulator.results import SERIES_TABLES, read_results

BAND_KEYS = {
    "nodes": ["node_id"],
    "links": ["link_id"],
    "countries": ["iso3"],
    "totals": [],
    "crossings": ["crossing"],
    "information": ["node_id", "topic"],
    "campaigns": ["campaign", "channel"],
}
"""The key columns the report uses in each table, besides ``day`` and ``date``."""

DEFAULT_QUANTILES = (0.1, 0.5, 0.9)
COMPARISON_COLUMNS = ["variant", "indicator", "key", "day", "date", "unit", "mean", "p50", "diff_mean", "diff_p50"]


@dataclass
class Results:
    """One run (a single replicate, no band) or an ensemble (replicates and bands)."""

    path: Path
    kind: str  # "run" or "ensemble"
    record: dict[str, Any]
    replicates: list[dict[str, pd.DataFrame]]
    records: list[dict[str, Any]]
    quantiles: tuple[float, ...] = DEFAULT_QUANTILES
    bands: dict[str, pd.DataFrame] = field(default_factory=dict)
    scenario: dict[str, Any] | None = None

    @property
    def banded(self) -> bool:
        """True when figures carry an uncertainty band (more than one replicate)."""
        return len(self.replicates) > 1

    @property
    def first_record(self) -> dict[str, Any]:
        """``run.json`` of the run, or of the ensemble's first replicate."""
        return self.records[0]


@dataclass
class Comparison:
    """A comparison: one ensemble per variant, and ``comparison.parquet``."""

    path: Path
    record: dict[str, Any]
    baseline: str
    variants: dict[str, Results]
    table: pd.DataFrame

    kind = "comparison"


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise MigsimError(f"{path}: missing from the results folder") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise MigsimError(f"{path}: corrupt JSON ({exc})") from None
    if not isinstance(data, dict):
        raise MigsimError(f"{path}: expected a JSON object")
    return data


def read_parquet(path: Path, required: list[str]) -> pd.DataFrame:
    """A Parquet table with its ``required`` columns, or one-line error naming the file."""
    try:
        table = pd.read_parquet(path)
    except FileNotFoundError:
        raise MigsimError(f"{path}: table missing from the results folder") from None
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise MigsimError(f"{path}: cannot read table ({type(exc).__name__}: {exc})") from None
    missing = [c for c in required if c not in table.columns]
    if missing and not table.empty:
        raise MigsimError(f"{path}: column(s) {', '.join(missing)} missing")
    return table


def _read_run(path: Path) -> tuple[dict[str, pd.DataFrame], dict[str, Any], dict[str, Any] | None]:
    result = read_results(path)
    for name in SERIES_TABLES:
        needed = ["day", "date", *BAND_KEYS[name]]
        missing = [c for c in needed if c not in result.tables[name].columns]
        if missing and not (name == "campaigns" and result.tables[name].empty):
            raise MigsimError(f"{path / (name + '.parquet')}: column(s) {', '.join(missing)} missing")
    return result.tables, result.record, result.scenario


def _quantile_names(quantiles) -> list[str]:
    return [f"p{round(q * 100):02d}" for q in quantiles]


def open_run(path: Path) -> Results:
    """One run folder (``run.json``)."""
    tables, record, scenario = _read_run(path)
    return Results(path=path, kind="run", record=record, replicates=[tables], records=[record], scenario=scenario)


def open_ensemble(path: Path) -> Results:
    """An ensemble folder (``ensemble.json``, ``replicates/``, ``bands/``)."""
    record = _json(path / "ensemble.json")
    quantiles = tuple(float(q) for q in record.get("quantiles", DEFAULT_QUANTILES))
    if 0.5 not in quantiles or len(quantiles) < 3:
        raise MigsimError(f"{path / 'ensemble.json'}: quantiles must include 0.5 and a lower and an upper one, got {quantiles}")
    folders = sorted(p for p in (path / "replicates").glob("rep-*") if p.is_dir())
    if not folders:
        raise MigsimError(f"{path / 'replicates'}: no replicate folders (rep-000, ...) in the ensemble")
    replicates, records, scenario = [], [], None
    for folder in folders:
        tables, run_record, run_scenario = _read_run(folder)
        replicates.append(tables)
        records.append(run_record)
        scenario = scenario or run_scenario
    bands = {}
    for name in SERIES_TABLES:
        required = ["day", "date", "quantity", "mean", *_quantile_names(quantiles)]
        table = read_parquet(path / "bands" / f"{name}.parquet", required)
        if not table.empty:
            missing = [c for c in BAND_KEYS[name] if c not in table.columns]
            if missing:
                raise MigsimError(f"{path / 'bands' / (name + '.parquet')}: column(s) {', '.join(missing)} missing")
        bands[name] = table
    return Results(
        path=path,
        kind="ensemble",
        record=record,
        replicates=replicates,
        records=records,
        quantiles=quantiles,
        bands=bands,
        scenario=scenario,
    )


def open_comparison(path: Path) -> Comparison:
    """A comparison folder (``comparison.json``, ``variants/``, ``comparison.parquet``)."""
    record = _json(path / "comparison.json")
    baseline = str(record.get("baseline", "baseline"))
    folders = sorted(p for p in (path / "variants").glob("*") if p.is_dir())
    names = [p.name for p in folders]
    if baseline not in names:
        raise MigsimError(f"{path / 'variants' / baseline}: the baseline's ensemble is missing from the comparison")
    variants = {baseline: open_ensemble(path / "variants" / baseline)}
    for folder in folders:
        if folder.name != baseline:
            variants[folder.name] = open_ensemble(folder)
    quantiles = variants[baseline].quantiles
    names_q = _quantile_names(quantiles)
    required = COMPARISON_COLUMNS + names_q + ["diff_" + q for q in names_q]
    table = read_parquet(path / "comparison.parquet", required)
    return Comparison(path=path, record=record, baseline=baseline, variants=variants, table=table)


def open_results(path: str | Path) -> Results | Comparison:
    """A results folder of any kind, told by the JSON file at its top."""
    path = Path(path)
    if not path.is_dir():
        raise MigsimError(f"{path}: no such results folder")
    if (path / "comparison.json").exists():
        return open_comparison(path)
    if (path / "ensemble.json").exists():
        return open_ensemble(path)
    if (path / "run.json").exists():
        return open_run(path)
    raise MigsimError(f"{path}: not a results folder (no run.json, ensemble.json or comparison.json)")

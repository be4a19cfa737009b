"""Ensembles: replicates of one scenario with derived seeds, and quantile bands over them.

Replicate ``i`` of base seed ``S`` always has the same seed, whatever the
number of replicates and whichever variant runs, so variants share their random
numbers (common random numbers) and their differences are not noise.

An ensemble folder is built in a hidden ``.NAME.partial`` folder next to its
target and renamed into place when complete; an interrupted ensemble started
again with the same ``--out`` reuses the replicates already written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.atomic import write_csv, write_json, write_parquet
from simulator.bands import DEFAULT_QUANTILES, KEY_COLUMNS, check_quantiles, quantile_label, table_bands
from simulator.errors import MigsimError
from simulator.indicators import indicator_series
from simulator.results import RunResult, check_output_dir, read_results, write_results
from simulator.runner import Cluster, RunOutcome, RunSpec, run_many
from simulator.scenario import Scenario, load_scenario
from simulator.version import __version__

FORMAT = "migsim-ensemble-1"
_MASK63 = (1 << 63) - 1


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """Seeds of replicates 0 .. n-1: replicate 0 keeps ``seed``, the others are derived from it.

    The derivation is the SplitMix64 mixer of (seed, replicate), so seed lists
    of different lengths agree on their common prefix.
    """
    from models.rng import _mix_py

    if replicates < 1:
        raise MigsimError(f"replicates must be at least 1 (got {replicates})")
    return [int(seed)] + [_mix_py(_mix_py(int(seed)) ^ i) & _MASK63 for i in range(1, replicates)]


def as_scenario(scenario: str | Path | Scenario | Mapping | None) -> Scenario:
    """A loaded scenario from a path, a mapping, a Scenario, or None (the default one)."""
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, Mapping):
        from simulator.scenario import scenario_from_dict

        return scenario_from_dict(dict(scenario))
    return load_scenario(scenario)


@dataclass
class EnsembleResult:
    """Bands over replicates, and each replicate's indicator series."""

    bands: dict[str, pd.DataFrame]
    indicators: pd.DataFrame
    summary: pd.DataFrame
    record: dict[str, Any]
    folder: Path | None = None
    replicate_records: list[dict[str, Any]] = field(default_factory=list)

    def band(self, table: str, quantity: str, **keys: Any) -> pd.DataFrame:
        """The band of one quantity of one table, filtered by key columns (``iso3="COL"``)."""
        frame = self.bands[table]
        frame = frame[frame["quantity"] == quantity]
        for column, value in keys.items():
            frame = frame[frame[column] == value]
        return frame.reset_index(drop=True)


def _replicate_name(index: int) -> str:
    return f"rep-{index:03d}"


class EnsembleBuilder:
    """Collects the replicates of one ensemble and writes its folder.

    Used by :func:`run_ensemble` and by comparisons (one builder per variant).
    """

    def __init__(
        self,
        scenario: Scenario,
        seeds: Sequence[int],
        *,
        variant: str | None = None,
        scale: int | None = None,
        days: int | None = None,
        parameters: Mapping[str, Mapping[str, Any]] | None = None,
        quantiles: Sequence[float] = DEFAULT_QUANTILES,
        folder: Path | None = None,
        label: str | None = None,
        ruleset: str | None = None,
    ):
        self.scenario = scenario
        self.seeds = list(seeds)
        self.variant = variant
        self.scale = scenario.scale if scale is None else int(scale)
        self.days = scenario.days if days is None else int(days)
        self.parameters = {k: dict(v) for k, v in (parameters or {}).items()}
        self.quantiles = check_quantiles(quantiles)
        self.folder = folder
        self.label = label or variant or "base"
        self.ruleset = ruleset
        self.tables: dict[int, dict[str, pd.DataFrame]] = {}
        self.summaries: dict[int, pd.DataFrame] = {}
        self.records: dict[int, dict[str, Any]] = {}
        self.failures: dict[int, str] = {}
        self._scenario_dict: dict[str, Any] | None = None
        if folder is not None:
            self._start_folder()

    # -- the folder ---------------------------------------------------------

    def manifest(self) -> dict[str, Any]:
        """What identifies this ensemble: a resumed ensemble must match it."""
        return {
            "format": FORMAT,
            "scenario": {
                "name": self.scenario.name,
                "path": self.scenario.source,
                "sha256": self.scenario.sha256,
                "start_date": self.scenario.start_date.isoformat(),
            },
            "variant": self.variant,
            "label": self.label,
            "replicates": len(self.seeds),
            "seeds": self.seeds,
            "scale_persons_per_agent": self.scale,
            "days": self.days,
            "parameters": self.parameters,
            "ruleset": self.ruleset,
            "quantiles": list(self.quantiles),
            "migsim_version": __version__,
        }

    def _start_folder(self) -> None:
        existing = self.folder / "ensemble.json"
        if existing.exists():
            import json

            previous = json.loads(existing.read_text())
            if previous != self.manifest():
                raise MigsimError(
                    f"{self.folder}: an unfinished ensemble with other settings is there; remove it or choose another --out"
                )
        else:
            write_json(existing, self.manifest())
        for index in range(len(self.seeds)):
            path = self.folder / "replicates" / _replicate_name(index)
            if (path / "run.json").exists():
                done = read_results(path)
                self.tables[index] = done.tables
                self.summaries[index] = done.summary
                self.records[index] = done.record

    # -- runs ---------------------------------------------------------------

    def specs(self) -> list[RunSpec]:
        """The runs still missing."""
        return [
            RunSpec(
                run_id=f"{self.label}/{_replicate_name(i)}",
                seed=seed,
                scale=self.scale,
                days=self.days,
                variant=self.variant,
                parameters=self.parameters,
                ruleset=self.ruleset,
            )
            for i, seed in enumerate(self.seeds)
            if i not in self.tables
        ]

    def add(self, spec: RunSpec, outcome: RunOutcome) -> None:
        """Keep one finished replicate (and write its folder)."""
        index = int(spec.run_id.rsplit("rep-", 1)[1])
        if not outcome.ok:
            self.failures[index] = outcome.error
            return
        self.tables[index] = outcome.tables
        self.summaries[index] = outcome.summary
        self.records[index] = outcome.record
        if self.folder is not None:
            if self._scenario_dict is None:
                self._scenario_dict = self.scenario.to_dict()
            result = RunResult(
                outcome.tables, outcome.summary, outcome.record, outcome.record.get("events", []), scenario=self._scenario_dict
            )
            write_results(result, self.folder / "replicates" / _replicate_name(index), plots=False)

    def finish(self) -> EnsembleResult:
        """Bands over all replicates; writes bands, summary, plots and ``ensemble.json``."""
        if self.failures:
            first = min(self.failures)
            raise MigsimError(
                f"{len(self.failures)} of {len(self.seeds)} replicates of '{self.label}' failed; "
                f"replicate {first} (seed {self.seeds[first]}): {self.failures[first]}"
            )
        order = sorted(self.tables)
        bands = {}
        for name in KEY_COLUMNS:
            frames = [self.tables[i][name] for i in order if name in self.tables[i]]
            if frames:
                bands[name] = table_bands(frames, name, self.quantiles)
        indicators = pd.concat(
            [indicator_series(self.tables[i]).assign(replicate=i, seed=self.seeds[i]) for i in order], ignore_index=True
        )
        summary = _summary_bands([self.summaries[i] for i in order], self.quantiles)
        record = {**self.manifest(), "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        result = EnsembleResult(bands, indicators, summary, record, self.folder, [self.records[i] for i in order])
        if self.folder is not None:
            for name, frame in bands.items():
                write_parquet(self.folder / "bands" / f"{name}.parquet", frame)
            write_parquet(self.folder / "indicators.parquet", indicators)
            write_csv(self.folder / "summary.csv", summary)
            from simulator.band_plots import write_band_plots

            write_band_plots(result, self.folder)
            write_json(self.folder / "ensemble.json", record)
        return result


def _summary_bands(summaries: Sequence[pd.DataFrame], quantiles: Sequence[float]) -> pd.DataFrame:
    """Per country: median and band over replicates of people at the start and end, change, arrivals."""
    stacked = pd.concat(summaries, ignore_index=True)
    columns = [c for c in stacked.columns if c != "iso3"]
    grouped = stacked.groupby("iso3", sort=False)
    parts = {}
    for column in columns:
        for q in quantiles:
            parts[f"{column}_{quantile_label(q)}"] = grouped[column].quantile(q)
    out = pd.DataFrame(parts)
    out.index.name = "iso3"
    return out.reset_index()


def partial_folder(out: Path) -> Path:
    """The hidden folder an unfinished output is built in."""
    return out.parent / f".{out.name}.partial"


def publish(partial: Path, out: Path) -> Path:
    """Rename a finished partial folder into place."""
    check_output_dir(out)
    if out.exists():
        out.rmdir()
    partial.rename(out)
    return out


def run_ensemble(
    scenario: str | Path | Scenario | Mapping | None = None,
    *,
    replicates: int = 20,
    seed: int | None = None,
    scale: int | None = None,
    days: int | None = None,
    variant: str | None = None,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
    out: str | Path | None = None,
    cluster: Cluster | None = None,
    progress: Callable[[RunSpec, RunOutcome], Any] | None = None,
    ruleset: str | None = None,
) -> EnsembleResult:
    """Run ``replicates`` replicates and return their bands (written to ``out`` when given).

    Seeds come from :func:`replicate_seeds` of ``seed`` (default: the
    scenario's).  ``cluster`` chooses serial, local Dask workers or an existing
    scheduler; results are identical either way.
    """
    base = as_scenario(scenario)
    seeds = replicate_seeds(base.seed if seed is None else seed, replicates)
    out_path = Path(out) if out is not None else None
    partial = None
    if out_path is not None:
        check_output_dir(out_path)
        partial = partial_folder(out_path)
        partial.mkdir(parents=True, exist_ok=True)
    builder = EnsembleBuilder(
        base.with_variant(variant),
        seeds,
        variant=variant,
        scale=scale,
        days=days,
        parameters=parameters,
        quantiles=quantiles,
        folder=partial,
        ruleset=ruleset,
    )

    def done(spec: RunSpec, outcome: RunOutcome) -> None:
        builder.add(spec, outcome)
        if progress is not None:
            progress(spec, outcome)

    run_many(base, builder.specs(), done, cluster)
    result = builder.finish()
    if out_path is not None:
        result.folder = publish(partial, out_path)
    return result


def format_ensemble_summary(result: EnsembleResult) -> str:
    """Arrivals per destination country at the end: median and band, as a small text table."""
    from simulator.band_plots import band_labels, band_text
    from simulator.bands import indicator_bands

    low, high = band_labels(result.record["quantiles"])
    bands = indicator_bands(result.indicators[result.indicators["indicator"] == "arrivals"], result.record["quantiles"])
    last = bands[bands["day"] == bands["day"].max()].sort_values("p50", ascending=False)
    last = pd.concat([last[last["key"] != "all"], last[last["key"] == "all"].assign(key="total")])
    n = result.record["replicates"]
    lines = [
        f"Arrivals per destination country by {last['date'].max():%d %B %Y}: median and {band_text(low, high)} ({n} replicates)"
    ]
    for row in last.itertuples():
        lines.append(f"  {row.key:<5} {row.p50:>12,.0f}   [{getattr(row, low):,.0f} – {getattr(row, high):,.0f}]")
    return "\n".join(lines)

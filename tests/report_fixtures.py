"""Ensemble and comparison folders for the report tests, written to the layout of docs/results-layout.md.

They are made here from a few tiny runs and plain pandas, independently of the
report code, so the report can be tested against the layout without the
ensemble machinery.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.api import run_model
from simulator.model import MigrationModel
from simulator.results import SERIES_TABLES as TABLES
from simulator.scenario import load_scenario

REPO = Path(__file__).resolve().parent.parent
CORRIDOR = REPO / "tests" / "data" / "report_corridor.yaml"
QUANTILES = (0.1, 0.5, 0.9)
KEYS = {
    "nodes": ["node_id", "iso3"],
    "links": ["link_id", "from_node", "to_node"],
    "countries": ["iso3"],
    "totals": [],
    "crossings": ["link_id", "crossing", "from_iso3", "to_iso3"],
    "information": ["node_id", "topic"],
    "campaigns": ["campaign", "channel", "misinformation"],
}
INCIDENTS = ["deaths", "injuries", "robberies", "trafficking"]


def qname(q: float) -> str:
    return f"p{round(q * 100):02d}"


def band(values: np.ndarray) -> dict[str, float]:
    """Mean and quantiles of replicate values (rows: items, columns: replicates)."""
    out = {"mean": values.mean(axis=1)}
    for q, v in zip(QUANTILES, np.quantile(values, QUANTILES, axis=1), strict=True):
        out[qname(q)] = v
    return out


def bands_table(frames: list[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    """``bands/<table>.parquet``: key columns, ``quantity``, ``mean``, ``p10``, ``p50``, ``p90`` over replicates."""
    index = ["day", "date", *keys]
    columns = index + ["quantity", "mean", *(qname(q) for q in QUANTILES)]
    if all(f.empty for f in frames):
        return pd.DataFrame(columns=columns)
    values = [c for c in frames[0].columns if c not in index and pd.api.types.is_numeric_dtype(frames[0][c])]
    longs = []
    for frame in frames:
        long = frame.melt(id_vars=index, value_vars=values, var_name="quantity", value_name="value")
        longs.append(long.set_index([*index, "quantity"])["value"].astype(float))
    wide = pd.concat(longs, axis=1).fillna(0.0)
    out = wide.index.to_frame(index=False)
    for name, column in band(wide.to_numpy()).items():
        out[name] = column
    return out[columns]


def run_replicate(scenario, seed: int, out: Path) -> None:
    """One run of ``scenario`` with ``seed`` written to ``out``."""
    model = MigrationModel(scenario=scenario, seed=seed)
    run_model(model).write(out)


def make_ensemble(out: Path, seeds: list[int], variant: str | None = None, scenario_path: Path = CORRIDOR) -> Path:
    """An ensemble folder: replicates/rep-NNN/, bands/<table>.parquet, ensemble.json."""
    scenario = load_scenario(scenario_path).with_variant(variant)
    for i, seed in enumerate(seeds):
        run_replicate(scenario, seed, out / "replicates" / f"rep-{i:03d}")
    (out / "bands").mkdir(parents=True)
    tables = [read_tables(out / "replicates" / f"rep-{i:03d}") for i in range(len(seeds))]
    for name in TABLES:
        bands_table([t[name] for t in tables], KEYS[name]).to_parquet(out / "bands" / f"{name}.parquet", index=False)
    record = {
        "scenario": {"name": scenario.name, "path": str(scenario_path), "variant": variant},
        "variant": variant,
        "replicates": len(seeds),
        "seed": seeds[0],
        "seeds": seeds,
        "quantiles": list(QUANTILES),
        "scale": scenario.scale,
        "days": scenario.days,
        "version": "test",
    }
    (out / "ensemble.json").write_text(json.dumps(record))
    return out


def read_tables(folder: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES}


def indicators(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The comparison indicators of one run: indicator, key, day, date, unit, value."""
    frames = []
    c = tables["countries"].sort_values("day")
    frames.append(c.assign(indicator="arrivals", key=c["iso3"], value=c.groupby("iso3")["arrivals"].cumsum()))
    frames.append(c.assign(indicator="without_shelter", key=c["iso3"], value=c["without_shelter"]))
    x = tables["crossings"].sort_values("day")
    frames.append(x.assign(indicator="waiting", key=x["crossing"], value=x["waiting"]))
    frames.append(x.assign(indicator="irregular_crossings", key=x["crossing"], value=x.groupby("crossing")["irregular"].cumsum()))
    incidents = x[INCIDENTS].sum(axis=1)
    frames.append(x.assign(indicator="incidents", key=x["crossing"], value=incidents.groupby(x["crossing"]).cumsum()))
    k = tables["campaigns"]
    if not k.empty:
        per = k.groupby(["day", "date", "campaign"], as_index=False)["reached_total"].sum()
        frames.append(per.assign(indicator="campaign_reach", key=per["campaign"], value=per["reached_total"]))
    out = pd.concat([f[["indicator", "key", "day", "date", "value"]] for f in frames], ignore_index=True)
    out["unit"] = "persons"
    return out


def make_comparison(out: Path, variants: dict[str, str | None], seeds: list[int], days: list[int]) -> Path:
    """A comparison folder: variants/<name>/ ensembles, comparison.parquet/.csv, comparison.json."""
    per_variant = {}
    for name, variant in variants.items():
        folder = make_ensemble(out / "variants" / name, seeds, variant)
        per_variant[name] = [indicators(read_tables(folder / "replicates" / f"rep-{i:03d}")) for i in range(len(seeds))]
    index = ["indicator", "key", "day", "date", "unit"]

    def stacked(frames):
        wide = pd.concat([f.loc[f["day"].isin(days)].set_index(index)["value"].astype(float) for f in frames], axis=1)
        return wide.fillna(0.0)

    base = stacked(per_variant["baseline"])
    rows = []
    for name in variants:
        wide = stacked(per_variant[name]).reindex(base.index.union(stacked(per_variant[name]).index)).fillna(0.0)
        aligned = base.reindex(wide.index).fillna(0.0)
        frame = wide.index.to_frame(index=False)
        for column, values in band(wide.to_numpy()).items():
            frame[column] = values
        for column, values in band(wide.to_numpy() - aligned.to_numpy()).items():
            frame["diff_" + column] = values
        frame.insert(0, "variant", name)
        rows.append(frame)
    table = pd.concat(rows, ignore_index=True)
    table.to_parquet(out / "comparison.parquet", index=False)
    table.to_csv(out / "comparison.csv", index=False)
    record = {
        "scenario": str(CORRIDOR),
        "baseline": "baseline",
        "variants": list(variants),
        "replicates": len(seeds),
        "seeds": seeds,
        "quantiles": list(QUANTILES),
        "indicators": sorted(table["indicator"].unique()),
        "dates": sorted({str(pd.Timestamp(d).date()) for d in table["date"]}),
    }
    (out / "comparison.json").write_text(json.dumps(record))
    return out

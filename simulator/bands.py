"""Quantile bands over replicates: the median and a chosen interval for every output series."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulator.errors import MigsimError

#: Columns that identify a row of each results table (the rest are quantities).
KEY_COLUMNS = {
    "nodes": ("day", "date", "node_id", "iso3"),
    "links": ("day", "date", "link_id", "from_node", "to_node"),
    "countries": ("day", "date", "iso3"),
    "totals": ("day", "date"),
    "crossings": ("day", "date", "link_id", "crossing", "from_iso3", "to_iso3"),
    "information": ("day", "date", "node_id", "topic"),
    "campaigns": ("day", "date", "campaign", "channel", "misinformation"),
}

DEFAULT_QUANTILES = (0.1, 0.5, 0.9)


def quantile_label(q: float) -> str:
    """``0.1 -> 'p10'``, ``0.5 -> 'p50'``, ``0.025 -> 'p2.5'``."""
    pct = round(q * 100, 6)
    return f"p{pct:g}"


def check_quantiles(quantiles: Sequence[float]) -> tuple[float, ...]:
    """Sorted, distinct quantiles in (0, 1); the median is always included."""
    values = sorted({float(q) for q in quantiles} | {0.5})
    for q in values:
        if not 0.0 < q < 1.0:
            raise MigsimError(f"quantiles must be between 0 and 1 exclusive (got {q})")
    return tuple(values)


def quantity_columns(table: str, frame: pd.DataFrame) -> list[str]:
    """The numeric value columns of a results table."""
    keys = KEY_COLUMNS.get(table, ("day", "date"))
    return [c for c in frame.columns if c not in keys and pd.api.types.is_numeric_dtype(frame[c])]


def _same_rows(frames: Sequence[pd.DataFrame], keys: Sequence[str]) -> bool:
    """True when every replicate has the same row keys in the same order (the usual case)."""
    first = frames[0][list(keys)].reset_index(drop=True)
    return all(len(f) == len(first) and f[list(keys)].reset_index(drop=True).equals(first) for f in frames[1:])


def table_bands(frames: Sequence[pd.DataFrame], table: str, quantiles: Sequence[float] = DEFAULT_QUANTILES) -> pd.DataFrame:
    """Mean and quantiles over replicates, per row key and quantity, in long form.

    ``frames`` are the same table from each replicate.  The result has the key
    columns, ``quantity``, ``mean`` and one column per quantile (``p10``...).
    Rows missing from a replicate count as zero there (a campaign that reached
    nobody on a day in one replicate reached zero people, not an unknown number).
    """
    if not frames:
        raise MigsimError("no replicates to compute bands from")
    quantiles = check_quantiles(quantiles)
    keys = [c for c in KEY_COLUMNS.get(table, ("day", "date")) if c in frames[0].columns]
    values = quantity_columns(table, frames[0])
    if _same_rows(frames, keys):
        key_frame = frames[0][keys].reset_index(drop=True)
        cube = np.stack([f[values].to_numpy(dtype=np.float64) for f in frames])  # replicate x row x quantity
    else:
        merged = pd.concat([f.assign(_replicate=i) for i, f in enumerate(frames)], ignore_index=True)
        wide = merged.pivot_table(index=keys, columns="_replicate", values=values, aggfunc="sum", fill_value=0, sort=True)
        key_frame = wide.index.to_frame(index=False)
        cube = np.stack([wide.xs(i, axis=1, level="_replicate")[values].to_numpy(np.float64) for i in range(len(frames))])
    rows, n_quantities = cube.shape[1], cube.shape[2]
    out = key_frame.loc[key_frame.index.repeat(n_quantities)].reset_index(drop=True)
    out["quantity"] = np.tile(np.array(values, dtype=object), rows)
    out["mean"] = cube.mean(axis=0).reshape(-1)
    for q, level in zip(quantiles, np.quantile(cube, quantiles, axis=0), strict=True):
        out[quantile_label(q)] = level.reshape(-1)
    return out


def series_bands(values: np.ndarray, quantiles: Sequence[float] = DEFAULT_QUANTILES) -> dict[str, np.ndarray]:
    """Mean and quantiles over axis 0 (replicates) of an array, as ``{'mean': ..., 'p10': ...}``."""
    quantiles = check_quantiles(quantiles)
    values = np.asarray(values, dtype=np.float64)
    out = {"mean": values.mean(axis=0)}
    for q, level in zip(quantiles, np.quantile(values, quantiles, axis=0), strict=True):
        out[quantile_label(q)] = level
    return out


def indicator_bands(series: pd.DataFrame, quantiles: Sequence[float] = DEFAULT_QUANTILES) -> pd.DataFrame:
    """Mean and quantiles over replicates of indicator series (``replicate`` column) per indicator, key and day."""
    quantiles = check_quantiles(quantiles)
    keys = ["indicator", "key", "day", "date", "unit"]
    grouped = series.groupby(keys, sort=False)["value"]
    out = grouped.mean().rename("mean").to_frame()
    for q in quantiles:
        out[quantile_label(q)] = grouped.quantile(q)
    return out.reset_index()

"""Figures with their uncertainty band, the same way for one run and for an ensemble.

Every figure the report shows is a frame of key columns, then ``mean``,
``low``, ``median`` and ``high``. For one run the four are the run's value
(no band). For an ensemble, a quantity that is a column of a table is read
from ``bands/<table>.parquet`` (``low``/``high`` are its lowest and highest
quantile columns, ``median`` is ``p50``); a figure derived from a table (a
running total, a sum over a month) is computed in each replicate first and
its quantiles taken across replicates afterwards, since quantiles of daily
values do not add up to quantiles of their sum.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from simulator.report.folder import BAND_KEYS, Results

VALUES = ["mean", "low", "median", "high"]


def quantile_columns(quantiles) -> tuple[str, str, str]:
    """Names of the lowest, median and highest quantile columns (``p10``, ``p50``, ``p90``)."""
    names = [f"p{round(q * 100):02d}" for q in sorted(quantiles)]
    return names[0], "p50", names[-1]


def direct(results: Results, table: str, quantity: str) -> pd.DataFrame:
    """``quantity`` (a column of ``table``) per day and key, with its band."""
    keys = ["day", "date", *BAND_KEYS[table]]
    if results.kind == "ensemble":
        bands = results.bands[table]
        if bands.empty:  # e.g. no campaign in the scenario: the bands table may carry no columns at all
            return pd.DataFrame({c: pd.Series(dtype=float) for c in [*keys, *VALUES]}).assign(
                date=pd.Series(dtype="datetime64[ns]")
            )
        rows = bands.loc[bands["quantity"] == quantity]
        low, median, high = quantile_columns(results.quantiles)
        out = rows[keys].copy()
        out["mean"], out["low"], out["median"], out["high"] = rows["mean"], rows[low], rows[median], rows[high]
    else:
        source = results.replicates[0][table]
        out = source[keys].copy()
        value = source[quantity].astype(float) if quantity in source else pd.Series(0.0, index=source.index)
        for column in VALUES:
            out[column] = value
    out["date"] = pd.to_datetime(out["date"])
    return out.sort_values(keys).reset_index(drop=True)


def derived(results: Results, compute: Callable[[dict[str, pd.DataFrame]], pd.DataFrame]) -> pd.DataFrame:
    """A figure computed by ``compute(tables)`` in each replicate, with its band across replicates.

    ``compute`` returns a frame of key columns and one ``value`` column; keys
    missing from a replicate count as 0 there.
    """
    frames = [compute(tables) for tables in results.replicates]
    keys = [c for c in frames[0].columns if c != "value"]
    if not keys:
        raise ValueError("a derived figure needs at least one key column")
    wide = pd.concat([f.set_index(keys)["value"] for f in frames], axis=1, keys=range(len(frames))).fillna(0.0)
    values = wide.to_numpy(dtype=float)
    out = wide.index.to_frame(index=False)
    if values.shape[1] == 1:
        for column in VALUES:
            out[column] = values[:, 0]
    else:
        quantiles = sorted(results.quantiles)
        q = np.quantile(values, quantiles, axis=1) if len(values) else np.zeros((len(quantiles), 0))
        out["mean"] = values.mean(axis=1)
        out["low"], out["median"], out["high"] = q[0], q[quantiles.index(0.5)], q[-1]
    return out.sort_values(keys).reset_index(drop=True)


def at_date(frame: pd.DataFrame, date) -> pd.DataFrame:
    """Rows of ``frame`` on ``date``."""
    return frame.loc[frame["date"] == pd.Timestamp(date)]

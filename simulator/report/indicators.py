"""The figures a plan is argued on, computed from one run's tables (persons).

Each function takes a run's tables and returns key columns plus ``value``; the
report bands them across replicates with :func:`simulator.report.bands.derived`.
"""

from __future__ import annotations

import pandas as pd

INCIDENT_COLUMNS = ["deaths", "injuries", "robberies", "trafficking"]
"""What an incident is: a death, an injury, a robbery or a trafficking case on an irregular crossing."""


def _dated(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def arrivals_so_far(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """People who have reached a destination in each country since the start, per day."""
    c = _dated(tables["countries"]).sort_values(["iso3", "day"])
    c["value"] = c.groupby("iso3")["arrivals"].cumsum()
    return c[["iso3", "day", "date", "value"]]


def arrivals_by_month(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """People arriving at a destination in each country in each calendar month (or the part of it simulated)."""
    c = _dated(tables["countries"])
    c["month"] = c["date"].dt.to_period("M").dt.start_time
    out = c.groupby(["iso3", "month"], as_index=False)["arrivals"].sum()
    return out.rename(columns={"arrivals": "value"})


def totals_so_far(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Irregular crossings and incidents since the start, all crossings together, per day (``measure`` column)."""
    t = _dated(tables["totals"]).sort_values("day")
    frames = []
    for measure in ("irregular_crossings", "incidents"):
        frames.append(pd.DataFrame({"measure": measure, "day": t["day"], "date": t["date"], "value": t[measure].cumsum()}))
    return pd.concat(frames, ignore_index=True)


def crossing_totals(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per crossing over the whole run: regular and irregular crossings, incidents, most people waiting at once."""
    x = tables["crossings"]
    if x.empty:
        return pd.DataFrame({"crossing": pd.Series(dtype=str), "measure": pd.Series(dtype=str), "value": pd.Series(dtype=float)})
    grouped = x.assign(incidents=x[INCIDENT_COLUMNS].sum(axis=1)).groupby("crossing")
    measures = {
        "regular": grouped["regular"].sum(),
        "irregular": grouped["irregular"].sum(),
        "incidents": grouped["incidents"].sum(),
        "most_waiting": grouped["waiting"].max(),
    }
    frames = [pd.DataFrame({"crossing": s.index, "measure": name, "value": s.to_numpy()}) for name, s in measures.items()]
    return pd.concat(frames, ignore_index=True)


def campaign_reach_so_far(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """People each campaign channel has reached since the start (unique per channel), every day of the run."""
    days = _dated(tables["totals"])[["day", "date"]]
    c = tables["campaigns"]
    if c.empty:
        return pd.DataFrame(
            {"campaign": pd.Series(dtype=str), "channel": pd.Series(dtype=str), "day": pd.Series(dtype=int), "value": []}
        ).assign(date=pd.Series(dtype="datetime64[ns]"))[["campaign", "channel", "day", "date", "value"]]
    wide = c.pivot_table(index="day", columns=["campaign", "channel"], values="reached_total", aggfunc="max")
    wide = wide.reindex(days["day"].to_numpy()).ffill().fillna(0.0)
    long = wide.stack(["campaign", "channel"], future_stack=True).rename("value").reset_index()
    long = long.merge(days, on="day")
    return long[["campaign", "channel", "day", "date", "value"]]


def link_flow_window(tables: dict[str, pd.DataFrame], dates: list[pd.Timestamp], window_days: int) -> pd.DataFrame:
    """People entering each undirected link in both directions in the ``window_days`` up to each date."""
    links = _dated(tables["links"])
    frames = []
    for date in dates:
        span = links.loc[(links["date"] > date - pd.Timedelta(days=window_days)) & (links["date"] <= date)]
        s = span.groupby("link_id")["flow"].sum()
        frames.append(pd.DataFrame({"link_id": s.index, "date": date, "value": s.to_numpy()}))
    return pd.concat(frames, ignore_index=True)


def arrivals_total_so_far(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """People who have reached a destination anywhere since the start, per day."""
    t = _dated(tables["totals"]).sort_values("day")
    return pd.DataFrame({"key": "all", "day": t["day"], "date": t["date"], "value": t["arrivals"].cumsum()})

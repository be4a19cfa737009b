"""The report's tables: the same figures as the charts, as HTML for the page and tidy CSV for spreadsheets."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from simulator.report import fmt
from simulator.report.bands import quantile_columns
from simulator.report.content import Content

MEASURES = {
    "regular": "regular crossings",
    "irregular": "irregular crossings",
    "incidents": "incidents",
    "most_waiting": "most people waiting at once",
}


@dataclass
class Table:
    """One table: id, title, caption, what the page shows (formatted text) and the tidy figures behind it."""

    id: str
    title: str
    caption: str
    shown: pd.DataFrame  # index: row labels; cells: formatted text
    tidy: pd.DataFrame  # keys, then mean/low/median/high (named as the quantiles in CSV)

    def csv_frame(self, banded: bool, quantiles) -> pd.DataFrame:
        """The tidy figures with columns named for a spreadsheet (``value``, or ``mean``, ``p10``, ``p50``, ``p90``)."""
        frame = self.tidy.copy()
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]):
                frame[column] = frame[column].dt.date
        if not banded:
            return frame.drop(columns=["mean", "low", "high"]).rename(columns={"median": "value"})
        low, median, high = quantile_columns(quantiles)
        return frame.rename(columns={"low": low, "median": median, "high": high})


def _pivot(frame: pd.DataFrame, row: str, column: str, banded: bool, label_row, label_column) -> pd.DataFrame:
    frame = frame.assign(text=[fmt.cell(r.low, r.median, r.high, banded) for r in frame.itertuples()])
    shown = frame.pivot(index=row, columns=column, values="text").fillna("0")
    shown.index = [label_row(k) for k in shown.index]
    shown.columns = [label_column(k) for k in shown.columns]
    return shown


def arrivals_table(content: Content) -> Table:
    """Arrivals per destination country per month."""
    frame = content.arrivals_monthly
    keep = frame.groupby("iso3")["median"].transform("sum") > 0
    frame = frame.loc[keep].copy()
    order = frame.groupby("iso3")["median"].sum().sort_values(ascending=False).index
    frame["iso3"] = pd.Categorical(frame["iso3"], categories=list(order), ordered=True)
    frame = frame.sort_values(["iso3", "month"])
    shown = _pivot(frame, "iso3", "month", content.banded, content.country, fmt.month) if len(frame) else pd.DataFrame()
    tidy = frame.assign(iso3=frame["iso3"].astype(str))
    tidy.insert(1, "country", [content.country(k) for k in tidy["iso3"]])
    last = fmt.date(content.end)
    caption = (
        "People arriving at a destination in each country in each calendar month (the last month up to "
        f"{last}; the first from {fmt.date(content.start)})."
    )
    return Table("table-arrivals", "Arrivals per destination country per month", caption, shown, tidy)


def crossings_table(content: Content) -> Table:
    """Per crossing over the run."""
    frame = content.crossing_totals
    keep = frame.groupby("crossing")["median"].transform("sum") > 0
    frame = frame.loc[keep].copy()
    irregular = frame.loc[frame["measure"] == "irregular"].set_index("crossing")["median"]
    regular = frame.loc[frame["measure"] == "regular"].set_index("crossing")["median"]
    order = list((irregular + regular).sort_values(ascending=False).index)
    frame["crossing"] = pd.Categorical(frame["crossing"], categories=order, ordered=True)
    frame["measure"] = pd.Categorical(frame["measure"], categories=list(MEASURES), ordered=True)
    frame = frame.sort_values(["crossing", "measure"])
    shown = _pivot(frame, "crossing", "measure", content.banded, str, MEASURES.get) if len(frame) else pd.DataFrame()
    tidy = frame.assign(crossing=frame["crossing"].astype(str), measure=frame["measure"].astype(str))
    caption = (
        f"Each border crossing from {fmt.date(content.start)} to {fmt.date(content.end)}: people crossing by the regular "
        "channel and irregularly, incidents on irregular crossings, and the most people waiting on any one day."
    )
    return Table("table-crossings", "Border crossings over the run", caption, shown, tidy)


def _at_map_dates(content: Content, frame: pd.DataFrame, key: str, label) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = frame.loc[frame["date"].isin(content.map_dates)].copy()
    keep = rows.groupby(key)["median"].transform("max") > 0
    rows = rows.loc[keep]
    order = rows.groupby(key)["median"].max().sort_values(ascending=False).index
    rows[key] = pd.Categorical(rows[key], categories=list(order), ordered=True)
    rows = rows.sort_values([key, "date"])
    shown = _pivot(rows, key, "date", content.banded, label, fmt.short_date) if len(rows) else pd.DataFrame()
    tidy = rows.assign(**{key: rows[key].astype(str)})[[key, "day", "date", "mean", "low", "median", "high"]]
    return shown, tidy


def waiting_table(content: Content) -> Table:
    """People waiting per crossing at the map dates."""
    shown, tidy = _at_map_dates(content, content.waiting, "crossing", str)
    return Table(
        "table-waiting",
        "People waiting at border crossings",
        "People queuing at each crossing at the end of each map date.",
        shown,
        tidy,
    )


def shelter_table(content: Content) -> Table:
    """People without shelter per place at the map dates."""
    shown, tidy = _at_map_dates(content, content.shelter_nodes, "node_id", content.node)
    tidy.insert(1, "place", [content.node(k) for k in tidy["node_id"]])
    return Table(
        "table-shelter",
        "People without shelter",
        "People beyond a place's shelter places at the end of each map date.",
        shown,
        tidy,
    )


def reach_table(content: Content) -> Table:
    """Campaign reach at the map dates."""
    reach = content.reach.copy()
    reach["key"] = [content.campaign_label(c, ch) for c, ch in zip(reach["campaign"], reach["channel"], strict=True)]
    shown, tidy = _at_map_dates(content, reach, "key", str)
    if len(tidy):
        split = reach.drop_duplicates("key").set_index("key")
        tidy.insert(0, "campaign", [split.at[k, "campaign"] for k in tidy["key"]])
        tidy.insert(1, "channel", [split.at[k, "channel"] for k in tidy["key"]])
        tidy = tidy.drop(columns="key")
    return Table(
        "table-reach",
        "Campaign reach",
        "People each campaign channel has reached at least once, by each map date.",
        shown,
        tidy,
    )


def run_tables(content: Content) -> list[Table]:
    """Every table of a run's or ensemble's report."""
    return [
        arrivals_table(content),
        crossings_table(content),
        waiting_table(content),
        shelter_table(content),
        reach_table(content),
    ]

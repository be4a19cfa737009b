"""Exports beside the report: GIS layers (GeoJSON, RFC 7946) and CSV for spreadsheets.

``nodes.geojson``: one Point per place, with its figures at each map date as
properties (``people_2024-09-29``, ``without_shelter_2024-09-29``; for an
ensemble the median, plus ``_p10`` / ``_p90`` for the band).
``links.geojson``: one LineString per link, with the people who set out along
it (both directions) in the 30 days up to each date, and for border crossings
the people waiting there.
``figures/*.csv``: the report's tables, tidy. ``tables/*.csv``: the run's
tables (or, for an ensemble, its bands tables) as CSV.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.report.bands import at_date, quantile_columns
from simulator.report.content import FLOW_WINDOW_DAYS, Content
from simulator.report.tables import Table
from simulator.results import SERIES_TABLES


def _number(value: float) -> float | int:
    value = float(value)
    if not math.isfinite(value):
        return 0
    return int(value) if value.is_integer() else round(value, 3)


def _dated_properties(content: Content, frame: pd.DataFrame, key: str, name: str) -> dict[str, dict[str, Any]]:
    """key -> {name_DATE: median, name_DATE_p10: low, name_DATE_p90: high} over the map dates."""
    low_name, _, high_name = quantile_columns(content.results.quantiles)
    out: dict[str, dict[str, Any]] = {}
    for date in content.map_dates:
        stamp = f"{pd.Timestamp(date):%Y-%m-%d}"
        for row in at_date(frame, date).itertuples():
            props = out.setdefault(str(getattr(row, key)), {})
            props[f"{name}_{stamp}"] = _number(row.median)
            if content.banded:
                props[f"{name}_{stamp}_{low_name}"] = _number(row.low)
                props[f"{name}_{stamp}_{high_name}"] = _number(row.high)
    return out


def _zeros(content: Content, names: list[str]) -> dict[str, Any]:
    low_name, _, high_name = quantile_columns(content.results.quantiles)
    out: dict[str, Any] = {}
    for date in content.map_dates:
        stamp = f"{pd.Timestamp(date):%Y-%m-%d}"
        for name in names:
            out[f"{name}_{stamp}"] = 0
            if content.banded:
                out[f"{name}_{stamp}_{low_name}"] = 0
                out[f"{name}_{stamp}_{high_name}"] = 0
    return out


def nodes_geojson(content: Content) -> dict[str, Any]:
    """Places as Point features with people present and without shelter at each map date."""
    people = _dated_properties(content, content.node_people, "node_id", "people")
    shelter = _dated_properties(content, content.shelter_nodes, "node_id", "without_shelter")
    zeros = _zeros(content, ["people", "without_shelter"])
    features = []
    for node in content.places.nodes.itertuples():
        properties = {
            "node_id": node.id,
            "name": node.name,
            "country": content.country(node.iso3),
            "iso3": node.iso3,
            "kind": node.kind,
            **zeros,
            **people.get(node.id, {}),
            **shelter.get(node.id, {}),
        }
        geometry = {"type": "Point", "coordinates": [round(float(node.longitude), 6), round(float(node.latitude), 6)]}
        features.append({"type": "Feature", "id": node.id, "geometry": geometry, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def links_geojson(content: Content) -> dict[str, Any]:
    """Links as LineString features with flows at each map date, and people waiting at crossings."""
    nodes = content.places.nodes.set_index("id")
    flow = _dated_properties(content, content.link_flow, "link_id", f"flow_{FLOW_WINDOW_DAYS}d")
    named = content.results.replicates[0]["crossings"][["link_id", "crossing"]].drop_duplicates()
    crossing_of = dict(zip(named["link_id"], named["crossing"], strict=True))
    waiting = _dated_properties(content, content.waiting, "crossing", "waiting")
    features = []
    for link in content.places.links.itertuples():
        a, b = nodes.loc[link.from_node], nodes.loc[link.to_node]
        crossing = crossing_of.get(link.id)
        properties = {
            "link_id": link.id,
            "from_node": link.from_node,
            "to_node": link.to_node,
            "from_name": a["name"],
            "to_name": b["name"],
            "distance_km": _number(getattr(link, "distance_km", 0) or 0),
            "mode": getattr(link, "mode", "road"),
            "crossing": crossing,
            **_zeros(content, [f"flow_{FLOW_WINDOW_DAYS}d"]),
            **flow.get(link.id, {}),
        }
        if crossing is not None:
            properties.update(_zeros(content, ["waiting"]))
            properties.update(waiting.get(crossing, {}))
        coordinates = [
            [round(float(a["longitude"]), 6), round(float(a["latitude"]), 6)],
            [round(float(b["longitude"]), 6), round(float(b["latitude"]), 6)],
        ]
        features.append(
            {
                "type": "Feature",
                "id": link.id,
                "geometry": {"type": "LineString", "coordinates": coordinates},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, date_format="%Y-%m-%d")


def write_exports(content: Content, tables: list[Table], folder: Path) -> list[Path]:
    """Write the GeoJSON layers and the CSV files into ``folder`` (which must exist and be empty)."""
    written = []
    if content.places is not None:
        for name, collection in (("nodes", nodes_geojson(content)), ("links", links_geojson(content))):
            path = folder / f"{name}.geojson"
            path.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
            written.append(path)
    (folder / "figures").mkdir()
    for table in tables:
        path = folder / "figures" / f"{table.id.removeprefix('table-')}.csv"
        _csv(table.csv_frame(content.banded, content.results.quantiles), path)
        written.append(path)
    (folder / "tables").mkdir()
    results = content.results
    for name in SERIES_TABLES:
        frame = results.bands[name] if results.kind == "ensemble" else results.replicates[0][name]
        path = folder / "tables" / f"{name}.csv"
        _csv(frame, path)
        written.append(path)
    return written

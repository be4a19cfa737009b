"""Small hand-made Flee-style scenarios for the flee ruleset tests."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import REPO

FLEE_DATA = REPO / "tests" / "data" / "flee"
FLEE_INPUT = FLEE_DATA / "input"
FLEE_VALIDATION = FLEE_DATA / "validation"
FLEE_SETTINGS = FLEE_DATA / "simsetting.yml"


def flee_scenario(
    places: list[tuple],
    links: list[tuple],
    *,
    days: int = 3,
    stocks: dict[str, int] | None = None,
    events: list[dict] | None = None,
    flee: dict | None = None,
    parameters: dict | None = None,
    observed: list[dict] | None = None,
) -> dict:
    """A scenario mapping: ``places`` are (name, location_type[, {flee attributes}]), ``links`` (id, a, b, km[, speed])."""
    nodes, rows = [], []
    for i, place in enumerate(places):
        name, kind = place[0], place[1]
        extra = place[2] if len(place) > 2 else {}
        engine = {"conflict_zone": "origin city", "camp": "destination city"}.get(kind, "transit hub")
        nodes.append(
            {
                "id": name,
                "name": name,
                "iso3": extra.pop("iso3", "AAA"),
                "latitude": 0,
                "longitude": i,
                "kind": engine,
                "attractiveness": 1.0 if engine == "destination city" else 0,
            }
        )
        rows.append({"node_id": name, "location_type": kind, **extra})
    link_rows = []
    for link in links:
        row = {"id": link[0], "from": link[1], "to": link[2], "distance_km": link[3]}
        if len(link) > 4:
            row["speed_km_per_day"] = link[4]
        link_rows.append(row)
    data = {
        "name": "flee-test",
        "start_date": "2024-01-01",
        "days": days,
        "seed": 11,
        "graph": {"nodes": nodes, "links": link_rows},
        "flee": {"locations": rows, "spawning": "departures", **(flee or {})},
        "events": events or [],
    }
    if stocks:
        data["initial_stocks"] = [{"node_id": k, "persons": v} for k, v in stocks.items()]
    if parameters:
        data["parameters"] = {"flee": parameters}
    if observed is not None:
        data["observed"] = {"series": observed}
    return data


def import_fixture(tmp: Path, **kwargs):
    """Import the Ruritania fixture into ``tmp``; returns the ImportResult."""
    from simulator.flee.importer import import_flee

    options = {"validation": FLEE_VALIDATION, "settings": FLEE_SETTINGS, **kwargs}
    return import_flee(FLEE_INPUT, tmp / "ruritania.yaml", **options)

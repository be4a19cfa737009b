"""Build the default scenario's tables from the reference data in ``scenarios/reference/``.

Run ``python scripts/build_venezuela_scenario.py``; it rewrites, byte for byte
identically on every run, ``scenarios/venezuela_2024/{nodes,links,stocks,departures}.csv``
and the corridor-B subset ``scenarios/mesoamerica_transit/{nodes,links,crossings}.csv``
(its crossings are those of ``venezuela_2024/crossings.csv``, which is written by hand).

Rules (also in ``scenarios/venezuela_2024/SOURCES.md``):

Nodes (locations.csv, 62 rows)
  * ``iso3`` is the one country a node is counted in.  A border crossing whose
    reference ``iso3`` names two countries (``VEN;COL``) keeps both in
    ``border_iso3`` and is counted in the first one listed (the exit side, where
    people queue to leave).
  * ``kind`` is normalised to: origin city, border crossing, transit hub,
    reception station, destination city.
  * Fixes: Mexico City and San José are ``destination city`` (they host most of
    the Venezuelans living in Mexico and Costa Rica; the reference marks them
    transit hubs); the Darién and Trojes rows get their missing corridor (B).
  * ``attractiveness`` (pull in the destination choice, used as
    ln(attractiveness)): 1 for destination cities, 30 for the three US
    destination cities (the main goal of the 2023-24 northbound movement), 0
    for all other nodes (not chosen as destinations).

Links (links.csv, 75 rows)
  * Removed: L019 Cúcuta-Rumichaca (1,430 km, "multi-leg corridor"), which
    duplicates the chain Cúcuta-Bucaramanga-Bogotá-Cali-Pasto-Rumichaca.
  * Kept: L023 Rumichaca-Huaquillas direct bus (a different road from the one
    through Quito and Guayaquil).
  * ``mode`` normalised to road, bus, boat or foot.  The Darién foot trail gets
    20 km/day: the ~113 km crossing takes 4-7 days (The Atlantic, Sep 2024).

Stocks: R4V mid-2024 (published 2024-07-04), per host country, spread over
the country's nodes with weight 4 per destination city and 1 per transit hub
(0 for origin cities, border crossings, reception stations and the Urabá
staging towns Turbo, Necoclí and Capurganá/Acandí, where people pass through
rather than live), rounded by largest remainder so each country sums exactly
to its R4V figure.  Countries with no node in the graph are left out (their
total is printed).  The United States has no figure in that table: 0.

Departures: the R4V world stock grew from 6,038,937 (2021-11-25) to 7,774,494
(2024-07-04); the net growth per day over those days, rounded to 10, is the
national departure rate.  It is split over the origin cities in proportion to
their populations (GeoNames cities15000, 2013 snapshot): Caracas 3,000,000;
Maracaibo 1,495,200; Valencia 1,385,202; Barquisimeto 809,490; Ciudad Guayana
746,535; San Cristóbal 263,765.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO / "scenarios" / "reference"
OUT = REPO / "scenarios" / "venezuela_2024"

KINDS = {"origin city", "border crossing", "transit hub", "reception station", "destination city"}
KIND_FIXES = {"MX_MEX": "destination city", "CR_SJO": "destination city"}
CORRIDOR_FIXES = {"XB_DARI": "B", "XB_TROJ": "B"}
US_ATTRACTIVENESS = 30.0
REMOVED_LINKS = {"L019": "duplicates the leg chain Cúcuta-Bucaramanga-Bogotá-Cali-Pasto-Rumichaca"}
MODES = {
    "road": "road",
    "road/bridge": "road",
    "road/port of entry": "road",
    "road (direct bus)": "road",
    "foot trail": "foot",
    "boat": "boat",
    "boat (piragua)": "boat",
    "bus (controlled flow)": "bus",
    "bus (humanitarian corridor)": "bus",
}
DARIEN_FOOT_SPEED_KM_PER_DAY = 20
STOCK_WEIGHT = {"destination city": 4, "transit hub": 1}
STAGING_TOWNS = {"CO_TRB", "CO_NEC", "CO_CAPA"}
R4V_VINTAGE = "R4V mid-2024 update (primary table used)"
WORLD_STOCK = ((dt.date(2021, 11, 25), 6_038_937), (dt.date(2024, 7, 4), 7_774_494))
ORIGIN_POPULATION = {
    "VE_CCS": 3_000_000,
    "VE_MAR": 1_495_200,
    "VE_VLN": 1_385_202,
    "VE_BRM": 809_490,
    "VE_CGU": 746_535,
    "VE_SCR": 263_765,
}


def read(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write(name: str, header: list[str], rows: list[list]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    (OUT / name).write_text(buffer.getvalue(), encoding="utf-8")


def largest_remainder(total: float, weights: dict[str, float], step: float = 1.0) -> dict[str, float]:
    """Split ``total`` in proportion to ``weights`` into multiples of ``step`` that sum to it exactly."""
    units = round(total / step)
    weight_sum = sum(weights.values())
    exact = {k: units * w / weight_sum for k, w in weights.items()}
    floors = {k: int(v) for k, v in exact.items()}
    left = units - sum(floors.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - floors[k]), k))[:left]:
        floors[k] += 1
    return {k: v * step for k, v in floors.items()}


def build_nodes() -> list[dict[str, str]]:
    nodes = []
    names = {}
    for row in read("locations.csv"):
        codes = row["iso3"].split(";")
        countries = row["country"].split("/")
        kind = KIND_FIXES.get(row["id"], row["kind"].strip().lower())
        assert kind in KINDS, row
        notes = row["notes"]
        if row["id"] in KIND_FIXES:
            notes = f"{notes} [kind set to destination city: hosts most Venezuelans in the country]".strip()
        corridor = row["corridor"] or CORRIDOR_FIXES.get(row["id"], "")
        if not row["corridor"] and corridor:
            notes = f"{notes} [corridor filled in]".strip()
        attractiveness = 0.0
        if kind == "destination city":
            attractiveness = US_ATTRACTIVENESS if codes[0] == "USA" else 1.0
        names[codes[0]] = countries[0]
        nodes.append(
            {
                "id": row["id"],
                "name": row["name"],
                "country": countries[0],
                "iso3": codes[0],
                "border_iso3": row["iso3"] if len(codes) > 1 else "",
                "latitude": row["latitude"],
                "longitude": row["longitude"],
                "kind": kind,
                "attractiveness": f"{attractiveness:g}",
                "corridor": corridor,
                "coord_source": row["coord_source"],
                "coord_quality": row["coord_quality"],
                "notes": notes,
            }
        )
    return nodes


def build_links(node_ids: set[str]) -> list[list]:
    rows = []
    for row in read("links.csv"):
        if row["link_id"] in REMOVED_LINKS:
            continue
        assert row["from_id"] in node_ids and row["to_id"] in node_ids, row
        mode = MODES[row["mode"]]
        speed = DARIEN_FOOT_SPEED_KM_PER_DAY if mode == "foot" else ""
        notes = " ".join(row["notes"].split())
        if row["link_id"] == "L023":
            notes = f"{notes} [kept: direct coastal bus, a different road from Quito-Guayaquil]".strip()
        rows.append(
            [
                row["link_id"],
                row["from_id"],
                row["to_id"],
                round(float(row["distance_km"])),
                mode,
                speed,
                row["distance_status"],
                row["source"],
                notes,
            ]
        )
    return rows


def build_stocks(nodes: list[dict[str, str]]) -> tuple[list[list], dict[str, int]]:
    r4v = [r for r in read("stocks.csv") if r["vintage"] == R4V_VINTAGE and r["scope"] == "country"]
    in_graph = {n["iso3"] for n in nodes}
    rows, dropped = [], {}
    for country in r4v:
        iso3, total = country["iso3"], int(country["value"])
        if iso3 not in in_graph:
            dropped[iso3] = total
            continue
        weights = {
            n["id"]: STOCK_WEIGHT.get(n["kind"], 0)
            for n in nodes
            if n["iso3"] == iso3 and n["id"] not in STAGING_TOWNS and STOCK_WEIGHT.get(n["kind"], 0) > 0
        }
        assert weights, f"no node can hold the stock of {iso3}"
        split = largest_remainder(total, weights)
        source = f"{country['source']}, {country['source_url']}"
        for node_id, persons in split.items():
            rule = "R4V country total x kind weight (destination city 4, transit hub 1) / country weight sum"
            rows.append([node_id, int(persons), iso3, total, f"{weights[node_id] / sum(weights.values()):.4f}", rule, source])
    return rows, dropped


def build_departures() -> tuple[list[list], float]:
    (d0, s0), (d1, s1) = WORLD_STOCK
    national = round((s1 - s0) / (d1 - d0).days, -1)
    split = largest_remainder(national, ORIGIN_POPULATION, step=0.1)
    total_population = sum(ORIGIN_POPULATION.values())
    rule = f"national net rate ({s1:,} - {s0:,}) / {(d1 - d0).days} days, rounded to 10, x city population share"
    source = (
        "R4V world stock via La República/CNN Español (2021-11-25) and via Lusa/dnoticias.pt (2024-07-04); GeoNames populations"
    )
    rows = [
        [origin, f"{split[origin]:.1f}", f"{ORIGIN_POPULATION[origin] / total_population:.4f}", rule, source]
        for origin in ORIGIN_POPULATION
    ]
    return rows, national


MESO = REPO / "scenarios" / "mesoamerica_transit"


def build_mesoamerica(nodes: list[dict[str, str]], links: list[list]) -> None:
    """The northbound corridor (corridor B): Urabá, the Darién, Central America, Mexico, the US border.

    Nodes are those of corridor B; links those with both ends among them; the
    crossings are the default scenario's on those links.
    """
    MESO.mkdir(parents=True, exist_ok=True)
    keep = [n for n in nodes if n["corridor"] == "B"]
    ids = {n["id"] for n in keep}
    header = list(keep[0])
    rows = [[n[k] for k in header] for n in keep]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    (MESO / "nodes.csv").write_text(buffer.getvalue(), encoding="utf-8")
    kept_links = [row for row in links if row[1] in ids and row[2] in ids]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        [["id", "from", "to", "distance_km", "mode", "speed_km_per_day", "distance_status", "source", "notes"], *kept_links]
    )
    (MESO / "links.csv").write_text(buffer.getvalue(), encoding="utf-8")
    link_ids = {row[0] for row in kept_links}
    with (OUT / "crossings.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        crossing_rows = [next(reader)] + [row for row in reader if row[0] in link_ids]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(crossing_rows)
    (MESO / "crossings.csv").write_text(buffer.getvalue(), encoding="utf-8")
    print(f"mesoamerica_transit: {len(keep)} nodes, {len(kept_links)} links, {len(crossing_rows) - 1} crossings")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    nodes = build_nodes()
    header = list(nodes[0])
    write("nodes.csv", header, [[n[k] for k in header] for n in nodes])
    links = build_links({n["id"] for n in nodes})
    write(
        "links.csv",
        ["id", "from", "to", "distance_km", "mode", "speed_km_per_day", "distance_status", "source", "notes"],
        links,
    )
    stocks, dropped = build_stocks(nodes)
    write("stocks.csv", ["node_id", "persons", "iso3", "country_total_persons", "share_of_country", "rule", "source"], stocks)
    departures, national = build_departures()
    write("departures.csv", ["origin_id", "persons_per_day", "share", "rule", "source"], departures)
    placed = sum(r[1] for r in stocks)
    print(f"{len(nodes)} nodes, {len(links)} links, {placed:,} persons in stocks, departures {national:,.0f} persons/day")
    print(f"left out (no node in the graph): {dropped} = {sum(dropped.values()):,} persons")
    build_mesoamerica(nodes, links)


if __name__ == "__main__":
    main()

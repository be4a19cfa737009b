"""A Flee case as a migsim scenario: graph, Flee attributes, events, observed series and departures.

* locations become nodes (conflict zones are origin cities, camps destination
  cities, every other place a transit hub, for migsim's own ruleset) and rows
  of the ``flee:`` section (Flee's type, population, capacity, intensity);
* routes become links (a ``forced_redirection`` of 1 makes the link twice, as
  Flee does); ``max_move_speed`` becomes the link's speed, ``walk_probability``
  a ``flee.links`` row;
* conflicts.csv transitions become ``conflict`` events, closures ``close_link``
  / ``open_link`` and ``set_location_type`` events;
* the validation series, registration corrections applied, become the
  ``observed:`` series, the camps' day-0 counts the initial stocks;
* the daily spawn counts of Flee's spawning become departure series per
  conflict zone (weekly means), so migsim's own ruleset runs the same case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.errors import ScenarioError
from simulator.flee.countries import country_codes
from simulator.flee.reader import FleeCase, Note
from simulator.flee.settings import Settings
from simulator.observed import TOTAL, interpolate

NODE_KIND = {"conflict_zone": "origin city", "camp": "destination city", "idp_camp": "destination city"}
LOCATION_ATTRIBUTES = ("conflict_intensity", "capacity_per_day", "initial_idps")


@dataclass
class Imported:
    """The scenario mapping (paths relative to the YAML) and the CSV tables it names."""

    scenario: dict[str, Any]
    tables: dict[str, tuple[list[str], list[dict[str, Any]]]] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)


def convert(case: FleeCase, settings: Settings, name: str, data_dir: str, notes: list[Note]) -> Imported:
    """Map a Flee case to a migsim scenario; ``data_dir`` is the tables' folder relative to the YAML."""
    days = case.length_days
    locs = case.locations
    by_name = {loc.name: loc for loc in locs}
    section = {"spawning": "sum_from_camps", **settings.section}
    if section["spawning"] == "sum_from_camps" and case.validation_dir is None:
        raise ScenarioError(
            "Flee's default spawning (sum from camps) needs the observed camp series: pass --validation DIR, "
            "or set spawn_rules.conflict_driven_spawning in the settings",
            str(case.input_dir),
        )
    codes, made_up = country_codes([loc.country for loc in locs])
    for country in made_up:
        first = next(loc for loc in locs if loc.country == country)
        notes.append(Note(case.location_file, first.line, f"country '{country}' has no known ISO code; coded '{codes[country]}'"))

    conflict_events, ever_conflict = _conflict_events(case, notes)
    flee_rows, node_rows, idps = [], [], {}
    for loc in locs:
        attrs = dict(loc.attributes)
        kind = loc.location_type
        row: dict[str, Any] = {"node_id": loc.name, "region": loc.region}
        intensity = None
        if "conflict_intensity" in attrs and attrs["conflict_intensity"] != "":
            intensity = _float(attrs["conflict_intensity"], case.location_file, loc.line, "conflict_intensity")
        if kind == "conflict_zone":
            if loc.conflict_date is not None and loc.conflict_date > 0:
                kind = "town"
                if case.conflicts is None:
                    notes.append(Note(case.location_file, loc.line,
                                      f"{loc.name}: conflict_date {loc.conflict_date} > 0 but no conflicts.csv: Flee never "
                                      "starts this conflict, and neither does migsim (add a conflict event to start it)"))  # fmt: skip
            else:
                row["conflict_intensity"] = intensity if intensity else 1.0
                row["conflict_day"] = loc.conflict_date or 0
        if kind in ("camp", "idp_camp"):
            row["capacity_persons"] = loc.size
        else:
            row["population"] = loc.size
        if "capacity_per_day" in attrs and attrs["capacity_per_day"] != "":
            per_day = _float(attrs["capacity_per_day"], case.location_file, loc.line, "capacity_per_day")
            if kind in ("camp", "idp_camp"):
                row["capacity_per_day"] = per_day
            elif per_day:
                notes.append(Note(case.location_file, loc.line, f"{loc.name}: capacity_per_day applies to camps only; ignored"))
        if "initial_idps" in attrs and attrs["initial_idps"] != "":
            idps[loc.name] = int(_float(attrs["initial_idps"], case.location_file, loc.line, "initial_idps"))
        for attr, value in attrs.items():
            if attr not in LOCATION_ATTRIBUTES and value != "":
                notes.append(Note(case.location_file, loc.line, f"{loc.name}: attribute '{attr}' is not modelled; ignored"))
        row["location_type"] = kind
        flee_rows.append(row)
        engine_kind = (
            "origin city" if loc.name in ever_conflict or kind == "conflict_zone" else NODE_KIND.get(kind, "transit hub")
        )
        node = {
            "id": loc.name,
            "name": loc.name,
            "country": loc.country,
            "iso3": codes[loc.country],
            "latitude": loc.latitude,
            "longitude": loc.longitude,
            "kind": engine_kind,
            "attractiveness": 1.0 if engine_kind == "destination city" else 0.0,
            "shelter_capacity_persons": loc.size if kind in ("camp", "idp_camp") and loc.size > 0 else "",
        }
        node_rows.append(node)

    link_rows, walk_rows, pair_links = _links(case, notes)
    events = conflict_events + _closure_events(case, pair_links, link_rows, days, notes)
    events.sort(key=lambda e: e["day"])
    events = [
        {"type": e["type"], "date": (case.start_date + dt.timedelta(days=e["day"])).isoformat()}
        | {k: v for k, v in e.items() if k not in ("type", "day")}
        for e in events
    ]

    observed_rows, observed = [], {}
    if case.validation_dir is not None:
        observed = _observed(case, notes)
        for series, points in observed.items():
            for date, persons in points:
                observed_rows.append({"series": series, "date": date.isoformat(), "persons": round(persons, 6)})
        camps = [loc.name for loc in locs if loc.location_type in ("camp", "idp_camp")]
        for camp in camps:
            if camp not in observed:
                raise ScenarioError(
                    f"camp '{camp}' has no row: Flee needs an observed series for every camp of locations.csv",
                    case.layout_file,
                    field="name",
                )
        layout_line = {row.name: row.line for row in case.layout[1:]}
        for series in observed:
            if series != TOTAL and by_name[series].location_type not in ("camp", "idp_camp"):
                notes.append(
                    Note(
                        case.layout_file,
                        layout_line.get(series),
                        f"'{series}' is not a camp; its series still counts in the spawn total, as in Flee",
                    )
                )

    # Day 0: camps hold their observed day-0 counts (Flee's insert_day0), plus any initial_idps.
    stocks: dict[str, int] = {}
    daily = {k: interpolate(_day_points(case, v), days + 1) for k, v in observed.items()}
    if section.get("insert_day0", True):
        for loc in locs:
            if loc.location_type in ("camp", "idp_camp") and loc.name in daily:
                stocks[loc.name] = int(daily[loc.name][0])
    for place, count in idps.items():
        stocks[place] = stocks.get(place, 0) + count
    stock_rows = [{"node_id": k, "persons": v} for k, v in stocks.items() if v > 0]

    departures = engine_departures(case, flee_rows, section, daily, days)
    scenario: dict[str, Any] = {
        "name": name,
        "description": f"Imported from the Flee case {case.input_dir} by migsim import-flee.",
        "start_date": case.start_date.isoformat(),
        "days": days,
        "seed": 0,
        "scale": settings.scale,
        "graph": {"nodes": f"{data_dir}/nodes.csv", "links": f"{data_dir}/links.csv"},
    }
    tables = {
        f"{data_dir}/nodes.csv": (list(node_rows[0]), node_rows),
        f"{data_dir}/links.csv": (["id", "from", "to", "distance_km", "speed_km_per_day"], link_rows),
        f"{data_dir}/flee_locations.csv": (
            [
                "node_id",
                "location_type",
                "population",
                "capacity_persons",
                "capacity_per_day",
                "conflict_intensity",
                "conflict_day",
                "region",
            ],
            flee_rows,
        ),
    }
    if stock_rows:
        scenario["initial_stocks"] = f"{data_dir}/stocks.csv"
        tables[f"{data_dir}/stocks.csv"] = (["node_id", "persons"], stock_rows)
    if departures:
        scenario["departures"] = departures
    if settings.parameters:
        scenario["parameters"] = {"flee": dict(settings.parameters)}
    flee: dict[str, Any] = {"locations": f"{data_dir}/flee_locations.csv", "home_country": locs[0].country}
    if walk_rows:
        flee["links"] = f"{data_dir}/flee_links.csv"
        tables[f"{data_dir}/flee_links.csv"] = (["link_id", "walk_probability"], walk_rows)
    flee.update(section)
    flee["source"] = str(case.input_dir)
    scenario["flee"] = flee
    if observed_rows:
        scenario["observed"] = {
            "series": f"{data_dir}/observed/series.csv",
            "source": str(case.validation_dir),
            "description": "Flee validation series, registration corrections applied; 'total' is data_layout.csv's first row",
        }
        tables[f"{data_dir}/observed/series.csv"] = (["series", "date", "persons"], observed_rows)
    scenario["events"] = events
    summary = {
        "locations": len(locs),
        "links": len(link_rows),
        "events": len(events),
        "observed_series": len(observed),
        "days": days,
        "spawning": section["spawning"],
    }
    return Imported(scenario, tables, summary)


def _float(text: str, file: str, line: int, column: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ScenarioError(f"'{text}' is not a number", file, line, column) from None


def _conflict_events(case: FleeCase, notes: list[Note]) -> tuple[list[dict], set[str]]:
    """``conflict`` events at conflicts.csv's transitions (Flee ignores changes between two positive values)."""
    conflicts = case.conflicts
    ever = {loc.name for loc in case.locations if loc.location_type == "conflict_zone"}
    if conflicts is None:
        return [], ever
    events = []
    previous = np.zeros(len(conflicts.names))
    for day in range(case.length_days):
        row = conflicts.values[day]
        for j, place in enumerate(conflicts.names):
            value = row[j]
            if (value > 0) != (previous[j] > 0):
                note = f"{conflicts.file}:{conflicts.lines[day]}"
                events.append({"type": "conflict", "day": day, "node": place, "intensity": float(value), "note": note})
                if value > 0:
                    ever.add(place)
            previous[j] = value
    if len(conflicts.values) > case.length_days:
        notes.append(
            Note(
                conflicts.file,
                conflicts.lines[case.length_days],
                f"rows from day {case.length_days} on are beyond the run; ignored",
            )
        )
    return events, ever


def _links(case: FleeCase, notes: list[Note]):
    """Link rows, walk-probability rows, and the link ids between each pair of places."""
    rows, walk = [], []
    pairs: dict[frozenset, list[str]] = {}
    for k, route in enumerate(case.routes, start=1):
        speed = ""
        walk_probability = None
        for attr, value in route.attributes.items():
            if value == "":
                continue
            if attr == "max_move_speed":
                speed = _float(value, case.route_file, route.line, attr)
                if speed <= 0:
                    raise ScenarioError(f"{value} km/day must be more than 0", case.route_file, route.line, attr)
            elif attr == "walk_probability":
                walk_probability = _float(value, case.route_file, route.line, attr)
                if not 0 <= walk_probability <= 1:
                    raise ScenarioError(f"{value} is not a probability (0 to 1)", case.route_file, route.line, attr)
            else:
                notes.append(Note(case.route_file, route.line, f"link attribute '{attr}' is not modelled; ignored"))
        copies = 2 if route.forced_redirection == 1 else 1
        if route.forced_redirection == 1:
            notes.append(Note(case.route_file, route.line,
                              f"forced_redirection 1 makes the link {route.name1}-{route.name2} twice in Flee (its weight "
                              "doubles in route choice); migsim makes it twice too"))  # fmt: skip
        elif route.forced_redirection == 2:
            notes.append(
                Note(case.route_file, route.line, "forced_redirection 2 only sets a flag with no effect on movement; ignored")
            )
        for copy in range(copies):
            link_id = f"L{k}" if copy == 0 else f"L{k}b"
            rows.append(
                {
                    "id": link_id,
                    "from": route.name1,
                    "to": route.name2,
                    "distance_km": route.distance_km,
                    "speed_km_per_day": speed,
                }
            )
            pairs.setdefault(frozenset((route.name1, route.name2)), []).append(link_id)
            if walk_probability:
                walk.append({"link_id": link_id, "walk_probability": walk_probability})
    return rows, walk, pairs


def _closure_events(
    case: FleeCase, pairs: dict[frozenset, list[str]], links: list[dict], days: int, notes: list[Note]
) -> list[dict]:
    """closures.csv rows as events: applied at the start of day ``start``, undone at day ``end``."""
    country = {loc.name: loc.country for loc in case.locations}
    events: list[dict] = []
    for closure in case.closures:
        where = f"{case.closure_file}:{closure.line}"
        if closure.kind == "remove_forced_redirection":
            notes.append(
                Note(case.closure_file, closure.line, "remove_forced_redirection has no effect on movement in Flee 3; ignored")
            )
            continue
        if closure.kind in ("camp", "idpcamp"):
            kinds = ("town", "camp" if closure.kind == "camp" else "idp_camp")
            place = next(loc for loc in case.locations if loc.name == closure.name1)
            if place.location_type not in ("camp", "idp_camp"):
                notes.append(
                    Note(
                        case.closure_file,
                        closure.line,
                        f"{closure.name1} is not a camp; Flee makes it a camp when the closure ends",
                    )
                )
            actions = [({"type": "set_location_type", "node": closure.name1, "location_type": kind}) for kind in kinds]
        else:
            if closure.kind == "link":
                ids = pairs.get(frozenset((closure.name1, closure.name2)), [])
                if not ids:
                    raise ScenarioError(f"no route between '{closure.name1}' and '{closure.name2}' in routes.csv",
                                        case.closure_file, closure.line, "name2")  # fmt: skip
            elif closure.kind == "location":
                ids = [lk["id"] for lk in links if closure.name1 in (lk["from"], lk["to"])]
                if closure.name2 and closure.name2 != closure.name1:
                    notes.append(Note(case.closure_file, closure.line,
                                      f"a location closure closes every link of {closure.name1}; name2 '{closure.name2}' is "
                                      "ignored, as in Flee"))  # fmt: skip
            else:
                sides = {closure.name1, closure.name2}
                ids = [
                    lk["id"]
                    for lk in links
                    if {country[lk["from"]], country[lk["to"]]} == sides
                    or (len(sides) == 1 and country[lk["from"]] == country[lk["to"]] == closure.name1)
                ]
                if not ids:
                    notes.append(
                        Note(
                            case.closure_file,
                            closure.line,
                            f"no link joins {closure.name1} and {closure.name2}; nothing to close",
                        )
                    )
            actions = [
                [{"type": "close_link", "link": link_id} for link_id in ids],
                [{"type": "open_link", "link": link_id} for link_id in ids],
            ]
        for action, day, what in ((actions[0], closure.start, "closes"), (actions[1], closure.end, "reopens")):
            if not 0 <= day < days:
                if what == "closes":
                    notes.append(
                        Note(case.closure_file, closure.line, f"closure_start {day} is outside the {days}-day run; never applied")
                    )
                continue
            for event in action if isinstance(action, list) else [action]:
                events.append({**event, "day": day, "note": f"{where}: {closure.kind} closure {what}"})
    return events


def _combined(files) -> list[tuple[dt.date, float]]:
    """One series from the files of a data_layout row: the first, plus the others added (interpolated at its dates)."""
    points = sorted({d: v for d, v, _ in files[0].rows}.items())
    for extra in files[1:]:
        others = sorted({d: v for d, v, _ in extra.rows}.items())
        if not others:
            continue
        dates = sorted({d for d, _ in points} | {d for d, _ in others})
        xs = np.array([d.toordinal() for d in dates], dtype=float)

        def at(series, xs=xs):
            return np.interp(xs, [d.toordinal() for d, _ in series], [v for _, v in series]) if series else np.zeros(len(xs))

        points = list(zip(dates, (at(points) + at(others)).tolist(), strict=True))
    return points


def _observed(case: FleeCase, notes: list[Note]) -> dict[str, list[tuple[dt.date, float]]]:
    """The validation series by name (the first data_layout row is ``total``), registration corrections applied."""
    series: dict[str, list[tuple[dt.date, float]]] = {}
    for k, row in enumerate(case.layout):
        for f in row.files:
            dates = [d for d, _, _ in f.rows]
            for j, d in enumerate(dates):
                if d in dates[:j]:
                    notes.append(Note(f.file, f.rows[j][2], f"a second observation dated {d}; the later one is used"))
        name = TOTAL if k == 0 else row.name
        series[name] = _combined(row.files)
        if not series[name]:
            notes.append(Note(case.layout_file, row.line, f"the series of '{row.name}' has no observations"))
    for corr in case.corrections:
        if corr.date < case.start_date:
            notes.append(
                Note(
                    case.correction_file,
                    corr.line,
                    f"{corr.date} is before the start date {case.start_date}; Flee ignores it, and so does migsim",
                )
            )
            continue
        points = series.get(corr.camp)
        if points is None:
            raise ScenarioError(f"'{corr.camp}' has no series in data_layout.csv", case.correction_file, corr.line, "camp_name")
        index = next((i for i, (d, _) in enumerate(points) if d == corr.date), None)
        if index is None:
            raise ScenarioError(f"{corr.camp} has no observation dated {corr.date} (Flee needs one on that exact day)",
                                case.correction_file, corr.line, "date")  # fmt: skip
        if index == 0:
            notes.append(
                Note(
                    case.correction_file, corr.line, f"{corr.date} is {corr.camp}'s first observation; nothing earlier to correct"
                )
            )
            continue
        if points[index - 1][1] <= 0:
            notes.append(Note(case.correction_file, corr.line, f"the observation before {corr.date} is 0; nothing to scale by"))
            continue
        # Flee 3.1 scales every earlier observation by (first level-2 count) / (last level-1 count).
        factor = points[index][1] / points[index - 1][1]
        series[corr.camp] = [(d, v * factor) if i < index else (d, v) for i, (d, v) in enumerate(points)]
    return series


def _day_points(case: FleeCase, points: list[tuple[dt.date, float]]) -> list[tuple[int, float]]:
    return [((d - case.start_date).days, v) for d, v in points]


def engine_departures(case: FleeCase, flee_rows: list[dict], section: dict, daily: dict, days: int) -> list[dict]:
    """Departure series per conflict zone (weekly mean persons per day) reproducing Flee's spawning, for migsim's own ruleset."""
    names = [r["node_id"] for r in flee_rows]
    index = {n: i for i, n in enumerate(names)}
    n = len(names)
    population = np.array([float(r.get("population", 0) or 0) for r in flee_rows])
    intensity = np.array([float(r.get("conflict_intensity", 0) or 0) for r in flee_rows])
    started = np.array([int(r.get("conflict_day", 0) or 0) for r in flee_rows])
    transitions: dict[int, list[tuple[int, float]]] = {}
    if case.conflicts is not None:
        previous = np.zeros(len(case.conflicts.names))
        for day in range(days):
            for j, place in enumerate(case.conflicts.names):
                value = case.conflicts.values[day, j]
                if (value > 0) != (previous[j] > 0):
                    transitions.setdefault(day, []).append((index[place], float(value)))
                previous[j] = value
    decay_list = section.get("conflict_spawn_decay")
    interval = section.get("conflict_spawn_decay_interval_days", 30)
    persons = np.zeros((days, n))
    data = np.array(list(v for k, v in daily.items() if k != TOTAL)).reshape(-1, days + 1)
    debt = 0.0
    for day in range(days):
        for node, value in transitions.get(day, []):
            if value > 0 and intensity[node] <= 0:
                started[node] = day
            intensity[node] = value
        active = np.flatnonzero(intensity > 0)
        decay = np.ones(n)
        if decay_list:
            steps = np.clip(np.floor((day - started) / interval).astype(int), 0, len(decay_list) - 1)
            decay = np.asarray(decay_list)[steps]
        if section["spawning"] == "sum_from_camps":
            if day == 0 or not len(active):
                continue
            owed = float((data[:, day] - data[:, day - 1]).sum()) - debt
            debt = max(-owed, 0.0)
            if owed <= 0:
                continue
            weights = population[active] * intensity[active] * decay[active]
            if weights.sum() <= 0:
                weights = np.ones(len(active))
            persons[day, active] = owed * weights / weights.sum()
        else:
            rate = section.get("displaced_per_conflict_day", 0.0)
            per_zone = (
                population[active] * rate if section.get("conflict_spawn_mode") == "pop_ratio" else np.full(len(active), rate)
            )
            persons[day, active] = per_zone * decay[active]
    departures = []
    for node in np.flatnonzero(persons.sum(axis=0) > 0):
        series, last = [], None
        for start in range(0, days, 7):
            rate = round(float(persons[start : start + 7, node].mean()), 3)
            if rate != last:
                series.append({"day": start, "persons_per_day": rate})
                last = rate
        departures.append({"origin": names[node], "series": series})
    return departures

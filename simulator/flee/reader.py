"""Reading a Flee case folder the way Flee 3 reads it, with file:line errors and warnings.

CSV files are read with Python's ``csv`` module (quotes allowed, CRLF fine); a
row whose first cell starts with ``#`` is a header or a comment; blank rows
are skipped; columns are positional (header names are ignored, except that a
header longer than the fixed columns names extra attribute columns).  Names of
locations are case-sensitive join keys across files.

Anything wrong raises a :class:`ScenarioError` naming the file, the line and
the column; anything read but not used, or used in Flee's surprising way, is
added to the list of :class:`Note` warnings.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from simulator.errors import ScenarioError, suggestion

LOCATION_COLUMNS = ("name", "region", "country", "lat", "lon", "location_type", "conflict_date", "population")
ROUTE_COLUMNS = ("name1", "name2", "distance")
CLOSURE_COLUMNS = ("closure_type", "name1", "name2", "closure_start", "closure_end")
CLOSURE_TYPES = ("country", "location", "link", "camp", "idpcamp", "remove_forced_redirection")


@dataclass
class Note:
    """A warning about one place in the input: something not mapped, or mapped in Flee's surprising way."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


@dataclass
class Location:
    """A row of locations.csv."""

    name: str
    region: str
    country: str
    latitude: float
    longitude: float
    location_type: str  # migsim's word: conflict_zone, town, camp, idp_camp, forwarding_hub, marker
    conflict_date: int | None  # only for conflict types
    size: int  # capacity for camps, population for others
    attributes: dict[str, str]
    line: int


@dataclass
class Route:
    """A row of routes.csv."""

    name1: str
    name2: str
    distance_km: float
    forced_redirection: int
    attributes: dict[str, str]
    line: int


@dataclass
class Closure:
    """A row of closures.csv."""

    kind: str
    name1: str
    name2: str
    start: int
    end: int
    line: int


@dataclass
class Conflicts:
    """conflicts.csv: intensity per day (row order) and location (column)."""

    file: str
    names: list[str]
    values: np.ndarray  # (days, locations)
    lines: list[int]


@dataclass
class Correction:
    """A row of registration_corrections.csv."""

    camp: str
    date: dt.date
    line: int


@dataclass
class SeriesFile:
    """One observed series: (date, count, line) rows of a validation CSV."""

    file: str
    rows: list[tuple[dt.date, float, int]]


@dataclass
class LayoutRow:
    """A row of data_layout.csv: a name (the first row is the overall total) and its series files."""

    name: str
    files: list[SeriesFile]
    line: int


@dataclass
class FleeCase:
    """Everything read from a Flee case."""

    input_dir: Path
    locations: list[Location]
    location_file: str
    routes: list[Route]
    route_file: str
    route_speed_column: bool
    closures: list[Closure]
    closure_file: str
    conflicts: Conflicts | None
    start_date: dt.date
    length_days: int
    validation_dir: Path | None = None
    layout: list[LayoutRow] = field(default_factory=list)
    layout_file: str = ""
    corrections: list[Correction] = field(default_factory=list)
    correction_file: str = ""
    notes: list[Note] = field(default_factory=list)


def shown(path: Path) -> str:
    """How a file is named in messages."""
    return str(path)


def read_rows(path: Path) -> tuple[list[str] | None, list[tuple[int, list[str]]]]:
    """The first ``#`` header row (or None) and the data rows (line, stripped cells) of a Flee CSV."""
    name = shown(path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScenarioError("file not found", name) from None
    except IsADirectoryError:
        raise ScenarioError("is a folder, not a CSV file", name) from None
    except OSError as exc:
        raise ScenarioError(f"cannot read: {exc.strerror}", name) from None
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(handle)
    with handle:
        try:
            for row in reader:
                cells = [c.strip() for c in row]
                if not any(cells):
                    continue
                if cells[0].startswith("#"):
                    if header is None and not rows:
                        header = [cells[0].lstrip("#").strip(), *cells[1:]]
                    continue
                rows.append((reader.line_num, cells))
        except csv.Error as exc:
            raise ScenarioError(f"malformed CSV: {exc}", name, reader.line_num) from None
        except UnicodeDecodeError as exc:
            raise ScenarioError(f"not UTF-8 text ({exc.reason})", name) from None
    return header, rows


def _missing(cells: list[str], columns: tuple[str, ...], file: str, line: int, what: str) -> ScenarioError:
    k = len(cells)
    return ScenarioError(
        f"missing column {k + 1} ({columns[k]}): {what} needs {len(columns)} cells ({', '.join(columns)}); empty cells are allowed",
        file,
        line,
        columns[k],
    )


def _number(text: str, file: str, line: int, column: str, what: str = "a number") -> float:
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError(f"'{text}' is not {what}", file, line, column) from None
    if not np.isfinite(value):
        raise ScenarioError(f"'{text}' is not {what}", file, line, column)
    return value


def _whole(text: str, file: str, line: int, column: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ScenarioError(f"'{text}' is not a whole number", file, line, column) from None


def _date(text: str, file: str, line: int, column: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ScenarioError(f"'{text}' is not a date (YYYY-MM-DD)", file, line, column) from None


def _location_ref(name: str, known, file: str, line: int, column: str, where: str = "locations.csv") -> str:
    if name not in known:
        raise ScenarioError(f"'{name}' is not a location of {where}{suggestion(name, known)}", file, line, column)
    return name


def classify(flee_type: str) -> str | None:
    """Flee's substring rule for location types: migsim's word, or None if Flee would not know it."""
    t = flee_type.lower()
    if "camp" in t:
        return "idp_camp" if "idp" in t else "camp"
    if "conflict" in t:
        return "conflict_zone"
    if "forward" in t:
        return "forwarding_hub"
    if "marker" in t:
        return "marker"
    if "flood_zone" in t:
        return "flood_zone"
    if "default" in t or "town" in t:
        return "town"
    return None


def read_locations(path: Path, notes: list[Note]) -> list[Location]:
    """locations.csv: name, region, country, lat, lon, location_type, conflict_date, population/capacity[, attributes]."""
    file = shown(path)
    header, rows = read_rows(path)
    extra = header[len(LOCATION_COLUMNS) :] if header and len(header) > len(LOCATION_COLUMNS) else []
    if not rows:
        raise ScenarioError("has no locations", file)
    locations: list[Location] = []
    seen: dict[str, int] = {}
    for line, cells in rows:
        if len(cells) < len(LOCATION_COLUMNS):
            raise _missing(cells, LOCATION_COLUMNS, file, line, "a location row")
        name = cells[0]
        if name in seen:
            raise ScenarioError(f"location '{name}' is defined twice (first at line {seen[name]})", file, line, "name")
        seen[name] = line
        lat_text, lon_text = cells[3], cells[4]
        if lat_text == "" or lon_text == "":
            notes.append(Note(file, line, f"{name}: no coordinates; placed at 0, 0 (Flee's default rules do not use them)"))
        latitude = _number(lat_text, file, line, "lat") if lat_text else 0.0
        longitude = _number(lon_text, file, line, "lon") if lon_text else 0.0
        if abs(latitude) > 90 and abs(longitude) <= 90 and abs(latitude) <= 180:
            notes.append(Note(file, line, f"{name}: lat {latitude:g} is out of range; lat and lon taken as swapped"))
            latitude, longitude = longitude, latitude
        if abs(latitude) > 90 or abs(longitude) > 180:
            raise ScenarioError(f"coordinates ({latitude:g}, {longitude:g}) are out of range", file, line, "lat")
        kind = classify(cells[5])
        if kind is None:
            notes.append(Note(file, line, f"{name}: location type '{cells[5]}' is not one Flee knows; taken as a town"))
            kind = "town"
        elif kind == "flood_zone":
            notes.append(Note(file, line, f"{name}: flood zones (DFlee) are not modelled; taken as a town"))
            kind = "town"
        conflict_date = _whole(cells[6], file, line, "conflict_date") if kind == "conflict_zone" else None
        if kind != "conflict_zone" and cells[6]:
            notes.append(Note(file, line, f"{name}: conflict_date '{cells[6]}' is read only for conflict zones; ignored"))
        size = _whole(cells[7], file, line, "population") if cells[7] else 0
        if size < 0:
            raise ScenarioError(f"{size} is negative", file, line, "population")
        attributes = {}
        for k, value in enumerate(cells[len(LOCATION_COLUMNS) :]):
            if k >= len(extra):
                if value:
                    notes.append(
                        Note(
                            file,
                            line,
                            f"cell {len(LOCATION_COLUMNS) + k + 1} ('{value}') has no column name in the header; ignored",
                        )
                    )
                continue
            attributes[extra[k]] = value
        region = cells[1] or "unknown"
        locations.append(Location(name, region, cells[2], latitude, longitude, kind, conflict_date, size, attributes, line))
    return locations


def read_routes(path: Path, names: dict[str, Location], notes: list[Note]) -> list[Route]:
    """routes.csv: name1, name2, distance[, forced_redirection][, attributes]."""
    file = shown(path)
    header, rows = read_rows(path)
    extra = header[4:] if header and len(header) > 4 else []
    routes: list[Route] = []
    pairs: dict[frozenset, int] = {}
    for line, cells in rows:
        if len(cells) < len(ROUTE_COLUMNS):
            raise _missing(cells, ROUTE_COLUMNS, file, line, "a route row")
        a = _location_ref(cells[0], names, file, line, "name1")
        b = _location_ref(cells[1], names, file, line, "name2")
        if a == b:
            raise ScenarioError(f"a route from '{a}' to itself", file, line, "name2")
        distance = _number(cells[2], file, line, "distance")
        if distance <= 0:
            raise ScenarioError(f"distance {distance:g} km must be more than 0", file, line, "distance")
        forced = 0
        if len(cells) > 3 and cells[3]:
            forced = _whole(cells[3], file, line, "forced_redirection")
            if forced not in (0, 1, 2):
                raise ScenarioError(f"{forced} is not 0, 1 or 2", file, line, "forced_redirection")
        attributes = {}
        for k, value in enumerate(cells[4:]):
            if k >= len(extra):
                if value:
                    notes.append(Note(file, line, f"cell {5 + k} ('{value}') has no column name in the header; ignored"))
                continue
            attributes[extra[k]] = value
        pair = frozenset((a, b))
        if pair in pairs:
            notes.append(
                Note(file, line, f"a second route between '{a}' and '{b}' (first at line {pairs[pair]}); both kept, as in Flee")
            )
        pairs.setdefault(pair, line)
        routes.append(Route(a, b, distance, forced, attributes, line))
    return routes


def read_closures(path: Path, names: dict[str, Location], notes: list[Note]) -> list[Closure]:
    """closures.csv: closure_type, name1, name2, closure_start, closure_end."""
    file = shown(path)
    _, rows = read_rows(path)
    countries = sorted({loc.country for loc in names.values()})
    closures = []
    for line, cells in rows:
        if len(cells) < len(CLOSURE_COLUMNS):
            raise _missing(cells, CLOSURE_COLUMNS, file, line, "a closure row")
        kind = cells[0].lower()
        if kind not in CLOSURE_TYPES:
            raise ScenarioError(
                f"unknown closure type '{cells[0]}'{suggestion(kind, CLOSURE_TYPES)} (types: {', '.join(CLOSURE_TYPES)})",
                file,
                line,
                "closure_type",
            )
        a, b = cells[1], cells[2]
        if kind == "country":
            for value, column in ((a, "name1"), (b, "name2")):
                if value not in countries:
                    raise ScenarioError(
                        f"'{value}' is not a country of locations.csv{suggestion(value, countries)}", file, line, column
                    )
        elif kind in ("location", "camp", "idpcamp"):
            _location_ref(a, names, file, line, "name1")
        else:
            _location_ref(a, names, file, line, "name1")
            _location_ref(b, names, file, line, "name2")
        start = _whole(cells[3], file, line, "closure_start")
        end = _whole(cells[4], file, line, "closure_end")
        closures.append(Closure(kind, a, b, start, end, line))
    return closures


def read_conflicts(path: Path, names: dict[str, Location], days: int) -> Conflicts:
    """conflicts.csv: header ``#Day,<location>,...``, then one row per day from day 0 (the day cell is not read)."""
    file = shown(path)
    header, rows = read_rows(path)
    if header is None:
        raise ScenarioError("needs a header row '#Day,<location>,<location>,...'", file, 1)
    columns = header[1:]
    for name in columns:
        _location_ref(name, names, file, 1, "header")
    values = np.zeros((len(rows), len(columns)))
    for k, (line, cells) in enumerate(rows):
        if len(cells) < len(columns) + 1:
            missing = columns[len(cells) - 1] if len(cells) >= 1 else "Day"
            raise ScenarioError(
                f"missing column {len(cells) + 1} ({missing}): the header has {len(columns) + 1} columns", file, line, missing
            )
        for j, name in enumerate(columns):
            values[k, j] = _number(cells[j + 1] or "0", file, line, name, "a conflict intensity")
    if len(rows) < days:
        last = rows[-1][0] if rows else 1
        raise ScenarioError(f"has {len(rows)} day rows but the run has {days} days (one row per day, from day 0)", file, last)
    return Conflicts(file, columns, values, [line for line, _ in rows])


def read_sim_period(path: Path, notes: list[Note]) -> tuple[dt.date, int]:
    """sim_period.csv: ``StartDate,YYYY-MM-DD`` and ``Length,<days>``."""
    file = shown(path)
    _, rows = read_rows(path)
    start = length = None
    for line, cells in rows:
        key = cells[0].lower()
        value = cells[1] if len(cells) > 1 else ""
        if key == "startdate":
            start = _date(value, file, line, "StartDate")
        elif key == "length":
            length = _whole(value, file, line, "Length")
            if length < 1:
                raise ScenarioError(f"{length} days: the run needs at least 1", file, line, "Length")
        else:
            notes.append(Note(file, line, f"key '{cells[0]}' is not StartDate or Length; ignored"))
    if start is None:
        raise ScenarioError("no StartDate row (StartDate,YYYY-MM-DD)", file, field="StartDate")
    if length is None:
        raise ScenarioError("no Length row (Length,<days>)", file, field="Length")
    return start, length


def read_corrections(path: Path, names: dict[str, Location]) -> list[Correction]:
    """registration_corrections.csv: camp_name, YYYY-MM-DD[, anything]."""
    file = shown(path)
    _, rows = read_rows(path)
    out = []
    for line, cells in rows:
        if len(cells) < 2:
            raise _missing(cells, ("camp_name", "date"), file, line, "a correction row")
        camp = _location_ref(cells[0], names, file, line, "camp_name")
        out.append(Correction(camp, _date(cells[1], file, line), line))
    return out


def read_series(path: Path) -> SeriesFile:
    """A validation series: ``YYYY-MM-DD,count`` rows (a first row Date/DateTime/empty is a header)."""
    file = shown(path)
    header, rows = read_rows(path)
    out = []
    for k, (line, cells) in enumerate(rows):
        if k == 0 and cells[0] in ("Date", "DateTime", ""):
            continue
        if len(cells) < 2 or cells[1] == "":
            continue
        date = _date(cells[0], file, line)
        out.append((date, _number(cells[1], file, line, "count"), line))
    return SeriesFile(file, out)


def read_layout(validation_dir: Path, names: dict[str, Location], notes: list[Note]) -> tuple[list[LayoutRow], str]:
    """data_layout.csv and every series file it names (the first row is the overall total)."""
    path = validation_dir / "data_layout.csv"
    file = shown(path)
    _, rows = read_rows(path)
    if not rows:
        raise ScenarioError("has no rows (the first must be the overall total, e.g. total,refugees.csv)", file)
    layout: list[LayoutRow] = []
    seen: dict[str, int] = {}
    for k, (line, cells) in enumerate(rows):
        if len(cells) < 2 or not cells[1]:
            raise _missing(cells, ("name", "file"), file, line, "a data_layout row")
        name = cells[0]
        if k == 0 and name in names:
            notes.append(Note(file, line, f"the first row ('{name}') is read as the overall total, as Flee does"))
        if k > 0:
            _location_ref(name, names, file, line, "name")
            if name in seen:
                raise ScenarioError(f"'{name}' has two rows (first at line {seen[name]})", file, line, "name")
            seen[name] = line
        files = []
        for j, cell in enumerate(cells[1:]):
            if not cell:
                continue
            series_path = validation_dir / cell
            if not series_path.is_file():
                raise ScenarioError(f"'{cell}' not found in {validation_dir}", file, line, "file" if j == 0 else f"file{j + 1}")
            files.append(read_series(series_path))
        layout.append(LayoutRow(name, files, line))
    return layout, file


def read_case(
    input_dir: Path, validation_dir: Path | None, days: int | None, notes: list[Note], conflicts_path: Path | None = None
) -> FleeCase:
    """Read every file of a Flee case (``days`` overrides sim_period.csv's Length when > 0).

    ``conflicts_path`` is the conflicts file the settings name (``conflict_input_file``);
    without it, ``INPUT_DIR/conflicts.csv`` is read if present, with a warning that
    Flee 3 itself would not read it.
    """
    if not input_dir.is_dir():
        raise ScenarioError("is not a folder (a Flee input folder holds locations.csv, routes.csv, ...)", shown(input_dir))
    start, length = read_sim_period(input_dir / "sim_period.csv", notes)
    run_days = days if days is not None and days > 0 else length
    locations = read_locations(input_dir / "locations.csv", notes)
    names = {loc.name: loc for loc in locations}
    routes_path = input_dir / "routes.csv"
    routes = read_routes(routes_path, names, notes)
    header, _ = read_rows(routes_path)
    closures_path = input_dir / "closures.csv"
    closures = read_closures(closures_path, names, notes) if closures_path.exists() else []
    conflicts = None
    if conflicts_path is not None:
        conflicts = read_conflicts(conflicts_path, names, run_days)
    elif (input_dir / "conflicts.csv").exists():
        conflicts = read_conflicts(input_dir / "conflicts.csv", names, run_days)
        notes.append(
            Note(
                conflicts.file,
                None,
                "read, although the settings do not name it (conflict_input_file): Flee 3 would not read it, and its "
                "conflict zones with a conflict_date > 0 would never start",
            )
        )
    case = FleeCase(
        input_dir=input_dir,
        locations=locations,
        location_file=shown(input_dir / "locations.csv"),
        routes=routes,
        route_file=shown(routes_path),
        route_speed_column=bool(header and "max_move_speed" in header[4:]),
        closures=closures,
        closure_file=shown(closures_path),
        conflicts=conflicts,
        start_date=start,
        length_days=run_days,
        notes=notes,
    )
    for extra in ("major_routes.csv", "agents.csv", "population.csv"):
        if (input_dir / extra).exists():
            notes.append(Note(shown(input_dir / extra), None, "not used by Flee's default rules; not imported"))
    if validation_dir is None and (input_dir / "registration_corrections.csv").exists():
        notes.append(
            Note(shown(input_dir / "registration_corrections.csv"), None, "not used: no validation folder (--validation)")
        )
    if validation_dir is not None:
        if not validation_dir.is_dir():
            raise ScenarioError("is not a folder (a Flee validation folder holds data_layout.csv)", shown(validation_dir))
        case.validation_dir = validation_dir
        case.layout, case.layout_file = read_layout(validation_dir, names, notes)
        for folder in (input_dir, validation_dir):
            corrections = folder / "registration_corrections.csv"
            if corrections.exists():
                case.corrections = read_corrections(corrections, names)
                case.correction_file = shown(corrections)
                break
    return case

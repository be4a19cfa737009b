"""Loading a scenario: YAML and CSV in, a validated, fully resolved Scenario out.

Everything that can be wrong with a scenario is found here, before a run
starts, and reported as one :class:`~simulator.errors.ScenarioError` naming the
file, the line and the field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

import simulator.campaigns  # noqa: F401  (registers campaign events)
import simulator.corridors  # noqa: F401  (registers corridor events)
import simulator.crossings  # noqa: F401  (registers crossing events)
import simulator.flee.events  # noqa: F401  (registers Flee events: conflicts, location types, camp capacities)
import simulator.governments  # noqa: F401  (registers conditional policies)
import simulator.programmes  # noqa: F401  (registers daily programmes)
from models import PARAMETER_SETS
from simulator.csvsource import read_csv_rows
from simulator.errors import ScenarioError, suggestion
from simulator.events import EVENT_TYPES, Event
from simulator.schema import (
    CrossingRow,
    DepartureRow,
    LinkRow,
    NodeRow,
    PopulationProfile,
    ScenarioSpec,
    StockRow,
    SurveySpec,
)
from simulator.validation import located_csv_error, located_error
from simulator.yamlsource import LineMap, load_yaml_file

DEFAULT_SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "venezuela_2024.yaml"


@dataclass
class Variant:
    """A validated variant: events to add, event indices to remove, parameter overrides."""

    description: str
    add_events: list[Event]
    remove_indices: list[int]
    parameters: dict[str, dict[str, Any]]


@dataclass
class DepartureStream:
    """New departures of one group from one origin: (day, persons per day) steps."""

    origin: str
    group: str
    steps: list[tuple[int, float]]


@dataclass
class Scenario:
    """A validated scenario with its graph, stocks, departures, parameters and events resolved."""

    name: str
    description: str
    start_date: dt.date
    days: int
    seed: int
    scale: int
    nodes: list[NodeRow]
    links: list[LinkRow]
    stocks: dict[str, int]
    departures: list[DepartureStream]
    parameters: dict[str, Any]
    events: list[Event]
    groups: list[str] = field(default_factory=lambda: ["all"])
    population: list[PopulationProfile] = field(default_factory=list)
    crossings: list[CrossingRow] = field(default_factory=list)
    variants: dict[str, Variant] = field(default_factory=dict)
    surveys: list[SurveySpec] = field(default_factory=list)
    variant: str | None = None
    source: str = "<inline>"
    sha256: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    exercise: dict[str, Any] | None = None
    ruleset: str | None = None  # the scenario's default ruleset (None: the engine's own)
    flee: Any = None  # simulator.flee.section.FleeSection, from the `flee:` section
    observed: Any = None  # simulator.observed.Observed, from the `observed:` section
    calibration: dict[str, Any] | None = None  # where included parameters come from (``parameters_from``)

    @property
    def end_date(self) -> dt.date:
        """The last simulated date."""
        return self.start_date + dt.timedelta(days=self.days - 1)

    def date_of(self, day: int) -> dt.date:
        """Calendar date of simulation day ``day`` (day 0 is the start date)."""
        return self.start_date + dt.timedelta(days=day)

    def to_dict(self) -> dict[str, Any]:
        """The scenario as one self-contained mapping (graph and tables inline).

        Loading it with :func:`scenario_from_dict` gives the same scenario; this
        is what checkpoints and run records store.
        """
        return {
            "name": self.name,
            "description": self.description,
            "start_date": self.start_date.isoformat(),
            "days": self.days,
            "seed": self.seed,
            "scale": self.scale,
            "graph": {
                "nodes": [n.model_dump(mode="json", exclude_none=True) for n in self.nodes],
                "links": [lk.model_dump(mode="json", by_alias=True, exclude_none=True) for lk in self.links],
            },
            "initial_stocks": [{"node_id": k, "persons": v} for k, v in self.stocks.items()],
            "departures": [
                {"origin": d.origin, "group": d.group, "series": [{"day": day, "persons_per_day": r} for day, r in d.steps]}
                for d in self.departures
            ],
            "groups": list(self.groups),
            "population": [p.model_dump(mode="json", exclude_none=True) for p in self.population],
            "crossings": [x.model_dump(mode="json") for x in self.crossings],
            "parameters": {k: dataclasses.asdict(v) for k, v in self.parameters.items()},
            "events": [e.to_dict() for e in self.events],
            **({"exercise": self.exercise} if self.exercise is not None else {}),
            **({"ruleset": self.ruleset} if self.ruleset is not None else {}),
            **({"flee": self.flee.to_dict()} if self.flee is not None and not self.flee.derived else {}),
            **({"observed": self.observed.to_dict()} if self.observed is not None else {}),
            "surveys": [s.model_dump(mode="json", exclude_none=True) for s in self.surveys],
        }

    def with_variant(self, name: str | None) -> Scenario:
        """This scenario with the named variant applied (None: the base scenario)."""
        if name is None:
            return self
        if name not in self.variants:
            raise ScenarioError(
                f"unknown variant '{name}'{suggestion(name, self.variants)} (variants: {', '.join(self.variants) or 'none'})",
                self.source,
                field="variants",
            )
        variant = self.variants[name]
        events = [e for i, e in enumerate(self.events) if i not in variant.remove_indices] + list(variant.add_events)
        parameters = dict(self.parameters)
        for module, values in variant.parameters.items():
            merged = {**dataclasses.asdict(parameters[module]), **values}
            parameters[module] = build_parameters(
                module, merged, lambda path, msg: ScenarioError(msg, self.source, field=f"variants.{name}")
            )
        return dataclasses.replace(self, events=events, parameters=parameters, variants={}, variant=name)


def _table(
    value: str | list[dict[str, Any]] | None,
    key: str,
    base_dir: Path,
    lines: LineMap,
    required: tuple[str, ...],
    files: list[Path],
) -> list[tuple[str, int, dict[str, Any]]]:
    """Rows of an inline list or of a CSV file named relative to the YAML: (file, line, row)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [(lines.file, lines.line_of((*key.split("."), i)) or 0, row) for i, row in enumerate(value)]
    path = (base_dir / value).resolve() if not Path(value).is_absolute() else Path(value)
    shown = str(Path(lines.file).parent / value) if lines.file else value
    if not path.is_file():
        raise lines.error(tuple(key.split(".")), f"file not found: {shown}")
    files.append(path)
    return [(shown, line, row) for line, row in read_csv_rows(path, required, shown)]


def _validate_row(model, file: str, line: int, row: dict[str, Any], lines: LineMap, path: tuple):
    try:
        return model.model_validate(row)
    except pydantic.ValidationError as exc:
        if file == lines.file:
            raise located_error(exc, lines, path, model) from None
        raise located_csv_error(exc, file, line, model) from None


class _NodeNames:
    """Resolves node references (id or exact name) with suggestions."""

    def __init__(self, nodes: list[NodeRow]):
        self.ids = {n.id: n for n in nodes}
        self.by_name = {n.name: n.id for n in nodes}

    def resolve(self, ref: str, where: ScenarioError) -> str:
        if ref in self.ids:
            return ref
        if ref in self.by_name:
            return self.by_name[ref]
        hint = suggestion(ref, list(self.ids) + list(self.by_name))
        where.message = f"'{ref}' is not a node{hint}"
        raise where


def _parameters(raw: dict[str, dict[str, Any]], lines: LineMap) -> dict[str, Any]:
    result = {}
    for module, values in raw.items():
        if module not in PARAMETER_SETS:
            raise lines.error(("parameters", module), f"unknown parameter set '{module}'{suggestion(module, PARAMETER_SETS)}")
        result[module] = build_parameters(
            module, values or {}, lambda path, msg, m=module: lines.error(("parameters", m, *path), msg)
        )
    for module, cls in PARAMETER_SETS.items():
        result.setdefault(module, cls())
    return result


def _calibration_line(path: Path) -> str:
    """What a calibration's fitted.yaml says it was fitted against (its comment header), or that it says nothing."""
    header = []
    for text in path.read_text(encoding="utf-8").splitlines():
        if not text.startswith("#"):
            break
        header.append(text.lstrip("# ").strip())
    return " ".join(h for h in header[:2] if h) or "no calibration header"


def _included_parameters(
    spec: ScenarioSpec, lines: LineMap, base_dir: Path, files: list[Path], calibrated: list[str]
) -> dict[str, dict[str, Any]]:
    """The ``parameters:`` blocks of ``parameters_from`` files (a calibration's fitted.yaml), then the scenario's own.

    Each file is checked on its own (errors name its lines); later files, and
    the scenario's own ``parameters:``, override earlier values.
    """
    merged: dict[str, dict[str, Any]] = {}
    for j, name in enumerate(spec.parameters_from):
        path = Path(name) if Path(name).is_absolute() else base_dir / name
        if not path.is_file():
            raise lines.error(("parameters_from", j), f"file not found: {name}")
        files.append(path)
        data, included = load_yaml_file(path)
        calibrated.append(f"{name} ({_calibration_line(path)})")
        if not isinstance(data, dict) or set(data) != {"parameters"} or not isinstance(data["parameters"], dict):
            raise ScenarioError("a parameters file holds one key, parameters: (a mapping of parameter sets)", included.file, 1)
        _parameters(data["parameters"], included)
        for module, values in data["parameters"].items():
            merged.setdefault(module, {}).update(values or {})
    for module, values in spec.parameters.items():
        if module in merged and isinstance(values, dict):
            merged[module] = {**merged[module], **values}
        else:
            merged[module] = values
    return merged


def build_parameters(module: str, values: dict[str, Any], error) -> Any:
    """A parameter dataclass of ``module`` from ``values``, checking names, types and ranges.

    ``error(path, message)`` builds the exception to raise.
    """
    cls = PARAMETER_SETS[module]
    fields = {f.name: f for f in dataclasses.fields(cls)}
    if not isinstance(values, dict):
        raise error((), "expected a mapping of parameter names to values")
    checked = {}
    for name, value in values.items():
        if name not in fields:
            raise error((name,), f"unknown parameter '{name}'{suggestion(name, fields)}")
        f = fields[name]
        if isinstance(f.default, bool):
            if not isinstance(value, bool):
                raise error((name,), f"expected true or false (got {value!r})")
        elif isinstance(f.default, (int, float)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise error((name,), f"expected a number (got {value!r})")
            low, high = f.metadata.get("low"), f.metadata.get("high")
            if (low is not None and value < low) or (high is not None and value > high):
                raise error(
                    (name,), f"{value!r} is outside the allowed range [{low}, {high}] {f.metadata.get('unit', '')}".rstrip()
                )
            value = type(f.default)(value) if isinstance(f.default, float) else value
        checked[name] = value
    return cls(**checked)


def parse_event(raw: Any, index_path: tuple, lines: LineMap, names: _NodeNames, link_ids: dict[str, bool]) -> Event:
    """Validate one event mapping against its registered type and the graph.

    ``link_ids`` maps each link id to whether the link crosses a border.
    """
    if not isinstance(raw, dict):
        raise lines.error(index_path, "an event must be a mapping with a 'type'")
    kind = raw.get("type")
    if kind not in EVENT_TYPES:
        hint = suggestion(str(kind), EVENT_TYPES)
        known = "" if hint else f" (known: {', '.join(sorted(EVENT_TYPES))})"
        raise lines.error((*index_path, "type"), f"unknown event type '{kind}'{hint}{known}")
    cls = EVENT_TYPES[kind]
    try:
        event = cls.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise located_error(exc, lines, index_path, cls) from None
    event = event.resolved(lambda ref, path: names.resolve(ref, lines.error((*index_path, *path), "")))
    for name in cls.link_fields:
        value = getattr(event, name)
        values = value if isinstance(value, list) else [value]
        for k, item in enumerate(values):
            path = (*index_path, name, k) if isinstance(value, list) else (*index_path, name)
            if item is not None and item not in link_ids:
                raise lines.error(path, f"'{item}' is not a link{suggestion(item, link_ids)}")
            if item is not None and cls.requires_border_link and not link_ids[item]:
                raise lines.error(path, f"link '{item}' is not a border crossing (both ends are in one country)")
    for name in getattr(cls, "child_event_fields", ()):
        child = dict(getattr(event, name))
        if "date" in child or "day" in child:
            raise lines.error((*index_path, name), "the action of a rule takes no date or day: it happens when the rule fires")
        parsed = parse_event({**child, "day": 0}, (*index_path, name), lines, names, link_ids)
        resolved = parsed.to_dict()
        resolved.pop("day", None)
        resolved.pop("date", None)
        event = event.model_copy(update={name: resolved})
    from simulator.governments import QUANTITIES, Conditional

    if isinstance(event, Conditional):
        if QUANTITIES[event.quantity][0] == "crossing":
            if event.at not in link_ids:
                raise lines.error((*index_path, "at"), f"'{event.at}' is not a link{suggestion(event.at, link_ids)}")
            if not link_ids[event.at]:
                raise lines.error((*index_path, "at"), f"link '{event.at}' is not a border crossing")
    return event


def _crossings(spec, base_dir, lines, files, nodes, links) -> list[CrossingRow]:
    """Crossing definitions, each on a link that joins two countries; one per link."""
    country = {n.id: n.iso3 for n in nodes}
    by_id = {lk.id: lk for lk in links}
    result: list[CrossingRow] = []
    seen: dict[str, int] = {}
    for index, (file, line, row) in enumerate(_table(spec.crossings, "crossings", base_dir, lines, ("link",), files)):
        crossing = _validate_row(CrossingRow, file, line, row, lines, ("crossings", index))

        def where(message, f=file, ln=line, i=index):
            return ScenarioError(message, f, ln, "link") if f != lines.file else lines.error(("crossings", i, "link"), message)

        link = by_id.get(crossing.link)
        if link is None:
            raise where(f"'{crossing.link}' is not a link{suggestion(crossing.link, by_id)}")
        if country[link.from_] == country[link.to]:
            raise where(
                f"link '{crossing.link}' ({link.from_}-{link.to}) does not cross a border: both ends are in {country[link.to]}"
            )
        if crossing.link in seen:
            raise where(f"crossing on link '{crossing.link}' is defined twice")
        seen[crossing.link] = index
        result.append(crossing)
    return result


def _check_day(event_day: int, days: int, start: dt.date, lines: LineMap, path: tuple) -> None:
    if not 0 <= event_day < days:
        end = start + dt.timedelta(days=days - 1)
        raise lines.error(
            path, f"date {start + dt.timedelta(days=event_day)} (day {event_day}) is outside the run ({start} to {end})"
        )


def scenario_from_data(data: Any, lines: LineMap, base_dir: Path, files: list[Path] | None = None) -> Scenario:
    """Validate parsed scenario data (from YAML or :meth:`Scenario.to_dict`)."""
    files = files if files is not None else []
    if not isinstance(data, dict):
        raise ScenarioError("a scenario must be a YAML mapping (name:, start_date:, days:, graph:, ...)", lines.file, 1)
    try:
        spec = ScenarioSpec.model_validate(data)
    except pydantic.ValidationError as exc:
        raise located_error(exc, lines, (), ScenarioSpec) from None

    nodes: list[NodeRow] = []
    seen: dict[str, str] = {}
    for file, line, row in _table(
        spec.graph.nodes, "graph.nodes", base_dir, lines, ("id", "name", "iso3", "latitude", "longitude", "kind"), files
    ):
        node = _validate_row(NodeRow, file, line, row, lines, ("graph", "nodes", len(nodes)))
        if node.id in seen:
            raise ScenarioError(f"duplicate node id '{node.id}' (first at {seen[node.id]})", file, line, "id")
        seen[node.id] = f"line {line}"
        nodes.append(node)
    if not nodes:
        raise lines.error(("graph", "nodes"), "the graph has no nodes")
    names = _NodeNames(nodes)

    links: list[LinkRow] = []
    link_seen: dict[str, int] = {}
    for file, line, row in _table(spec.graph.links, "graph.links", base_dir, lines, ("id", "from", "to", "distance_km"), files):
        link = _validate_row(LinkRow, file, line, row, lines, ("graph", "links", len(links)))
        if link.id in link_seen:
            raise ScenarioError(f"duplicate link id '{link.id}' (first at line {link_seen[link.id]})", file, line, "id")
        link_seen[link.id] = line
        ends = {}
        for end in ("from", "to"):
            ref = row[end]
            ends[end] = names.resolve(str(ref).strip(), ScenarioError("", file, line, end))
        if ends["from"] == ends["to"]:
            raise ScenarioError(f"link '{link.id}' starts and ends at '{ends['from']}'", file, line, "to")
        links.append(link.model_copy(update={"from_": ends["from"], "to": ends["to"]}))

    stocks: dict[str, int] = {}
    for file, line, row in _table(spec.initial_stocks, "initial_stocks", base_dir, lines, ("node_id", "persons"), files):
        stock = _validate_row(StockRow, file, line, row, lines, ("initial_stocks", len(stocks)))
        node_id = names.resolve(stock.node_id, ScenarioError("", file, line, "node_id"))
        stocks[node_id] = stocks.get(node_id, 0) + stock.persons

    if len(set(spec.groups)) != len(spec.groups):
        raise lines.error(("groups",), "group names must be unique")
    departures: list[DepartureStream] = []
    seen_streams: set[tuple[str, str]] = set()
    rows = _table(spec.departures, "departures", base_dir, lines, ("origin_id", "persons_per_day"), files)
    for index, (file, line, row) in enumerate(rows):
        if "origin_id" in row and "origin" not in row:
            row = {**row, "origin": row["origin_id"]}
            row.pop("origin_id")
        dep = _validate_row(DepartureRow, file, line, row, lines, ("departures", index))
        origin = names.resolve(dep.origin_id, ScenarioError("", file, line, "origin"))
        group = dep.group or spec.groups[0]
        if group not in spec.groups:
            raise ScenarioError(
                f"'{group}' is not one of the scenario's groups{suggestion(group, spec.groups)}", file, line, "group"
            )
        if dep.series is None:
            steps = [(0, dep.persons_per_day)]
        else:
            steps = []
            for j, point in enumerate(dep.series):
                day = point.day if point.day is not None else (point.date - spec.start_date).days
                if file == lines.file:
                    _check_day(day, spec.days, spec.start_date, lines, ("departures", index, "series", j))
                elif not 0 <= day < spec.days:
                    raise ScenarioError(f"day {day} is outside the run", file, line, "series")
                steps.append((day, point.persons_per_day))
            steps.sort()
        if (origin, group) in seen_streams:
            raise ScenarioError(f"departures of '{group}' from '{origin}' are given twice", file, line, "origin")
        seen_streams.add((origin, group))
        departures.append(DepartureStream(origin, group, steps))

    from simulator.attributes import Vocabulary
    from simulator.synthesis import resolve_profile

    vocabulary = Vocabulary(
        sorted({n.iso3 for n in nodes}), sorted({n.iso3 for n in nodes if n.attractiveness > 0}), list(spec.groups)
    )
    population = []
    for index, raw in enumerate(spec.population):
        profile = _validate_row(PopulationProfile, lines.file, 0, raw, lines, ("population", index))
        if profile.nodes is not None:
            resolved = [
                names.resolve(ref, lines.error(("population", index, "nodes", j), "")) for j, ref in enumerate(profile.nodes)
            ]
            profile = profile.model_copy(update={"nodes": resolved})
        population.append(resolve_profile(profile, ("population", index), lines, base_dir, vocabulary, files))

    surveys = []
    for index, raw in enumerate(spec.surveys):
        survey = _validate_row(SurveySpec, lines.file, 0, raw, lines, ("surveys", index))
        where = ("surveys", index)
        resolved = [names.resolve(ref, lines.error((*where, "nodes", j), "")) for j, ref in enumerate(survey.nodes)]
        for key in ("start_date", "end_date"):
            _check_day((getattr(survey, key) - spec.start_date).days, spec.days, spec.start_date, lines, (*where, key))
        for j, group in enumerate(survey.groups or []):
            if group not in spec.groups:
                raise lines.error(
                    (*where, "groups", j), f"'{group}' is not one of the scenario's groups{suggestion(group, spec.groups)}"
                )
        if survey.name in {s.name for s in surveys}:
            raise lines.error((*where, "name"), f"two surveys are named '{survey.name}'")
        surveys.append(survey.model_copy(update={"nodes": resolved}))

    crossings = _crossings(spec, base_dir, lines, files, nodes, links)

    calibrated: list[str] = []
    parameters = _parameters(_included_parameters(spec, lines, base_dir, files, calibrated), lines)

    country = {n.id: n.iso3 for n in nodes}
    link_ids = {lk.id: country[lk.from_] != country[lk.to] for lk in links}
    events = []
    for i, raw in enumerate(spec.events):
        event = parse_event(raw, ("events", i), lines, names, link_ids)
        event.check(spec.days, spec.start_date, list(spec.groups), lambda path, msg, i=i: lines.error(("events", i, *path), msg))
        _check_day(
            event.day_in(spec.start_date), spec.days, spec.start_date, lines, ("events", i, "date" if event.date else "day")
        )
        events.append(event)

    variants = {}
    for vname, vspec in spec.variants.items():
        base_path = ("variants", vname)
        added = []
        for i, raw in enumerate(vspec.add_events):
            event = parse_event(raw, (*base_path, "add_events", i), lines, names, link_ids)
            event.check(
                spec.days,
                spec.start_date,
                list(spec.groups),
                lambda path, msg, i=i, b=base_path: lines.error((*b, "add_events", i, *path), msg),
            )
            _check_day(event.day_in(spec.start_date), spec.days, spec.start_date, lines, (*base_path, "add_events", i))
            added.append(event)
        removed = []
        for i, ref in enumerate(vspec.remove_events):
            if isinstance(ref, int):
                if not 0 <= ref < len(events):
                    raise lines.error(
                        (*base_path, "remove_events", i), f"there is no event {ref} (the scenario has {len(events)})"
                    )
                removed.append(ref)
            else:
                matches = [k for k, e in enumerate(events) if getattr(e, "name", None) == ref]
                if not matches:
                    known = [getattr(e, "name", None) for e in events if getattr(e, "name", None)]
                    raise lines.error((*base_path, "remove_events", i), f"no event is named '{ref}'{suggestion(ref, known)}")
                removed += matches
        for module, values in vspec.parameters.items():
            if module not in PARAMETER_SETS:
                raise lines.error(
                    (*base_path, "parameters", module), f"unknown parameter set '{module}'{suggestion(module, PARAMETER_SETS)}"
                )
            build_parameters(
                module, values or {}, lambda path, msg, m=module, b=base_path: lines.error((*b, "parameters", m, *path), msg)
            )
        variants[vname] = Variant(vspec.description, added, removed, {k: dict(v or {}) for k, v in vspec.parameters.items()})

    exercise = None
    if spec.exercise is not None:
        from simulator.exercise.spec import parse_exercise

        exercise = parse_exercise(spec.exercise, lines, names, link_ids, spec.start_date, spec.days)
    from simulator.flee.section import parse_flee_section
    from simulator.observed import parse_observed
    from simulator.rulesets import check_ruleset

    if spec.ruleset is not None:
        check_ruleset(spec.ruleset, lambda msg: lines.error(("ruleset",), msg))
    flee = None
    if spec.flee is not None:
        flee = parse_flee_section(spec.flee, lines, base_dir, names, files, nodes, links, _table)
    observed = None
    if spec.observed is not None:
        observed = parse_observed(spec.observed, lines, base_dir, names, files, spec.start_date, _table)

    return Scenario(
        name=spec.name,
        description=spec.description,
        start_date=spec.start_date,
        days=spec.days,
        seed=spec.seed,
        scale=spec.scale,
        nodes=nodes,
        links=links,
        stocks=stocks,
        departures=departures,
        parameters=parameters,
        events=events,
        groups=list(spec.groups),
        population=population,
        crossings=crossings,
        variants=variants,
        surveys=surveys,
        source=lines.file,
        exercise=exercise,
        ruleset=spec.ruleset,
        flee=flee,
        observed=observed,
        calibration={"parameters from": "; ".join(calibrated)} if calibrated else None,
    )


def load_scenario(path: str | Path | None = None) -> Scenario:
    """Load and validate a scenario YAML file (the embedded default when ``path`` is None)."""
    path = Path(path) if path is not None else DEFAULT_SCENARIO
    data, lines = load_yaml_file(path)
    files: list[Path] = [path]
    scenario = scenario_from_data(data, lines, path.resolve().parent, files)
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.read_bytes())
    scenario.sha256 = digest.hexdigest()
    return scenario


def scenario_from_dict(data: dict[str, Any], source: str = "<inline>") -> Scenario:
    """Validate a scenario given as a mapping (for example :meth:`Scenario.to_dict`)."""
    scenario = scenario_from_data(data, LineMap(source), Path("."))
    scenario.sha256 = hashlib.sha256(repr(sorted(data.items(), key=lambda kv: kv[0])).encode()).hexdigest()
    return scenario

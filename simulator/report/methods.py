"""The methods section: what the figures rest on (scenario, parameters and sources, data, calibration, runs)."""

from __future__ import annotations

from typing import Any

from models import PARAMETER_SETS
from models.params import describe
from simulator.report import fmt
from simulator.report.content import Content
from simulator.report.markdown import to_html
from simulator.version import __version__

NOT_CALIBRATED = (
    "Not calibrated. The behaviour parameters are first values set by hand (sources below where one exists); "
    "the model has not yet been fitted to observed flows, so read the figures as the consequences of these "
    "assumptions rather than as forecasts."
)


def _dl(items: list[tuple[str, str]]) -> str:
    return "<dl class='facts'>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items) + "</dl>"


def calibration_text(record: dict[str, Any]) -> str:
    """The calibration status and fit recorded with the run, or the plain statement that there is none."""
    calibration = record.get("calibration")
    if not calibration:
        return fmt.text(NOT_CALIBRATED)
    if isinstance(calibration, dict):
        return "; ".join(f"{fmt.text(k)}: {fmt.text(v)}" for k, v in calibration.items())
    return fmt.text(calibration)


def parameters_table(parameters: dict[str, dict[str, Any]]) -> str:
    """Every behaviour parameter: value, unit, whether it differs from the default, and its source."""
    rows = []
    for module, values in parameters.items():
        spec = {row["name"]: row for row in describe(PARAMETER_SETS[module])} if module in PARAMETER_SETS else {}
        for name, value in values.items():
            meta = spec.get(name, {})
            default = meta.get("default")
            changed = default is not None and value != default
            source = meta.get("source") or "hand-set first value; no source yet"
            rows.append(
                f"<tr><td>{fmt.text(module)}</td><td title='{fmt.text(meta.get('doc', ''))}'>{fmt.text(name)}</td>"
                f"<td class='num'>{fmt.text(fmt.value(value))}</td><td>{fmt.text(meta.get('unit', ''))}</td>"
                f"<td>{'changed from ' + fmt.text(fmt.value(default)) if changed else 'default'}</td><td>{fmt.text(source)}</td></tr>"
            )
    return (
        "<table id='table-parameters' class='small'><thead><tr><th>set</th><th>parameter</th><th>value</th>"
        "<th>unit</th><th>status</th><th>source</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def events_list(events: list[dict[str, Any]]) -> str:
    """The events that happened during the run, by date."""
    if not events:
        return "<p>No events (closures, campaigns, policies) happened during the run.</p>"
    items = "".join(
        f"<li>{fmt.text(fmt.date(e['date']))}: {fmt.text(e.get('description') or e.get('type'))}</li>" for e in events
    )
    return f"<ul>{items}</ul>"


def runs_facts(content: Content) -> list[tuple[str, str]]:
    """Replicates, seeds, scale, version."""
    results = content.results
    first = results.first_record
    facts = []
    if results.kind == "ensemble":
        record = results.record
        seeds = [r.get("seed") for r in results.records]
        facts.append(("replicates", f"{len(results.replicates)} (seeds {', '.join(str(s) for s in seeds)})"))
        if "seed" in record:
            facts.append(("base seed", fmt.text(record["seed"])))
        q = sorted(results.quantiles)
        facts.append(
            (
                "bands",
                f"the {q[0] * 100:.0f}th, 50th and {q[-1] * 100:.0f}th percentiles across replicates; running totals "
                "and monthly sums are computed in each replicate before taking percentiles",
            )
        )
    else:
        facts.append(("replicates", "1 (a single run: no uncertainty band)"))
        facts.append(("seed", fmt.text(first.get("seed"))))
    facts.append(("scale", f"{fmt.count(first.get('scale_persons_per_agent', 1))} person(s) per simulated agent"))
    facts.append(("agents", fmt.count(first.get("agents", 0))))
    facts.append(("migsim version", fmt.text(first.get("migsim_version", __version__))))
    if first.get("created"):
        facts.append(("run on", fmt.text(first["created"])))
    return facts


def definitions() -> str:
    """What the report's words mean."""
    items = [
        ("arrivals", "people reaching the destination they chose (a destination city), counted where they arrive"),
        ("waiting", "people queuing for the regular channel of a border crossing with a limited daily capacity"),
        ("without shelter", "people stopping or waiting at a place beyond the shelter places set for it in the scenario"),
        ("irregular crossing", "crossing a border away from its regular channel; one person may do so more than once"),
        ("incident", "a death, an injury, a robbery or a trafficking case on an irregular crossing"),
        ("campaign reach", "people a campaign channel has reached at least once"),
    ]
    return _dl([(k, fmt.text(v)) for k, v in items])


def methods_html(content: Content) -> str:
    """The methods section's body."""
    results = content.results
    first = results.first_record
    scenario = first.get("scenario", {})
    places = content.places
    description = places.scenario.get("description", "") if places is not None else ""
    facts = [
        ("scenario", fmt.text(scenario.get("name", "?")) + (f", variant {fmt.text(scenario['variant'])}" if scenario.get("variant") else "")),
        ("period", f"{fmt.date(content.start)} to {fmt.date(content.end)} ({len(content.dates)} days)"),
        ("scenario file", f"<code>{fmt.text(scenario.get('path', '?'))}</code>, SHA-256 <code>{fmt.text(scenario.get('sha256', '')[:16])}…</code>"),
        ("file check", fmt.text(places.file_note) if places is not None else "scenario not available"),
        ("places from", fmt.text(places.origin) if places is not None else "not available: no map"),
        *runs_facts(content),
        ("calibration", calibration_text(results.record if results.kind == "ensemble" else first)),
    ]  # fmt: skip
    parts = [
        f"<p>{fmt.text(description)}</p>" if description else "",
        _dl(facts),
        "<h3>Events during the run</h3>",
        events_list(first.get("events", [])),
        "<h3>Words used in this report</h3>",
        definitions(),
        "<h3>Behaviour parameters</h3>",
        "<p>All figures are in persons (simulated agents times the scale). Parameters marked <em>hand-set</em> have no "
        "source yet and are the main assumptions of this report.</p>",
        parameters_table(first.get("parameters", {})),
        "<h3 id='data-sources'>Data sources</h3>",
    ]
    if places is not None and places.sources_md:
        parts.append(f"<p class='note'>From <code>{fmt.text(places.sources_path)}</code>.</p>")
        parts.append(f"<div class='sources'>{to_html(places.sources_md, heading_offset=3)}</div>")
    else:
        parts.append("<p>The scenario has no SOURCES.md note next to it on this machine.</p>")
    parts.append(
        "<p class='note'>Country outlines: Natural Earth 1:110m Admin 0 countries (public domain), simplified and clipped to the "
        "Americas; see <code>simulator/report/data/SOURCES.md</code>.</p>"
    )
    return "\n".join(p for p in parts if p)

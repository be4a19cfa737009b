"""``import_flee``: a Flee case folder in, a migsim scenario (YAML + CSV tables + observed series) out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.errors import ScenarioError
from simulator.flee.convert import convert
from simulator.flee.reader import Note, read_case
from simulator.flee.settings import Settings, default_settings, read_settings
from simulator.flee.write import write_imported


@dataclass
class ImportResult:
    """Where the scenario went, what was not mapped (warnings), and what it holds."""

    path: Path
    notes: list[Note] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    settings_source: str = ""


def import_flee(
    input_dir: str | Path,
    out: str | Path,
    *,
    validation: str | Path | None = None,
    settings: str | Path | None = None,
    days: int | None = None,
    name: str | None = None,
    force: bool = False,
) -> ImportResult:
    """Import the Flee case in ``input_dir`` as the scenario ``out`` (a YAML path; its tables go in a folder beside it).

    ``validation`` is Flee's validation folder (data_layout.csv and the camp
    series); ``settings`` a simsetting.yml (default: ``input_dir/simsetting.yml``
    if present, else Flee's shipped default settings); ``days`` overrides
    sim_period.csv's Length.  Bad input raises a ScenarioError naming the
    file and line; nothing is written unless the whole scenario loads.
    """
    input_dir, out = Path(input_dir), Path(out)
    notes: list[Note] = []
    settings_path = Path(settings) if settings is not None else input_dir / "simsetting.yml"
    if settings is not None or settings_path.is_file():
        mapped = read_settings(settings_path, notes)
    else:
        mapped = default_settings()
    conflicts = _conflict_file(mapped, input_dir)
    case = read_case(input_dir, Path(validation) if validation is not None else None, days, notes, conflicts)
    data_dir = out.stem
    imported = convert(case, mapped, name or out.stem, data_dir, notes)
    write_imported(imported, out, data_dir, force=force)
    return ImportResult(out, notes, imported.summary, mapped.source)


def _conflict_file(settings: Settings, input_dir: Path) -> Path | None:
    """The conflicts file the settings name: in the input folder (by its file name), or the path as given."""
    if not settings.conflict_file:
        return None
    named = Path(settings.conflict_file)
    for candidate in (input_dir / named.name, named):
        if candidate.is_file():
            return candidate
    raise ScenarioError(
        f"'{settings.conflict_file}' is neither in {input_dir} nor an existing file",
        settings.source,
        settings.conflict_line,
        "conflict_input_file",
    )

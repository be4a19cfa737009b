"""Flee's simsetting.yml: move rules to ``parameters.flee``, spawn rules to the ``flee:`` section, hasten to the scale.

Every key is either mapped, accepted because it is at a value that changes
nothing in Flee's default rules, or named in a warning.  Without a settings
file, Flee's shipped default settings (``flee/simsetting.yml``) are used: the
in-code defaults except ``conflict_weight`` 0.25.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.errors import ScenarioError, suggestion
from simulator.flee.reader import Note
from simulator.scenario import build_parameters
from simulator.yamlsource import load_yaml_file

#: move_rules key -> parameters.flee name
MOVE_RULES = {
    "max_move_speed": "max_move_speed_km_per_day",
    "max_walk_speed": "max_walk_speed_km_per_day",
    "start_on_foot": "start_on_foot",
    "conflict_movechance": "conflict_move_chance",
    "default_movechance": "default_move_chance",
    "camp_movechance": "camp_move_chance",
    "idpcamp_movechance": "idpcamp_move_chance",
    "camp_weight": "camp_weight",
    "foreign_weight": "foreign_weight",
    "conflict_weight": "conflict_weight",
    "awareness_level": "awareness_level",
    "softening": "softening_km",
    "weight_softening": "weight_softening",
    "distance_power": "distance_power",
    "weight_power": "weight_power",
    "capacity_buffer": "capacity_buffer",
    "capacity_scaling": "capacity_scaling",
    "avoid_short_stints": "avoid_short_stints",
    "movechance_pop_base": "movechance_pop_base",
    "movechance_pop_scale_factor": "movechance_pop_scale_factor",
}
#: Keys accepted at the value that changes nothing in the default rules; any other value is named in a warning.
INERT = {
    "move_rules": {
        "pruning_threshold": 1.0,
        "fixed_routes": False,
        "stay_close_to_home": False,
        "use_pop_for_loc_weight": False,
        "use_v1_rules": False,
    },
    "spawn_rules": {
        "conflict_zone_spawning_only": True,
        "average_social_connectivity": 3.0,
        "camps_are_sicks": False,
        "camps_are_sinks": False,
        "read_from_agents_csv_file": False,
        "flood_driven_spawning": None,
        "flood_zone_spawning_only": False,
        "flood_loc_weights": None,
        "flood_link_weights": None,
        "flood_movechances": None,
        "empty_camps_on_day0": False,
    },
    "": {"number_of_steps": -1, "flood_rules": None},
}
#: Keys read only when another key switches them on (which is itself warned about).
DEPENDENT = {"move_rules": {"home_distance_power", "pop_power_for_loc_weight"}}
SHIPPED_DEFAULTS = {"conflict_weight": 0.25}


@dataclass
class Settings:
    """What a settings file maps to."""

    parameters: dict[str, Any] = field(default_factory=dict)  # parameters.flee
    section: dict[str, Any] = field(default_factory=dict)  # flee: section keys
    scale: int = 1
    conflict_file: str | None = None
    conflict_line: int | None = None
    source: str = ""


def default_settings() -> Settings:
    """Flee's shipped default settings file (conflict_weight 0.25, the rest in-code defaults)."""
    return Settings(parameters=dict(SHIPPED_DEFAULTS), source="Flee's default settings (flee/simsetting.yml)")


def read_settings(path: Path, notes: list[Note]) -> Settings:
    """Read simsetting.yml; bad values are errors at their line, unknown keys warnings."""
    data, lines = load_yaml_file(path)
    file = lines.file
    settings = Settings(source=file)
    if data is None:
        return settings
    if not isinstance(data, dict):
        raise ScenarioError("a Flee settings file is a mapping (move_rules:, spawn_rules:, ...)", file, 1)

    def note(where: tuple, message: str) -> None:
        notes.append(Note(file, lines.line_of(where), message))

    def section(name: str) -> dict:
        value = data.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise lines.error((name,), "expected a mapping")
        return value

    for key, value in data.items():
        if key in ("move_rules", "spawn_rules", "optimisations", "log_levels"):
            continue
        if key == "conflict_input_file":
            settings.conflict_file = str(value) if value else None
            settings.conflict_line = lines.line_of((key,))
        elif key in INERT[""]:
            if value != INERT[""][key]:
                note((key,), f"{key}: {value!r} is not used by migsim (use --days for the run length); ignored")
        else:
            note(
                (key,),
                f"unknown key '{key}'{suggestion(str(key), list(INERT['']) + ['move_rules', 'spawn_rules', 'optimisations', 'log_levels'])}; ignored",
            )

    for key, value in section("move_rules").items():
        where = ("move_rules", key)
        if key in MOVE_RULES:
            name = MOVE_RULES[key]
            build_parameters("flee", {name: value}, lambda path, msg, w=where: lines.error(w, msg))
            settings.parameters[name] = value
        elif key in INERT["move_rules"]:
            if value != INERT["move_rules"][key]:
                note(where, f"move_rules.{key}: {value!r} is not modelled (only Flee's default rules are); ignored")
        elif key not in DEPENDENT["move_rules"]:
            note(where, f"move_rules.{key}: unknown key{suggestion(str(key), list(MOVE_RULES))}; ignored")
    # A settings file without conflict_weight gets Flee's in-code default (1/sqrt(10)), which FleeParams holds.

    spawn = section("spawn_rules")
    settings.section["spawning"] = "sum_from_camps"
    for key, value in spawn.items():
        where = ("spawn_rules", key)
        if key == "insert_day0":
            settings.section["insert_day0"] = _bool(value, lines, where)
        elif key == "take_from_population":
            settings.section["take_from_population"] = _bool(value, lines, where)
        elif key == "sum_from_camps":
            if not _bool(value, lines, where) and not spawn.get("conflict_driven_spawning"):
                raise lines.error(where, "false without conflict_driven_spawning leaves no way to spawn agents")
        elif key == "conflict_spawn_decay":
            if value is not None:
                if not isinstance(value, list) or not value or not all(_is_number(v) and v >= 0 for v in value):
                    raise lines.error(where, "expected a list of multipliers >= 0")
                settings.section["conflict_spawn_decay"] = [float(v) for v in value]
        elif key == "conflict_spawn_decay_interval":
            if not _is_number(value) or int(value) != value or value < 1:
                raise lines.error(where, f"expected a whole number of days >= 1 (got {value!r})")
            settings.section["conflict_spawn_decay_interval_days"] = int(value)
        elif key == "conflict_driven_spawning":
            if value is None or value is False:
                continue
            if value is True:
                value = {}
            if not isinstance(value, dict):
                raise lines.error(where, "expected a mapping (spawn_mode:, displaced_per_conflict_day:)")
            mode = str(value.get("spawn_mode", "constant")).lower()
            if mode not in ("constant", "poisson", "pop_ratio"):
                raise lines.error((*where, "spawn_mode"), f"unknown spawn mode '{mode}' (constant, poisson, pop_ratio)")
            rate = value.get("displaced_per_conflict_day", 0.01 if mode == "pop_ratio" else 500)
            if not _is_number(rate) or rate < 0:
                raise lines.error((*where, "displaced_per_conflict_day"), f"expected a number >= 0 (got {rate!r})")
            for extra in value:
                if extra not in ("spawn_mode", "displaced_per_conflict_day"):
                    note((*where, extra), f"spawn_rules.conflict_driven_spawning.{extra}: unknown key; ignored")
            settings.section.update(spawning="conflict_driven", conflict_spawn_mode=mode, displaced_per_conflict_day=float(rate))
        elif key in INERT["spawn_rules"]:
            if value != INERT["spawn_rules"][key]:
                note(where, f"spawn_rules.{key}: {value!r} is not modelled (only Flee's default rules are); ignored")
        else:
            note(where, f"spawn_rules.{key}: unknown key; ignored")

    for key, value in section("optimisations").items():
        where = ("optimisations", key)
        if key == "hasten":
            if not _is_number(value) or int(value) != value or value < 1:
                raise lines.error(where, f"expected a whole number >= 1 (got {value!r})")
            settings.scale = int(value)
        else:
            note(where, f"optimisations.{key}: unknown key; ignored")

    for key, value in section("log_levels").items():
        if value:
            note(("log_levels", key), f"log_levels.{key}: Flee's own logs are not written; migsim writes its tables instead")
    return settings


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _bool(value: Any, lines, where: tuple) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise lines.error(where, f"expected true or false (got {value!r})")

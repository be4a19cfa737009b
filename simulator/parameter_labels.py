"""``MODULE.NAME`` labels of numeric behaviour parameters, as sweeps and calibrations name what they vary."""

from __future__ import annotations

import dataclasses

from models import PARAMETER_SETS
from simulator.errors import suggestion
from simulator.yamlsource import LineMap


def numeric_parameter(label: str, where: tuple, lines: LineMap, purpose: str) -> tuple[str, str, dataclasses.Field]:
    """``(module, name, field)`` of a numeric parameter, or a located error naming ``label`` (``purpose``: swept, fitted)."""
    module, _, name = label.partition(".")
    if module not in PARAMETER_SETS or not name:
        hint = suggestion(module, PARAMETER_SETS)
        raise lines.error(
            where, f"unknown parameter '{label}': expected MODULE.NAME with MODULE one of {', '.join(PARAMETER_SETS)}{hint}"
        )
    fields = {f.name: f for f in dataclasses.fields(PARAMETER_SETS[module])}
    if name not in fields:
        raise lines.error(where, f"unknown parameter '{label}'{suggestion(name, fields)}")
    f = fields[name]
    if isinstance(f.default, bool) or not isinstance(f.default, (int, float)):
        raise lines.error(where, f"'{label}' is not a number and cannot be {purpose}")
    return module, name, f


def outside_allowed(value: float, f: dataclasses.Field) -> str | None:
    """Why ``value`` is outside the parameter's documented range, or None when it is inside."""
    low, high = f.metadata.get("low"), f.metadata.get("high")
    if (low is not None and value < low) or (high is not None and value > high):
        return f"{value:g} is outside the allowed range [{low}, {high}] {f.metadata.get('unit', '')}".rstrip()
    return None

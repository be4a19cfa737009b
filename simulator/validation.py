"""Turning pydantic validation errors into one-line, located scenario errors."""

from __future__ import annotations

from collections.abc import Sequence

import pydantic

from simulator.errors import ScenarioError, format_field_path, suggestion
from simulator.yamlsource import LineMap


def _known_keys(model: type[pydantic.BaseModel] | None, loc: Sequence) -> list[str]:
    """Field names of the (nested) model that the location ``loc`` points into."""
    current = model
    for part in loc:
        if current is None or isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            break
        annotation = field.annotation
        nested = None
        for candidate in (annotation, *getattr(annotation, "__args__", ())):
            for inner in (candidate, *getattr(candidate, "__args__", ())):
                if isinstance(inner, type) and issubclass(inner, pydantic.BaseModel):
                    nested = inner
        current = nested
    return list(getattr(current, "model_fields", {})) if current is not None else []


def _message(error: dict, model: type[pydantic.BaseModel] | None) -> tuple[tuple, str]:
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p and p.endswith("]")))
    kind = error["type"]
    if kind == "extra_forbidden":
        key = loc[-1]
        known = _known_keys(model, loc[:-1])
        hint = suggestion(str(key), known) if known else ""
        return loc, f"unknown key '{key}'{hint}"
    if kind == "missing":
        return loc, "required key is missing"
    value = error.get("input")
    msg = error["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    return loc, f"{msg} (got {shown})"


def located_error(
    exc: pydantic.ValidationError,
    lines: LineMap,
    prefix: Sequence[str | int] = (),
    model: type[pydantic.BaseModel] | None = None,
) -> ScenarioError:
    """The first error of ``exc`` as a :class:`ScenarioError` with file, line and field path."""
    loc, message = _message(exc.errors()[0], model)
    path = tuple(prefix) + loc
    return ScenarioError(message, lines.file, lines.line_of(path), format_field_path(path))


def located_csv_error(
    exc: pydantic.ValidationError, file: str, line: int, model: type[pydantic.BaseModel] | None = None
) -> ScenarioError:
    """The first error of ``exc`` for one CSV row, naming the file, line and column."""
    loc, message = _message(exc.errors()[0], model)
    return ScenarioError(message, file, line, format_field_path(loc))

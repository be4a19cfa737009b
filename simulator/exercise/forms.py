"""Forms generated from the engine's event registry: one field per event field, typed.

A form's values are strings as typed; :func:`form_to_event` turns them into
the event mapping that the server validates with the same rules as scenario
files.  Lists and mappings are written in YAML (safe loading only).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any

import yaml

from simulator.events import EVENT_TYPES

HIDDEN = ("type", "date", "day")


@dataclass(frozen=True)
class FormField:
    """One input of an event form."""

    name: str
    kind: str  # node, link, number, integer, bool, choice, text, yaml
    required: bool
    default: str
    help: str
    choices: tuple[str, ...] = ()


class FormError(ValueError):
    """A value that cannot be read; ``field`` is the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _kind(annotation) -> tuple[str, tuple[str, ...]]:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Literal:
        return "choice", tuple(str(a) for a in typing.get_args(annotation))
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)) and len(args) == 1:
        return _kind(args[0])
    if annotation is bool:
        return "bool", ()
    if annotation is int:
        return "integer", ()
    if annotation is float:
        return "number", ()
    if annotation is str:
        return "text", ()
    return "yaml", ()


def event_form(event_type: str) -> list[FormField]:
    """The inputs of an event type's form, in declaration order."""
    cls = EVENT_TYPES[event_type]
    fields = []
    for name, info in cls.model_fields.items():
        if name in HIDDEN:
            continue
        if name in cls.node_fields:
            kind, choices = "node", ()
        elif name in cls.link_fields:
            kind, choices = "link", ()
        else:
            kind, choices = _kind(info.annotation)
        default = "" if info.is_required() or info.default is None else str(info.default)
        if kind == "yaml" and not info.is_required() and info.default not in (None, [], {}):
            default = yaml.safe_dump(info.default, default_flow_style=True).strip()
        fields.append(FormField(name, kind, info.is_required(), default, info.description or "", choices))
    return fields


def form_to_event(event_type: str, values: dict[str, str]) -> dict[str, Any]:
    """The event mapping from a form's typed values (empty optional inputs are left out)."""
    if event_type not in EVENT_TYPES:
        raise FormError("type", f"unknown event type '{event_type}'")
    event: dict[str, Any] = {"type": event_type}
    for f in event_form(event_type):
        text = str(values.get(f.name, "") or "").strip()
        if not text:
            continue
        if f.kind == "integer":
            try:
                event[f.name] = int(text)
            except ValueError:
                raise FormError(f.name, f"expected a whole number, got '{text}'") from None
        elif f.kind == "number":
            try:
                event[f.name] = float(text)
            except ValueError:
                raise FormError(f.name, f"expected a number, got '{text}'") from None
        elif f.kind == "bool":
            event[f.name] = text.lower() in ("true", "yes", "1", "on")
        elif f.kind == "yaml":
            try:
                event[f.name] = yaml.safe_load(text)
            except yaml.YAMLError as exc:
                raise FormError(f.name, f"not valid YAML: {str(exc).splitlines()[0]}") from None
        else:
            event[f.name] = text
    return event

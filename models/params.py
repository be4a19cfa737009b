"""Declaring behaviour parameters: a default, a unit, a plausible range and a doc.

Each behaviour module declares one frozen dataclass of parameters whose fields
are made with :func:`parameter`.  The scenario loader reads the metadata to
validate values (type, range) and the reports read it to print units and
sources.
"""

from __future__ import annotations

import dataclasses
from typing import Any


def parameter(default: Any, unit: str, doc: str, low: float | None = None, high: float | None = None, source: str = ""):
    """A dataclass field with documented ``unit``, allowed range [low, high] and ``source``."""
    return dataclasses.field(
        default=default,
        metadata={"unit": unit, "doc": doc, "low": low, "high": high, "source": source},
    )


def describe(params_class) -> list[dict[str, Any]]:
    """One dict per field: name, default, unit, range, doc, source."""
    rows = []
    for f in dataclasses.fields(params_class):
        rows.append(
            {
                "name": f.name,
                "default": f.default,
                "unit": f.metadata.get("unit", ""),
                "low": f.metadata.get("low"),
                "high": f.metadata.get("high"),
                "doc": f.metadata.get("doc", ""),
                "source": f.metadata.get("source", ""),
            }
        )
    return rows

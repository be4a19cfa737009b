"""User-facing errors: one line naming the file, the line and the field.

A :class:`ScenarioError` is what bad input raises anywhere in migsim; the CLI
prints ``str(error)`` and exits with status 2, without a traceback.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Sequence


class MigsimError(Exception):
    """Base class of every error caused by what a user gave migsim."""


class ScenarioError(MigsimError):
    """Bad input in a file: ``file:line: field.path: message``."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None, field: str = ""):
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


def format_field_path(path: Sequence[str | int]) -> str:
    """Render a location tuple such as ``("events", 3, "node")`` as ``events[3].node``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def suggestion(name: str, candidates: Iterable[str]) -> str:
    """Return ``"; did you mean 'X'?"`` for the closest candidate, or ``""``.

    Accents and case are ignored when comparing, so ``Cucuta`` finds ``Cúcuta``.
    """
    candidates = [str(c) for c in candidates]
    folded = {}
    for c in candidates:
        folded.setdefault(_fold(c), c)
    match = difflib.get_close_matches(_fold(str(name)), list(folded), n=1, cutoff=0.6)
    return f"; did you mean '{folded[match[0]]}'?" if match else ""

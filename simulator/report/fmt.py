"""Numbers, dates and text as a reader wants them: thousands separators, calendar dates, no URLs to fetch."""

from __future__ import annotations

import html
import math
import re

import numpy as np
import pandas as pd

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

_SCHEME = re.compile(r"\b(?:https?|ftp)://", re.IGNORECASE)


def people(value: float) -> str:
    """A count of people for a sentence: exact below 1,000, else three significant figures, with separators."""
    value = float(value)
    if not math.isfinite(value):
        return "n/a"
    if abs(value) < 1000:
        return f"{round(value):,}"
    digits = 3 - int(math.floor(math.log10(abs(value)))) - 1
    return f"{round(value, digits):,.0f}"


def count(value: float) -> str:
    """An exact count with thousands separators (tables)."""
    value = float(value)
    return f"{round(value):,}" if math.isfinite(value) else "n/a"


def value(value) -> str:
    """A parameter value: whole numbers with separators, decimals without exponent (``0.00002``)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer():
        return f"{int(value):,}"
    return np.format_float_positional(float(value), trim="-")


def share(value: float) -> str:
    """A share 0..1 as a whole percentage."""
    return f"{100 * float(value):.0f}%"


def date(value) -> str:
    """A calendar date for a reader: ``15 March 2024``."""
    ts = pd.Timestamp(value)
    return f"{ts.day} {ts:%B %Y}"


def short_date(value) -> str:
    """A calendar date for an axis or a table header: ``15 Mar 2024``."""
    ts = pd.Timestamp(value)
    return f"{ts.day} {ts:%b %Y}"


def month(value) -> str:
    """A calendar month: ``March 2024``."""
    return f"{pd.Timestamp(value):%B %Y}"


def band(low: float, median: float, high: float, banded: bool, unit: str = "people") -> str:
    """``between 41,000 and 58,000 people (median 49,000)``, or ``49,000 people`` for a single run."""
    if not banded or people(low) == people(high):
        return f"{people(median)} {unit}"
    return f"between {people(low)} and {people(high)} {unit} (median {people(median)})"


def cell(low: float, median: float, high: float, banded: bool) -> str:
    """A table cell: ``49,123 (41,002–58,345)`` or ``49,123``."""
    if not banded:
        return count(median)
    return f"{count(median)} ({count(low)}–{count(high)})"


def text(value) -> str:
    """Escaped text for HTML, with URL schemes removed so that the page names sources without linking out."""
    return html.escape(_SCHEME.sub("", str(value)))


def unlinked(value: str) -> str:
    """``value`` without URL schemes (for text that is escaped elsewhere)."""
    return _SCHEME.sub("", value)

"""Country outlines of the Americas (Natural Earth 1:110m, public domain), shipped with migsim."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

COUNTRIES = Path(__file__).resolve().parent / "data" / "americas_countries.geojson"


@cache
def countries() -> dict:
    """The GeoJSON FeatureCollection of the Americas' countries (properties ``name``, ``iso3``)."""
    return json.loads(COUNTRIES.read_text())


def country_names() -> dict[str, str]:
    """iso3 -> Natural Earth's short country name."""
    return {f["properties"]["iso3"]: f["properties"]["name"] for f in countries()["features"]}


def outlines() -> list[tuple[str, list[list[list[float]]]]]:
    """(iso3, rings) per country; each ring a list of [lon, lat]."""
    out = []
    for feature in countries()["features"]:
        rings = [ring for polygon in feature["geometry"]["coordinates"] for ring in polygon]
        out.append((feature["properties"]["iso3"], rings))
    return out

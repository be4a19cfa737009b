"""Build ``simulator/report/data/americas_countries.geojson`` from Natural Earth 1:110m admin-0 countries.

    pip download --no-deps geopandas==0.14.4 -d /tmp/ne
    python scripts/build_countries_geojson.py /tmp/ne/geopandas-0.14.4-py3-none-any.whl

The geopandas 0.14 wheel bundles Natural Earth's ``ne_110m_admin_0_countries``
(public domain) as ``geopandas/datasets/naturalearth_lowres``. This script reads
its shapefile and dBase table with the standard library only, keeps the polygon
parts that lie in the Americas (by the centre of each part's bounding box, so
French Guiana is kept and Chukotka is not), drops points closer than the
rounding grid, and writes RFC 7946 GeoJSON (exterior rings counter-clockwise)
with ``name`` and ``iso3`` properties. The output is byte-for-byte reproducible.
"""

from __future__ import annotations

import argparse
import json
import struct
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "simulator" / "report" / "data" / "americas_countries.geojson"
MEMBER = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"
# The Americas: part centres inside this box (longitude, latitude); Antarctica excluded.
WEST, EAST, SOUTH, NORTH = -170.0, -25.0, -58.0, 84.0
DECIMALS = 2  # about 1 km: far finer than the 1:110m source


def read_dbf(data: bytes, encoding: str) -> list[dict[str, str]]:
    """Records of a dBase III table as strings (trailing blanks removed)."""
    count, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields = []
    pos = 32
    while data[pos] != 0x0D:
        name = data[pos : pos + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, data[pos + 16]))
        pos += 32
    records = []
    for i in range(count):
        start = header_len + i * record_len + 1  # skip the deletion flag
        row, offset = {}, start
        for name, length in fields:
            row[name] = data[offset : offset + length].decode(encoding).strip()
            offset += length
        records.append(row)
    return records


def read_polygons(data: bytes) -> list[list[list[tuple[float, float]]]]:
    """Each record of a polygon shapefile as a list of rings of (lon, lat)."""
    shapes, pos = [], 100
    while pos < len(data):
        _, words = struct.unpack(">ii", data[pos : pos + 8])
        content = data[pos + 8 : pos + 8 + 2 * words]
        pos += 8 + 2 * words
        (shape_type,) = struct.unpack("<i", content[:4])
        if shape_type != 5:
            raise ValueError(f"expected polygons (type 5), got shape type {shape_type}")
        n_parts, n_points = struct.unpack("<ii", content[36:44])
        parts = list(struct.unpack(f"<{n_parts}i", content[44 : 44 + 4 * n_parts]))
        coords = struct.unpack(f"<{2 * n_points}d", content[44 + 4 * n_parts : 44 + 4 * n_parts + 16 * n_points])
        points = list(zip(coords[0::2], coords[1::2], strict=True))
        bounds = parts + [n_points]
        shapes.append([points[bounds[i] : bounds[i + 1]] for i in range(n_parts)])
    return shapes


def signed_area(ring: list[tuple[float, float]]) -> float:
    """Shoelace area: positive for counter-clockwise rings."""
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))


def rounded(ring: list[tuple[float, float]]) -> list[list[float]]:
    """The ring on the rounding grid, repeated points dropped, closed."""
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or point != out[-1]:
            out.append(point)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def inside(point: tuple[float, float], ring: list[tuple[float, float]]) -> bool:
    """Even-odd rule point-in-polygon test."""
    x, y = point
    hit = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            hit = not hit
    return hit


def americas_polygons(rings: list[list[tuple[float, float]]]) -> list[list[list[list[float]]]]:
    """The polygons (exterior CCW, holes CW) of one country whose exterior lies in the Americas."""
    exteriors = [r for r in rings if signed_area(r) < 0]  # shapefile exteriors are clockwise
    holes = [r for r in rings if signed_area(r) > 0]
    polygons = []
    for ring in exteriors:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        if not (WEST <= cx <= EAST and SOUTH <= cy <= NORTH):
            continue
        polygon = [rounded(ring[::-1])]
        polygon += [rounded(h[::-1]) for h in holes if inside(h[0], ring)]
        if len(polygon[0]) >= 4:
            polygons.append(polygon)
    return polygons


def build(wheel: Path) -> dict:
    """The GeoJSON FeatureCollection of the Americas from the geopandas wheel."""
    with zipfile.ZipFile(wheel) as z:
        shapes = read_polygons(z.read(MEMBER + ".shp"))
        encoding = z.read(MEMBER + ".cpg").decode("ascii").strip()
        records = read_dbf(z.read(MEMBER + ".dbf"), encoding)
    features = []
    for record, rings in zip(records, shapes, strict=True):
        polygons = americas_polygons(rings)
        if not polygons:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"name": record["name"], "iso3": record["iso_a3"]},
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            }
        )
    features.sort(key=lambda f: f["properties"]["name"])
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="geopandas 0.14.x wheel (bundles naturalearth_lowres)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    collection = build(args.wheel)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(collection, separators=(",", ":")) + "\n")
    print(f"{args.out}: {len(collection['features'])} countries, {args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()

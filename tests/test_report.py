"""The HTML report and its exports, for a run, an ensemble and a comparison (docs/results-layout.md)."""

from __future__ import annotations

import base64
import json
import math
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.report import write_report
from simulator.report.fmt import cell, count, people
from tests.conftest import run_cli
from tests.report_fixtures import CORRIDOR, INCIDENTS, make_comparison, read_tables

RUN_FIGURES = ["map", "chart-arrivals", "chart-waiting", "chart-shelter", "chart-irregular", "chart-information"]
RUN_TABLES = ["table-arrivals", "table-crossings", "table-waiting", "table-shelter", "table-reach", "table-parameters"]
SECTIONS = ["headline", "map", "tables", "methods"]
SEEDS = [1, 2, 3]
CROSSING = "Rumichaca (COL-ECU)"


class Page(HTMLParser):
    """The parts of a report the tests look at: ids, images, links, tables (rows of cell texts), list items."""

    def __init__(self, text: str):
        super().__init__()
        self.ids: set[str] = set()
        self.sources: list[str] = []
        self.images: dict[str, str] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self.items: dict[str, str] = {}
        self._figure = self._table = self._item = None
        self._cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("src", "href"):
            if name in attrs:
                self.sources.append(attrs[name])
        if tag == "figure":
            self._figure = attrs.get("id")
        elif tag == "img" and self._figure:
            self.images[self._figure] = attrs["src"]
        elif tag == "table" and attrs.get("id"):
            self._table = attrs["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []
        elif tag == "li" and attrs.get("id"):
            self._item = attrs["id"]
            self.items[self._item] = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None
        elif tag == "figure":
            self._figure = None
        elif tag == "li":
            self._item = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._item:
            self.items[self._item] += data

    def rows(self, table_id: str) -> dict[str, list[str]]:
        """Row label -> cells (the header row under the key '')."""
        rows = self.tables[table_id]
        return {row[0]: row[1:] for row in rows}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    """A run of the corridor scenario by the CLI, which writes its report by default."""
    out = tmp_path_factory.mktemp("run") / "corridor"
    result = run_cli("run", str(CORRIDOR), "--out", str(out), "--quiet", "--no-campaign-effects")
    assert result.returncode == 0, result.stderr
    assert f"report written to {out / 'report.html'}" in result.stdout
    return out


@pytest.fixture(scope="module")
def comparison_dir(tmp_path_factory) -> Path:
    """A comparison of the corridor with its 'closed' variant, 3 replicates each, compared on days 9 and 19."""
    out = tmp_path_factory.mktemp("comparison") / "cmp"
    make_comparison(out, {"baseline": None, "closed": "closed"}, SEEDS, [9, 19])
    write_report(out)
    return out


@pytest.fixture(scope="module")
def ensemble_dir(comparison_dir) -> Path:
    """The comparison's baseline ensemble (3 replicates, bands/), reported on its own."""
    folder = comparison_dir / "variants" / "baseline"
    write_report(folder)
    return folder


def page_of(folder: Path) -> Page:
    return Page((folder / "report.html").read_text(encoding="utf-8"))


def map_dates(folder: Path) -> list[pd.Timestamp]:
    """The map dates, read back from the nodes layer's property names."""
    props = json.loads((folder / "exports" / "nodes.geojson").read_text())["features"][0]["properties"]
    return sorted({pd.Timestamp(m.group(1)) for k in props if (m := re.fullmatch(r"people_(\d{4}-\d\d-\d\d)", k))})


def quantiles(values) -> tuple[float, float, float]:
    low, median, high = np.quantile(np.asarray(values, dtype=float), [0.1, 0.5, 0.9])
    return float(low), float(median), float(high)


# -- every part is there, and nothing is fetched ---------------------------------------------------


def test_run_report_has_every_section_figure_and_table(run_dir):
    page = page_of(run_dir)
    assert set(SECTIONS + ["charts"]) <= page.ids
    assert set(RUN_FIGURES) <= set(page.images)
    for src in page.images.values():
        assert base64.b64decode(src.removeprefix("data:image/png;base64,"))[:8] == b"\x89PNG\r\n\x1a\n"
    assert set(RUN_TABLES) <= set(page.tables)
    assert {"headline-arrivals", "headline-waiting", "headline-shelter", "headline-irregular-crossings"} <= set(page.items)
    text = (run_dir / "report.html").read_text()
    assert "report_corridor: where every figure comes from" in text  # the scenario's SOURCES.md
    assert "Not calibrated" in text and "Safe Routes" in text


@pytest.mark.parametrize("kind", ["run", "ensemble", "comparison"])
def test_report_opens_without_network(kind, run_dir, ensemble_dir, comparison_dir):
    folder = {"run": run_dir, "ensemble": ensemble_dir, "comparison": comparison_dir}[kind]
    text = (folder / "report.html").read_text()
    assert not re.search(r"(?i)\b(https?|ftp):", text)
    assert "geonames.org" in text  # the sources note keeps naming its sources, without linking out
    for source in Page(text).sources:
        assert source.startswith(("data:image/png;base64,", "#")), source[:60]
    assert "<script" not in text and "@import" not in text


# -- numbers in the report are the numbers in the tables -------------------------------------------


def test_run_numbers_match_the_parquet_tables(run_dir):
    page = page_of(run_dir)
    tables = read_tables(run_dir)
    x, countries, totals = tables["crossings"], tables["countries"], tables["totals"]

    peak = x.sort_values(["waiting", "day"], ascending=[False, True]).iloc[0]
    date = pd.Timestamp(peak["date"])
    assert page.items["headline-waiting"].startswith(f"{people(peak['waiting'])} people would be waiting at {peak['crossing']}")
    assert f"{date.day} {date:%B %Y}" in page.items["headline-waiting"]
    assert page.items["headline-arrivals"].startswith(f"{people(totals['arrivals'].sum())} people would reach")
    assert page.items["headline-irregular-crossings"].startswith(f"{people(totals['irregular_crossings'].sum())} irregular")

    crossings = page.rows("table-crossings")
    for name, rows in x.groupby("crossing"):
        if rows[["regular", "irregular"]].to_numpy().sum() == 0:
            continue
        incidents = rows[INCIDENTS].to_numpy().sum()
        expected = [count(rows["regular"].sum()), count(rows["irregular"].sum()), count(incidents), count(rows["waiting"].max())]
        assert crossings[name] == expected

    arrivals = page.rows("table-arrivals")
    monthly = countries.assign(month=pd.to_datetime(countries["date"]).dt.strftime("%B %Y"))
    for iso3, rows in monthly.groupby("iso3"):
        by_month = rows.groupby("month")["arrivals"].sum()
        if by_month.sum() == 0:
            continue
        label = {"COL": "Colombia", "ECU": "Ecuador"}[iso3]
        assert arrivals[label] == [count(v) for v in by_month.reindex([h for h in arrivals[""] if h]).to_numpy()]

    waiting = page.rows("table-waiting")
    dates = map_dates(run_dir)
    at = x.loc[(x["crossing"] == CROSSING) & pd.to_datetime(x["date"]).isin(dates)].sort_values("day")
    assert waiting[CROSSING] == [count(v) for v in at["waiting"]]


def test_ensemble_numbers_match_bands_and_replicates(ensemble_dir):
    page = page_of(ensemble_dir)
    dates = map_dates(ensemble_dir)
    bands = pd.read_parquet(ensemble_dir / "bands" / "crossings.parquet")
    waiting = bands.loc[(bands["quantity"] == "waiting") & (bands["crossing"] == CROSSING)].copy()
    waiting["date"] = pd.to_datetime(waiting["date"])
    at = waiting.loc[waiting["date"].isin(dates)].sort_values("day")
    assert page.rows("table-waiting")[CROSSING] == [cell(r.p10, r.p50, r.p90, True) for r in at.itertuples()]
    peak = waiting.sort_values(["p50", "day"], ascending=[False, True]).iloc[0]
    assert page.items["headline-waiting"].startswith(
        f"Between {people(peak.p10)} and {people(peak.p90)} people (median {people(peak.p50)}) would be waiting at {CROSSING}"
    )

    # A total over the run is banded across replicates, not summed from daily bands.
    reps = [read_tables(f) for f in sorted((ensemble_dir / "replicates").iterdir())]
    per_rep = [t["crossings"].loc[t["crossings"]["crossing"] == CROSSING, "irregular"].sum() for t in reps]
    assert page.rows("table-crossings")[CROSSING][1] == cell(*quantiles(per_rep), True)
    march = [t["countries"].loc[t["countries"]["iso3"] == "ECU", "arrivals"].sum() for t in reps]
    assert page.rows("table-arrivals")["Ecuador"] == [cell(*quantiles(march), True)]
    assert "Lines: median of 3 replicates; shaded: the 10th to 90th percentile" in (ensemble_dir / "report.html").read_text()


def test_comparison_differences_equal_differences_of_the_tables(comparison_dir):
    page = page_of(comparison_dir)
    assert {"headline", "map", "comparison", "tables", "methods"} <= page.ids
    assert "Ecuador closes the regular channel at Rumichaca" in (comparison_dir / "report.html").read_text()
    figures = ["comparison-" + i for i in ("arrivals", "waiting", "without_shelter", "irregular_crossings", "incidents")]
    assert set(figures) <= set(page.images)

    def replicates(variant):
        folder = comparison_dir / "variants" / variant / "replicates"
        return [read_tables(f) for f in sorted(folder.iterdir())]

    base, closed = replicates("baseline"), replicates("closed")

    def waiting_last(tables):
        x = tables["crossings"]
        return float(x.loc[(x["crossing"] == CROSSING) & (x["day"] == 19), "waiting"].iloc[0])

    def irregular_so_far(tables):
        x = tables["crossings"]
        return float(x.loc[(x["crossing"] == CROSSING) & (x["day"] <= 19), "irregular"].sum())

    for table_id, measure in (
        ("table-comparison-waiting", waiting_last),
        ("table-comparison-irregular_crossings", irregular_so_far),
    ):
        row = page.rows(table_id)[CROSSING]
        b = [measure(t) for t in base]
        c = [measure(t) for t in closed]
        diff = quantiles(np.subtract(c, b))
        low, median, high = (f"{v:+,.0f}".replace("-", "−") if round(v) else "0" for v in (diff[0], diff[1], diff[2]))
        assert row == [cell(*quantiles(b), True), cell(*quantiles(c), True), f"{median} ({low} to {high})"]
    csv = pd.read_csv(comparison_dir / "exports" / "figures" / "comparison-waiting.csv")
    last = csv.loc[(csv["variant"] == "closed") & (csv["key"] == CROSSING) & (csv["day"] == 19)].iloc[0]
    assert last["diff_p50"] == pytest.approx(
        quantiles(np.subtract([waiting_last(t) for t in closed], [waiting_last(t) for t in base]))[1]
    )


# -- exports -----------------------------------------------------------------------------------------


def _check_position(position):
    assert len(position) == 2 and all(isinstance(v, int | float) and math.isfinite(v) for v in position)
    assert -180 <= position[0] <= 180 and -90 <= position[1] <= 90


def check_geojson(collection: dict) -> None:
    """Structural RFC 7946 checks of a FeatureCollection of Points, LineStrings and (Multi)Polygons."""
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    ids = [f.get("id") for f in collection["features"] if "id" in f]
    assert len(ids) == len(set(ids))
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        if geometry["type"] == "Point":
            _check_position(geometry["coordinates"])
        elif geometry["type"] == "LineString":
            assert len(geometry["coordinates"]) >= 2
            for position in geometry["coordinates"]:
                _check_position(position)
        elif geometry["type"] == "MultiPolygon":
            for polygon in geometry["coordinates"]:
                for i, ring in enumerate(polygon):
                    assert len(ring) >= 4 and ring[0] == ring[-1]
                    for position in ring:
                        _check_position(position)
                    xs, ys = np.array(ring).T
                    area = 0.5 * np.sum(xs[:-1] * ys[1:] - xs[1:] * ys[:-1])
                    assert (area > 0) == (i == 0), "exterior rings counter-clockwise, holes clockwise"
        else:
            raise AssertionError(f"unexpected geometry {geometry['type']}")


def test_geojson_layers_are_valid_and_round_trip(run_dir):
    exports = run_dir / "exports"
    nodes = json.loads((exports / "nodes.geojson").read_text(encoding="utf-8"))
    links = json.loads((exports / "links.geojson").read_text(encoding="utf-8"))
    for collection in (nodes, links):
        check_geojson(collection)
        assert json.loads(json.dumps(collection)) == collection
    assert {f["properties"]["node_id"] for f in nodes["features"]} == {"O", "C", "B", "X", "Q"}
    tables = read_tables(run_dir)
    table = tables["nodes"].assign(date=lambda f: pd.to_datetime(f["date"]))
    for date in map_dates(run_dir):
        stamp = f"{date:%Y-%m-%d}"
        for feature in nodes["features"]:
            p = feature["properties"]
            row = table.loc[(table["node_id"] == p["node_id"]) & (table["date"] == date)].iloc[0]
            assert p[f"people_{stamp}"] == row["people"] and p[f"without_shelter_{stamp}"] == row["without_shelter"]
        flows = tables["links"].assign(date=lambda f: pd.to_datetime(f["date"]))
        window = flows.loc[(flows["date"] > date - pd.Timedelta(days=30)) & (flows["date"] <= date)]
        xq = next(f for f in links["features"] if f["properties"]["link_id"] == "XQ")["properties"]
        assert xq[f"flow_30d_{stamp}"] == window.loc[window["link_id"] == "XQ", "flow"].sum()
        assert xq["crossing"] == CROSSING and f"waiting_{stamp}" in xq
    assert nodes["features"][0]["geometry"]["coordinates"] == [-66.88, 10.49]


def test_shipped_country_outlines_are_valid_geojson():
    from simulator.report.geo import COUNTRIES

    collection = json.loads(COUNTRIES.read_text())
    check_geojson(collection)
    assert {"VEN", "COL", "PAN", "MEX", "USA", "CHL", "BRA"} <= {f["properties"]["iso3"] for f in collection["features"]}
    assert (COUNTRIES.parent / "SOURCES.md").read_text().count("Natural Earth") >= 2


def test_csv_exports_hold_the_tables(run_dir, ensemble_dir):
    for name, table in read_tables(run_dir).items():
        assert len(pd.read_csv(run_dir / "exports" / "tables" / f"{name}.csv")) == len(table)
    for folder in (run_dir, ensemble_dir):
        figures = {p.stem for p in (folder / "exports" / "figures").glob("*.csv")}
        assert figures == {"arrivals", "crossings", "waiting", "shelter", "reach"}
    run_csv = pd.read_csv(run_dir / "exports" / "figures" / "crossings.csv")
    assert {"crossing", "measure", "value"} <= set(run_csv.columns)
    ensemble_csv = pd.read_csv(ensemble_dir / "exports" / "figures" / "waiting.csv")
    assert {"crossing", "date", "mean", "p10", "p50", "p90"} <= set(ensemble_csv.columns)
    bands = pd.read_csv(ensemble_dir / "exports" / "tables" / "crossings.csv")
    assert len(bands) == len(pd.read_parquet(ensemble_dir / "bands" / "crossings.parquet"))


# -- options and errors ------------------------------------------------------------------------------


def test_report_command_options(run_dir, tmp_path):
    out = tmp_path / "elsewhere" / "plan.html"
    result = run_cli("report", str(run_dir), "-o", str(out), "--dates", "2024-03-05,2024-03-20")
    assert result.returncode == 0, result.stderr
    assert out.is_file() and (out.parent / "plan-exports" / "links.geojson").is_file()
    props = json.loads((out.parent / "plan-exports" / "nodes.geojson").read_text())["features"][0]["properties"]
    assert "people_2024-03-05" in props and "people_2024-03-20" in props
    bad = run_cli("report", str(run_dir), "-o", str(tmp_path / "x.html"), "--dates", "2025-01-01")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "migsim: error: --dates: 2025-01-01 is outside the run (2024-03-01 to 2024-03-20)"
    assert not (tmp_path / "x.html").exists()


def test_run_without_report(tmp_path, tiny_path):
    out = tmp_path / "r"
    result = run_cli("run", str(tiny_path), "--days", "3", "--out", str(out), "--quiet", "--no-report")
    assert result.returncode == 0, result.stderr
    assert (out / "run.json").exists() and not (out / "report.html").exists() and not (out / "exports").exists()


def _broken(source: Path, tmp_path: Path, relative: str, how: str) -> Path:
    folder = tmp_path / "broken"
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("report.html", "exports"))
    target = folder / relative
    if how == "missing":
        target.unlink()
    else:
        target.write_bytes(b"PAR1 this is not a parquet file")
    return folder


@pytest.mark.parametrize(
    "kind, relative, how",
    [
        ("run", "crossings.parquet", "missing"),
        ("run", "nodes.parquet", "corrupt"),
        ("ensemble", "bands/crossings.parquet", "corrupt"),
        ("ensemble", "replicates/rep-001/totals.parquet", "missing"),
        ("comparison", "comparison.parquet", "missing"),
        ("comparison", "variants/closed/bands/nodes.parquet", "corrupt"),
    ],
)
def test_missing_or_corrupt_table_is_one_line_naming_it(kind, relative, how, run_dir, ensemble_dir, comparison_dir, tmp_path):
    source = {"run": run_dir, "ensemble": ensemble_dir, "comparison": comparison_dir}[kind]
    folder = _broken(source, tmp_path, relative, how)
    result = run_cli("report", str(folder))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"migsim: error: {folder / relative}: ")
    assert not (folder / "report.html").exists() and not (folder / "exports").exists()


def test_not_a_results_folder(tmp_path):
    result = run_cli("report", str(tmp_path))
    assert result.returncode == 2
    assert "not a results folder (no run.json, ensemble.json or comparison.json)" in result.stderr

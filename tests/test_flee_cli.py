"""End to end from the command line: import a Flee case, run it with the flee ruleset (and the engine's), validate."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.conftest import run_cli
from tests.flee_helpers import FLEE_INPUT, FLEE_SETTINGS, FLEE_VALIDATION


@pytest.fixture(scope="module")
def workflow(tmp_path_factory):
    base = tmp_path_factory.mktemp("flee_cli")
    scenario = base / "ruritania.yaml"
    done = run_cli(
        "import-flee",
        str(FLEE_INPUT),
        "--validation",
        str(FLEE_VALIDATION),
        "--settings",
        str(FLEE_SETTINGS),
        "-o",
        str(scenario),
    )
    assert done.returncode == 0, done.stderr
    runs = {}
    for name, extra, threads in (
        ("flee", ("--ruleset", "flee"), "2"),
        ("flee1", ("--ruleset", "flee"), "1"),
        ("engine", (), "2"),
    ):
        out = base / name
        result = run_cli(
            "run", str(scenario), "--seed", "3", "--quiet", "--out", str(out), *extra, env={"NUMBA_NUM_THREADS": threads}
        )
        assert result.returncode == 0, result.stderr
        runs[name] = out
    validated = {name: run_cli("validate", str(out)) for name, out in runs.items() if name != "flee1"}
    return done, runs, validated


def test_import_prints_what_it_wrote_and_its_warnings(workflow):
    done, _, _ = workflow
    assert "6 locations, 6 links, 5 events, 3 observed series, 20 days, spawning sum_from_camps" in done.stdout
    assert "migsim: warning:" in done.stderr and "locations.csv:2:" in done.stderr


def test_results_record_the_ruleset_and_carry_the_observed_series(workflow):
    _, runs, _ = workflow
    record = json.loads((runs["flee"] / "run.json").read_text())
    assert record["ruleset"] == "flee" and record["parameters"]["flee"]["conflict_weight"] == 0.25
    assert json.loads((runs["engine"] / "run.json").read_text())["ruleset"] == "engine"
    observed = pd.read_parquet(runs["flee"] / "observed.parquet")
    assert set(observed["series"]) == {"total", "Camp North", "Camp South"}
    assert [e["type"] for e in record["events"]] == ["conflict", "conflict", "close_link", "open_link", "conflict"]


def test_the_flee_run_tracks_the_camp_total_and_conserves_people(workflow):
    _, runs, _ = workflow
    totals = pd.read_parquet(runs["flee"] / "totals.parquet")
    # Sum from camps: people in the system follow the observed camp total, with a deficit carried over Camp South's
    # fall (days 7-10).  These are the totals Flee 3.1 itself gives on this case, day by day.
    flee_totals = [
        430,
        640,
        850,
        1060,
        1270,
        1480,
        1630,
        1780,
        1820,
        1860,
        1900,
        2080,
        2260,
        2440,
        2620,
        2800,
        2940,
        3080,
        3220,
        3360,
    ]
    assert totals["people_in_system"].tolist() == flee_totals
    assert (totals["people_in_system"].diff().iloc[1:] == totals["departures_new"].iloc[1:]).all()
    links = pd.read_parquet(runs["flee"] / "links.parquet")
    closed = links[(links["link_id"] == "L4") & links["day"].between(5, 7)]
    assert closed["flow"].sum() == 0  # Tarn - Camp North is closed from day 5 to day 8


def test_one_and_two_threads_give_identical_flee_runs(workflow):
    _, runs, _ = workflow
    for table in ("nodes", "links", "totals"):
        assert (runs["flee"] / f"{table}.parquet").read_bytes() == (runs["flee1"] / f"{table}.parquet").read_bytes()


def test_validate_writes_its_table_and_plot_and_prints_the_totals(workflow):
    _, runs, validated = workflow
    for name in ("flee", "engine"):
        result = validated[name]
        assert result.returncode == 0, result.stderr
        assert "total error (Flee" in result.stdout and f"{name} ruleset" in result.stdout
        table = pd.read_csv(runs[name] / "validation.csv")
        assert table["location"].tolist() == ["Camp North", "Camp South", "total"]
        assert 0 < table["total_error"].iloc[-1] < 1
        assert (runs[name] / "validation.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_validate_without_observed_series_is_a_one_line_error(tmp_path):
    out = tmp_path / "tiny"
    assert run_cli("run", "tests/data/tiny.yaml", "--days", "2", "--quiet", "--out", str(out)).returncode == 0
    result = run_cli("validate", str(out))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "no observed series" in result.stderr

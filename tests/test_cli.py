"""The CLI runs the default scenario at a coarse scale and writes every promised file."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from simulator.results import read_results
from tests.conftest import run_cli

EXPECTED_FILES = {
    "run.json",
    "summary.csv",
    "nodes.parquet",
    "links.parquet",
    "countries.parquet",
    "totals.parquet",
    "stocks_by_country.png",
    "arrivals_by_country.png",
}


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "venezuela"
    result = run_cli("run", "--days", "30", "--scale", "1000", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out, result


def test_writes_every_promised_file(default_run):
    out, _ = default_run
    assert EXPECTED_FILES <= {p.name for p in out.iterdir()}
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_prints_the_summary_table(default_run):
    _, result = default_run
    assert "people at start" in result.stdout and "arrivals" in result.stdout
    assert "COL" in result.stdout
    assert "people still in transit at the end" in result.stdout


def test_outputs_are_in_persons_and_consistent(default_run):
    out, _ = default_run
    record = json.loads((out / "run.json").read_text())
    assert record["scale_persons_per_agent"] == 1000
    assert record["days"] == 30
    assert len(record["scenario"]["sha256"]) == 64
    assert set(record["timings_seconds"]) >= {"events", "spawn", "information", "decide", "move", "record", "wall"}
    results = read_results(out)
    summary = pd.read_csv(out / "summary.csv")
    start = summary.set_index("iso3")["people_start"]
    # R4V mid-2024: 2.86 million Venezuelans in Colombia, placed at 1,000 persons per agent.
    assert abs(start["COL"] - 2_860_000) <= 1000 * 10
    totals = results.totals
    assert (totals["people_in_system"] + totals["returned"] + totals["dead"]).is_monotonic_increasing
    nodes = results.nodes
    assert (nodes["people"] % 1000 == 0).all()
    last = nodes[nodes.day == 29].groupby("iso3")["people"].sum()
    assert (summary.set_index("iso3")["people_end"] == last.reindex(summary.iso3).values).all()

"""Same seed, same results, whatever the thread count; different seeds differ."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import DEFAULT, run_cli

RUN = ("--days", "20", "--scale", "2000", "--quiet")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("determinism")
    outs = {}
    for name, threads, seed in (("t1", "1", "5"), ("t2", "2", "5"), ("other", "2", "6")):
        out = base / name
        result = run_cli("run", str(DEFAULT), *RUN, "--seed", seed, "--out", str(out), env={"NUMBA_NUM_THREADS": threads})
        assert result.returncode == 0, result.stderr
        outs[name] = out
    return outs


@pytest.mark.parametrize("table", ["nodes", "links", "countries", "totals"])
def test_one_and_two_threads_give_identical_tables(runs, table):
    one = pd.read_parquet(runs["t1"] / f"{table}.parquet")
    two = pd.read_parquet(runs["t2"] / f"{table}.parquet")
    pd.testing.assert_frame_equal(one, two, check_exact=True)
    assert len(one) > 0


def test_parquet_files_are_byte_identical(runs):
    for table in ("nodes", "links", "totals"):
        assert (runs["t1"] / f"{table}.parquet").read_bytes() == (runs["t2"] / f"{table}.parquet").read_bytes()


def test_different_seeds_differ(runs):
    a = pd.read_parquet(runs["t2"] / "links.parquet")
    b = pd.read_parquet(runs["other"] / "links.parquet")
    assert not a["flow"].equals(b["flow"])

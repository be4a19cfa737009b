"""Ensembles and variant comparison: seeds, bands, resuming, common random numbers, paired differences."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from simulator import compare_variants, read_results, replicate_seeds, run_ensemble, run_scenario
from simulator.bands import indicator_bands, table_bands
from simulator.errors import MigsimError
from simulator.indicators import indicator_series
from tests.conftest import TINY, run_cli, tiny_data


def tiny_with_variants() -> dict:
    data = tiny_data()
    data["days"] = 30
    data["variants"] = {
        "same": {"description": "identical to the baseline"},
        "hub_closed": {
            "description": "the road from the hub to the destination is cut on day 10",
            "add_events": [{"type": "close_link", "date": "2024-01-11", "link": "L3"}],
        },
    }
    return data


def test_replicate_seeds_keep_the_base_seed_and_agree_on_their_prefix():
    seeds = replicate_seeds(7, 20)
    assert seeds[0] == 7
    assert len(set(seeds)) == 20
    assert replicate_seeds(7, 5) == seeds[:5]
    assert all(0 <= s < 2**63 for s in seeds)
    with pytest.raises(MigsimError):
        replicate_seeds(7, 0)


def test_bands_on_known_inputs():
    base = pd.DataFrame({"day": [0, 1], "date": pd.to_datetime(["2024-01-01", "2024-01-02"]), "iso3": ["COL", "COL"]})
    frames = [base.assign(people=[v, 10 * v], arrivals=[1, 2]) for v in (1.0, 2.0, 3.0, 4.0, 10.0)]
    bands = table_bands(frames, "countries", (0.1, 0.5, 0.9))
    people = bands[bands["quantity"] == "people"].reset_index(drop=True)
    assert people["p50"].tolist() == [3.0, 30.0]
    assert people["mean"].tolist() == [4.0, 40.0]
    assert people["p10"].tolist() == pytest.approx([np.quantile([1, 2, 3, 4, 10], 0.1), 10 * np.quantile([1, 2, 3, 4, 10], 0.1)])
    assert people["p90"].tolist() == pytest.approx([np.quantile([1, 2, 3, 4, 10], 0.9), 10 * np.quantile([1, 2, 3, 4, 10], 0.9)])
    arrivals = bands[bands["quantity"] == "arrivals"]
    assert (arrivals[["p10", "p50", "p90", "mean"]].to_numpy() == np.array([[1, 1, 1, 1], [2, 2, 2, 2]])).all()


def test_a_row_missing_from_a_replicate_counts_as_zero():
    day = {"day": [0], "date": pd.to_datetime(["2024-01-01"]), "channel": ["radio"], "misinformation": [False]}
    frames = [
        pd.DataFrame({**day, "campaign": ["a"], "reached_new": [10]}),
        pd.DataFrame({**day, "campaign": ["b"], "reached_new": [20]}),
    ]
    bands = table_bands(frames, "campaigns", (0.5,))
    assert bands.set_index("campaign")["mean"].to_dict() == {"a": 5.0, "b": 10.0}


def test_indicator_bands_per_day():
    series = pd.DataFrame(
        {
            "indicator": "arrivals",
            "key": "COL",
            "day": [0, 0, 0],
            "date": pd.Timestamp("2024-01-01"),
            "unit": "persons",
            "value": [1.0, 5.0, 9.0],
            "replicate": [0, 1, 2],
        }
    )
    bands = indicator_bands(series, (0.1, 0.5, 0.9))
    assert bands["p50"].tolist() == [5.0] and bands["mean"].tolist() == [5.0]


@pytest.fixture(scope="module")
def ensemble(tmp_path_factory):
    out = tmp_path_factory.mktemp("ens") / "tiny-x4"
    return run_ensemble(TINY, replicates=4, days=20, out=out)


def test_each_replicate_equals_a_single_run_with_its_seed(ensemble):
    seeds = ensemble.record["seeds"]
    for index in (0, 3):
        single = run_scenario(TINY, seed=seeds[index], days=20)
        written = read_results(ensemble.folder / "replicates" / f"rep-{index:03d}")
        for name in ("nodes", "crossings", "totals"):
            pd.testing.assert_frame_equal(written.tables[name], single.tables[name], check_dtype=False)


def test_ensemble_folder_holds_bands_for_every_table(ensemble):
    record = json.loads((ensemble.folder / "ensemble.json").read_text())
    assert record["replicates"] == 4 and record["quantiles"] == [0.1, 0.5, 0.9]
    for name in ("nodes", "links", "countries", "totals", "crossings", "information", "campaigns"):
        bands = pd.read_parquet(ensemble.folder / "bands" / f"{name}.parquet")
        assert {"quantity", "mean", "p10", "p50", "p90"} <= set(bands.columns)
        assert (bands["p10"] <= bands["p50"]).all() and (bands["p50"] <= bands["p90"]).all()
        if name == "nodes":
            assert (bands["p10"] < bands["p90"]).any(), "replicates with different seeds should differ"
    assert (ensemble.folder / "arrivals_bands.png").stat().st_size > 10_000
    summary = pd.read_csv(ensemble.folder / "summary.csv")
    assert {"iso3", "arrivals_p10", "arrivals_p50", "arrivals_p90"} <= set(summary.columns)


def test_bands_match_the_replicate_tables(ensemble):
    people = [
        read_results(ensemble.folder / "replicates" / f"rep-{i:03d}")
        .countries.query("iso3 == 'COL' and day == 19")["people"]
        .item()
        for i in range(4)
    ]
    band = ensemble.band("countries", "people", iso3="COL")
    last = band[band["day"] == 19].iloc[0]
    assert last["p50"] == pytest.approx(np.quantile(people, 0.5))
    assert last["p10"] == pytest.approx(np.quantile(people, 0.1))


def test_an_interrupted_ensemble_resumes_with_the_replicates_it_has(tmp_path, ensemble):
    out = tmp_path / "resumed"
    done = []

    def stop_after_two(spec, outcome):
        done.append(spec.run_id)
        if len(done) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_ensemble(TINY, replicates=4, days=20, out=out, progress=stop_after_two)
    assert not out.exists()
    partial = tmp_path / ".resumed.partial"
    assert sorted(p.name for p in (partial / "replicates").iterdir() if not p.name.startswith(".")) == ["rep-000", "rep-001"]
    again = []
    resumed = run_ensemble(TINY, replicates=4, days=20, out=out, progress=lambda s, o: again.append(s.run_id))
    assert again == ["base/rep-002", "base/rep-003"]
    assert not partial.exists()
    for name, bands in ensemble.bands.items():
        pd.testing.assert_frame_equal(resumed.bands[name], bands)


def test_a_different_unfinished_ensemble_is_not_mixed_in(tmp_path):
    out = tmp_path / "mixed"

    def stop(spec, outcome):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_ensemble(TINY, replicates=3, days=10, out=out, progress=stop)
    with pytest.raises(MigsimError, match="other settings"):
        run_ensemble(TINY, replicates=3, days=11, out=out)


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp") / "tiny-compare"
    return compare_variants(tiny_with_variants(), replicates=5, out=out, dates=["2024-01-15", "2024-01-30"])


def test_a_variant_identical_to_the_baseline_differs_by_exactly_zero(comparison):
    same = comparison.table[comparison.table["variant"] == "same"]
    assert len(same) > 0
    diff_columns = [c for c in same.columns if c.startswith("diff_")]
    assert (same[diff_columns] == 0).all().all()


def test_a_closure_lowers_arrivals_and_the_differences_equal_the_tables(comparison):
    folder = comparison.folder
    day = 29
    per_replicate = {}
    for variant in ("baseline", "hub_closed"):
        values = []
        for rep in range(5):
            tables = read_results(folder / "variants" / variant / "replicates" / f"rep-{rep:03d}").tables
            series = indicator_series(tables, ["arrivals"])
            values.append(series[(series["key"] == "all") & (series["day"] == day)]["value"].item())
        per_replicate[variant] = np.array(values)
    paired = per_replicate["hub_closed"] - per_replicate["baseline"]
    row = comparison.difference("hub_closed", "arrivals", "all", "2024-01-30").iloc[0]
    assert row["diff_p50"] == pytest.approx(np.median(paired))
    assert row["diff_p10"] == pytest.approx(np.quantile(paired, 0.1))
    assert row["diff_mean"] == pytest.approx(paired.mean())
    assert row["p50"] == pytest.approx(np.median(per_replicate["hub_closed"]))
    assert row["diff_p50"] < 0
    written = pd.read_parquet(folder / "comparison.parquet")
    pd.testing.assert_frame_equal(written, comparison.table)
    assert set(written["date"].dt.strftime("%Y-%m-%d")) == {"2024-01-15", "2024-01-30"}


def test_comparison_folder_layout(comparison):
    folder = comparison.folder
    record = json.loads((folder / "comparison.json").read_text())
    assert record["variants"] == ["same", "hub_closed"] and record["baseline"] == "baseline"
    for variant in ("baseline", "same", "hub_closed"):
        assert (folder / "variants" / variant / "ensemble.json").exists()
    assert (folder / "compare_arrivals.png").exists()
    assert pd.read_csv(folder / "comparison.csv").shape[0] == len(comparison.table)


def test_cli_run_replicates_and_compare(tmp_path, write_scenario):
    path = write_scenario(tiny_with_variants())
    out = tmp_path / "ens"
    done = run_cli("run", str(path), "--replicates", "3", "--days", "12", "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert (out / "ensemble.json").exists() and (out / "bands" / "countries.parquet").exists()
    compared = run_cli("compare", str(path), "--replicates", "2", "--days", "12", "--out", str(tmp_path / "cmp"))
    assert compared.returncode == 0, compared.stderr
    assert "hub_closed" in compared.stdout and "difference" in compared.stdout
    report = (tmp_path / "cmp" / "report.html").read_text()
    assert "hub_closed" in report and "paired difference" in report
    bad = run_cli("compare", str(path), "--variants", "hub_clossed", "--out", str(tmp_path / "bad"))
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "did you mean 'hub_closed'" in bad.stderr
    assert not (tmp_path / "bad").exists()
    dates = run_cli("compare", str(path), "--dates", "2025-01-01", "--days", "12", "--out", str(tmp_path / "late"))
    assert dates.returncode == 2 and "outside the run" in dates.stderr

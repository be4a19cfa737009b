"""Flee's errors, FabFlee's errors and MAPE on a hand-worked example."""

from __future__ import annotations

import pandas as pd
import pytest

from simulator.errors import MigsimError
from simulator.observed import interpolate
from simulator.scoring import score, score_results


def _points(rows):
    return pd.DataFrame(rows, columns=["series", "day", "persons"])


@pytest.fixture
def table():
    simulated = pd.DataFrame({"A": [10.0, 20.0, 30.0], "B": [0.0, 10.0, 40.0]})
    points = _points([("total", 0, 5), ("A", 0, 10), ("A", 2, 30), ("B", 0, 0), ("B", 1, 20), ("B", 2, 40)])
    return score(simulated, points).set_index("location")


def test_flee_error_per_location_is_the_mean_of_abs_sim_over_data_minus_1(table):
    assert table.loc["A", "flee_error"] == 0
    # B: day 0 has no data (counts 0), day 1 |10/20 - 1| = 0.5, day 2 exact.
    assert table.loc["B", "flee_error"] == pytest.approx(0.5 / 3)


def test_total_error_divides_by_the_raw_count_with_flees_day_0_total(table):
    # raw = total(0) + sum of the location series = 5 + (10, 40, 70); only day 1 is off, by 10.
    assert table.loc["total", "total_error"] == pytest.approx((10 / 45) / 3)


def test_fabflee_normal_and_rescaled_errors(table):
    assert table.loc["total", "normal_error"] == pytest.approx((10 / 40) / 3)
    assert table.loc["B", "normal_error"] + table.loc["A", "normal_error"] == pytest.approx(table.loc["total", "normal_error"])
    # Day 1 rescaled by U/S = 40/30: |26.67 - 20| + |13.33 - 20| = 13.33, over 40.
    assert table.loc["total", "rescaled_error"] == pytest.approx((40 / 3 / 40) / 3)


def test_mape_uses_actual_observations_with_a_count(table):
    assert table.loc["A", "mape_percent"] == 0
    assert table.loc["B", "mape_percent"] == pytest.approx(25.0)  # (50% on day 1, 0 on day 2); day 0 counts 0
    assert table.loc["total", "mape_percent"] == pytest.approx(12.5)
    assert table.loc["total", "observations_in_run"] == 5


def test_interpolation_truncates_and_holds_the_ends():
    assert interpolate([(2, 10.0), (5, 13.9)], 8).tolist() == [10, 10, 10, 11, 12, 13, 13, 13]
    assert interpolate([(-3, 0.0), (7, 100.0)], 2).tolist() == [30, 40]


def test_a_results_folder_without_observed_series_cannot_be_scored(tmp_path):
    (tmp_path / "run.json").write_text("{}")
    with pytest.raises(MigsimError, match="no observed series"):
        score_results(tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(MigsimError, match="run.json: missing"):
        score_results(tmp_path / "empty")

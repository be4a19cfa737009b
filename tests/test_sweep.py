"""Sweeps: sweep files, designs, resuming, failures, and the analysis."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from simulator import Cluster, ScenarioError, load_sweep, run_sweep, sweep_report
from simulator.sweep.design import design_points
from tests.conftest import TINY, run_cli


def sweep_file(tmp_path, **changes) -> object:
    data = {
        "scenario": str(TINY),
        "days": 15,
        "replicates": 2,
        "design": {"kind": "lhs", "samples": 4, "seed": 3},
        "parameters": {
            "movement.leave_probability_origin_city_per_day": {"low": 0.1, "high": 0.9},
            "movement.speed_road_km_per_day": {"low": 50, "high": 400},
        },
        "indicators": ["arrivals", "irregular_crossings", "waiting:max"],
    }
    data.update(changes)
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def read_runs(folder) -> pd.DataFrame:
    frames = [pd.read_parquet(p) for p in sorted((folder / "runs").glob("run-*.parquet"))]
    return pd.concat(frames, ignore_index=True).sort_values(["run_id", "indicator", "key"]).reset_index(drop=True)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"parameters": {"movement.stock_wieght": {"low": 0, "high": 1}}}, "parameters.movement.stock_wieght", "did you mean"),
        ({"parameters": {"moves.stock_weight": {"low": 0, "high": 1}}}, "parameters.moves.stock_weight", "unknown parameter"),
        ({"parameters": {"movement.stock_weight": {"low": 1, "high": 1}}}, "parameters.movement.stock_weight", "empty range"),
        (
            {"parameters": {"movement.stock_weight": {"low": 0, "high": 99}}},
            "parameters.movement.stock_weight.high",
            "allowed range",
        ),
        ({"design": {"kind": "latin", "samples": 4}}, "design.kind", "unknown design 'latin'"),
        ({"design": {"kind": "sobol", "samples": 5}}, "design.samples", "power of two"),
        ({"design": {"kind": "lhs"}}, "design", "needs samples"),
        ({"indicators": ["arivals"]}, "indicators[0]", "did you mean 'arrivals'"),
        ({"indicators": ["waiting:peak"]}, "indicators[0]", "unknown reduction"),
        ({"replicates": 0}, "replicates", "greater than or equal to 1"),
        ({"colour": "blue"}, "colour", "unknown key"),
    ],
)
def test_bad_sweep_files_give_one_line_with_file_line_and_field(tmp_path, change, field, message):
    path = sweep_file(tmp_path, **change)
    with pytest.raises(ScenarioError) as caught:
        load_sweep(path)
    error = caught.value
    assert error.file == str(path) and error.line is not None and error.line > 1
    assert error.field == field and message in str(error)
    done = run_cli("sweep", str(path), "--serial", "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and f"{path}:{error.line}:" in done.stderr
    assert not (tmp_path / "out").exists()


def test_grid_values_need_the_grid_design_and_an_empty_list_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match="needs the grid design"):
        load_sweep(sweep_file(tmp_path, parameters={"movement.stock_weight": {"values": [0.1, 0.5]}}))
    grid = {"kind": "grid"}
    with pytest.raises(ScenarioError, match="empty list"):
        load_sweep(sweep_file(tmp_path, design=grid, parameters={"movement.stock_weight": {"values": []}}))


def test_designs_cover_their_ranges(tmp_path):
    grid = load_sweep(
        sweep_file(
            tmp_path,
            design={"kind": "grid"},
            parameters={
                "movement.stock_weight": {"values": [0.1, 0.5, 1.0]},
                "movement.distance_scale_km": {"low": 100, "high": 10000, "levels": 3, "log": True},
            },
        )
    )
    points = design_points(grid)
    assert len(points) == 9
    assert sorted(set(points["movement.distance_scale_km"])) == pytest.approx([100, 1000, 10000])
    lhs = load_sweep(sweep_file(tmp_path, design={"kind": "lhs", "samples": 10, "seed": 1}))
    values = design_points(lhs)["movement.speed_road_km_per_day"].to_numpy()
    # Latin hypercube: exactly one point in each tenth of the range.
    assert sorted(np.floor((values - 50) / 35).astype(int).tolist()) == list(range(10))
    pd.testing.assert_frame_equal(
        design_points(lhs), design_points(load_sweep(sweep_file(tmp_path, design={"kind": "lhs", "samples": 10, "seed": 1})))
    )
    sobol = load_sweep(sweep_file(tmp_path, design={"kind": "sobol", "samples": 8, "seed": 2}))
    assert len(design_points(sobol)) == 8
    saltelli = load_sweep(sweep_file(tmp_path, design={"kind": "saltelli", "samples": 8, "seed": 2}))
    assert len(design_points(saltelli)) == 8 * (2 + 2)


@pytest.fixture(scope="module")
def serial_sweep(tmp_path_factory):
    base = tmp_path_factory.mktemp("sweep")
    folder = base / "serial"
    status = run_sweep(sweep_file(base), folder, cluster=Cluster())
    return status, folder, base


def test_a_sweep_writes_one_parquet_per_run_and_a_manifest(serial_sweep):
    status, folder, _ = serial_sweep
    assert (status.total, status.done, status.failed, status.missing) == (8, 8, 0, 0)
    manifest = json.loads((folder / "sweep.json").read_text())
    assert len(manifest["runs"]) == 8 and len(manifest["points"]) == 4
    runs = read_runs(folder)
    assert set(runs["indicator"]) == {"arrivals", "irregular_crossings", "waiting:max"}
    assert {"movement.speed_road_km_per_day", "seed", "replicate", "point"} <= set(runs.columns)
    # replicate r of every point has the same seed (common random numbers across points)
    assert runs.groupby("replicate")["seed"].nunique().tolist() == [1, 1]


def test_an_interrupted_sweep_runs_only_what_is_missing(serial_sweep):
    _, reference, base = serial_sweep
    folder = base / "interrupted"
    seen = []

    def stop_after_three(spec, outcome):
        seen.append(spec.run_id)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(sweep_file(base), folder, cluster=Cluster(), progress=stop_after_three)
    assert len(list((folder / "runs").glob("*.parquet"))) == 3
    again = []
    status = run_sweep(sweep_file(base), folder, cluster=Cluster(), progress=lambda s, o: again.append(s.run_id))
    assert status.ran_now == 5 and not set(again) & set(seen)
    pd.testing.assert_frame_equal(read_runs(folder), read_runs(reference))
    nothing = run_sweep(sweep_file(base), folder, cluster=Cluster())
    assert nothing.ran_now == 0 and nothing.done == 8


def test_a_folder_of_another_sweep_is_refused(serial_sweep, tmp_path):
    _, folder, _ = serial_sweep
    from simulator.errors import MigsimError

    with pytest.raises(MigsimError, match="different sweep"):
        run_sweep(sweep_file(tmp_path, days=16), folder, cluster=Cluster())


def test_a_run_that_raises_is_recorded_as_failed_and_the_sweep_goes_on(tmp_path, monkeypatch):
    from simulator.model import MigrationModel

    original = MigrationModel.step

    def step(self):
        if self.seed_value != 7 and self.day == 3:
            raise RuntimeError("the road network file was unreadable")
        original(self)

    monkeypatch.setattr(MigrationModel, "step", step)
    folder = tmp_path / "failing"
    status = run_sweep(sweep_file(tmp_path), folder, cluster=Cluster())
    assert (status.done, status.failed) == (4, 4)
    record = json.loads(next((folder / "failed").glob("*.json")).read_text())
    assert record["error"] == "RuntimeError: the road network file was unreadable"
    assert record["replicate"] == 1 and "movement.speed_road_km_per_day" in record["parameters"]
    report = sweep_report(folder)
    assert len(report.failed) == 4 and len(report.runs) == 4
    monkeypatch.setattr(MigrationModel, "step", original)
    retried = run_sweep(sweep_file(tmp_path), folder, cluster=Cluster(), retry_failed=True)
    assert (retried.ran_now, retried.done, retried.failed) == (4, 8, 0)


def test_sweep_report_table_sensitivity_and_plots(serial_sweep):
    _, folder, _ = serial_sweep
    report = sweep_report(folder)
    assert len(report.runs) == 8
    assert "arrivals[all]" in report.runs.columns and "waiting:max[all]" in report.runs.columns
    assert set(report.parameters) == {"movement.leave_probability_origin_city_per_day", "movement.speed_road_km_per_day"}
    rho = report.sensitivity[report.sensitivity["index"] == "rho"].set_index(["indicator", "parameter"])["value"]
    # faster roads and readier departures both bring more people to the destination within the run
    assert rho["arrivals[all]", "movement.speed_road_km_per_day"] > 0.5
    assert rho["arrivals[all]", "movement.leave_probability_origin_city_per_day"] > 0
    assert (report.folder / "runs.parquet").exists() and (report.folder / "sensitivity.csv").exists()
    assert list(report.folder.glob("sweep_*.png"))
    done = run_cli("sweep-report", str(folder), "--out", str(folder / "again"))
    assert done.returncode == 0 and "8 runs, 0 failed" in done.stdout


def test_saltelli_design_gives_sobol_indices(tmp_path):
    path = sweep_file(tmp_path, replicates=1, days=12, design={"kind": "saltelli", "samples": 8, "seed": 1})
    run_sweep(path, tmp_path / "saltelli", cluster=Cluster())
    report = sweep_report(tmp_path / "saltelli")
    sobol = report.sensitivity[report.sensitivity["method"] == "sobol"]
    assert set(sobol["index"]) == {"S1", "ST"}
    assert set(sobol["parameter"]) == set(report.parameters)


def test_sweep_report_on_a_folder_that_is_not_a_sweep(tmp_path):
    done = run_cli("sweep-report", str(tmp_path))
    assert done.returncode == 2 and "not a sweep folder" in done.stderr

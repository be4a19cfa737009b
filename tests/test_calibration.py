"""Calibration: recovering known parameters, resuming, targets-file errors, and the shipped calibrations."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from calibration.run import calibrate
from calibration.targets import load_targets
from simulator import ScenarioError, load_scenario, run_scenario
from tests.conftest import REPO, run_cli

TRUTH = {"crossings.irregular_crossing_probability_per_day": 0.3, "movement.speed_road_km_per_day": 200.0}
SCENARIO = {
    "name": "synthetic",
    "start_date": "2024-01-01",
    "days": 14,
    "seed": 5,
    "scale": 10,
    "graph": {
        "nodes": [
            {"id": "O", "name": "Origin", "iso3": "VEN", "latitude": 10, "longitude": -66, "kind": "origin city"},
            {"id": "X", "name": "Crossing", "iso3": "COL", "latitude": 8, "longitude": -72, "kind": "border crossing"},
            {"id": "H", "name": "Hub", "iso3": "COL", "latitude": 7, "longitude": -73, "kind": "transit hub"},
            {
                "id": "D",
                "name": "Destination",
                "iso3": "COL",
                "latitude": 4.6,
                "longitude": -74,
                "kind": "destination city",
                "attractiveness": 1,
            },
        ],
        "links": [
            {"id": "L1", "from": "O", "to": "X", "distance_km": 200},
            {"id": "L2", "from": "X", "to": "H", "distance_km": 100},
            {"id": "L3", "from": "H", "to": "D", "distance_km": 400},
        ],
    },
    "crossings": [{"link": "L1", "regular": True, "documents_required": "passport", "irregular_alternative": True}],
    "initial_stocks": [{"node_id": "D", "persons": 1000}],
    "departures": [{"origin": "O", "persons_per_day": 1000}],
    "population": [{"documents": {"id": 0.5, "passport": 0.3}}],
}


_OBSERVED: dict[str, str] = {}


def synthetic_truth(folder, **settings):
    """A scenario, and targets made from one run at TRUTH (another seed) plus observation noise."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scenario.yaml").write_text(yaml.safe_dump(SCENARIO, sort_keys=False))
    if not _OBSERVED:
        _OBSERVED.update(_observe())
    for name, text in _OBSERVED.items():
        (folder / name).write_text(text)
    targets = {
        "name": "synthetic",
        "scenario": "scenario.yaml",
        "seed": 11,
        "replicates": 2,
        "parameters": {
            "crossings.irregular_crossing_probability_per_day": {"low": 0.05, "high": 0.95},
            "movement.speed_road_km_per_day": {"low": 50, "high": 800, "log": True},
        },
        "marginals": [{"file": "marginals.csv", "likelihood": "binomial"}],
        "flows": [{"file": "flows.csv", "error_cv": 0.05}],
        "optimiser": {"generations": 3, "population": 4, "seed": 1},
        "abc": {"generations": 3, "particles": 24, "keep": 0.5, "seed": 2},
        "final_replicates": 2,
        **settings,
    }
    (folder / "targets.yaml").write_text(yaml.safe_dump(targets, sort_keys=False))
    return folder / "targets.yaml"


def _observe() -> dict[str, str]:
    """The observed files: one run at TRUTH with another seed, its survey as is, its flows with 5% noise."""
    data = dict(
        SCENARIO,
        surveys=[{"name": "hub", "nodes": ["H"], "start_date": "2024-01-04", "end_date": "2024-01-10", "sample_size": 400}],
    )
    parameters = {}
    for label, value in TRUTH.items():
        module, name = label.split(".")
        parameters.setdefault(module, {})[name] = value
    tables = run_scenario(data, seed=999, parameters=parameters).tables
    share = (tables["survey_respondents"]["crossed_irregularly"] == "yes").mean()
    marginals = "survey,place,start_date,end_date,population,variable,category,share,n,source\n"
    marginals += f"hub,H,2024-01-04,2024-01-10,people passing,crossed_irregularly,yes,{share:.4f},400,synthetic truth\n"
    arrivals = tables["countries"].query("iso3 == 'COL'")["arrivals"].sum()
    irregular = tables["crossings"].query("link_id == 'L1'")["irregular"].sum()
    noise = np.exp(np.random.default_rng(3).normal(0, 0.05, 2))
    flows = "series,quantity,place,start_date,end_date,persons,source\n"
    flows += f"arrivals,arrivals,COL,2024-01-01,2024-01-14,{arrivals * noise[0]:.0f},synthetic truth\n"
    flows += f"irregular,irregular_crossings,L1,2024-01-01,2024-01-14,{irregular * noise[1]:.0f},synthetic truth\n"
    return {"marginals.csv": marginals, "flows.csv": flows}


def test_calibration_recovers_known_parameters_within_its_intervals(tmp_path):
    result = calibrate(None, synthetic_truth(tmp_path / "truth"), out=tmp_path / "cal")
    table = result.parameters.set_index("parameter")
    for label, value in TRUTH.items():
        assert table.loc[label, "p05"] <= value <= table.loc[label, "p95"], (label, table.loc[label].to_dict())
    irregular = table.loc["crossings.irregular_crossing_probability_per_day"]
    assert irregular["p95"] - irregular["p05"] < 0.5 * (0.95 - 0.05)  # the data narrow the prior
    assert result.target_table["verdict"].isin(["fits", "fits elsewhere"]).all()  # every target is within reach
    report = tmp_path / "cal" / "report"
    for name in (
        "index.html",
        "targets.csv",
        "parameters.csv",
        "correlations.csv",
        "posterior.csv",
        "loss.csv",
        "fitted.yaml",
        "summary.json",
    ):
        assert (report / name).stat().st_size > 0
    page = (report / "index.html").read_text()
    assert page.count("data:image/png;base64,") == 3 and "<script" not in page
    summary = json.loads((report / "summary.json").read_text())
    assert summary["runs_used"] == summary["runs_done"] > 50
    # The fitted block is a scenario's parameters: included, the scenario runs with the best point.
    scenario = yaml.safe_load((tmp_path / "truth" / "scenario.yaml").read_text())
    scenario["parameters_from"] = [str(report / "fitted.yaml")]
    (tmp_path / "calibrated.yaml").write_text(yaml.safe_dump(scenario))
    loaded = load_scenario(tmp_path / "calibrated.yaml")
    best = table.loc["movement.speed_road_km_per_day", "best"]
    assert loaded.parameters["movement"].speed_road_km_per_day == pytest.approx(best, rel=1e-5)
    # Runs of the calibrated scenario say where their parameters come from (the report's methods section shows it).
    record = run_scenario(loaded, days=2).record
    assert "fitted.yaml (Calibrated by `migsim calibrate`" in record["calibration"]["parameters from"]
    assert "calibration" not in run_scenario(load_scenario(tmp_path / "truth" / "scenario.yaml"), days=2).record


class Interrupt(Exception):
    pass


def test_an_interrupted_calibration_resumes_from_its_last_complete_generation(tmp_path):
    settings = {"optimiser": {"generations": 2, "population": 3, "seed": 1}, "abc": {"generations": 2, "particles": 8, "seed": 2}}
    targets = synthetic_truth(tmp_path / "truth", **settings)
    whole = calibrate(None, targets, out=tmp_path / "whole", report=False)
    done = [0]

    def stop_in_the_third_generation(spec, outcome):
        done[0] += 1
        if done[0] == 28:  # a generation is 6 points x 2 replicates: two complete, four runs into the third
            raise Interrupt

    with pytest.raises(Interrupt):
        calibrate(None, targets, out=tmp_path / "cut", progress=stop_in_the_third_generation, report=False)
    kept = sorted(p.name for p in (tmp_path / "cut" / "generations").glob("*.parquet"))
    assert kept == ["de-000.parquet", "de-001.parquet"]
    resumed = calibrate(None, targets, out=tmp_path / "cut", report=False)
    pd.testing.assert_frame_equal(resumed.parameters, whole.parameters)
    pd.testing.assert_frame_equal(resumed.target_table, whole.target_table)
    assert resumed.summary["runs_this_session"] == whole.summary["runs_used"] - 24
    assert resumed.summary["sessions"] == 2 and resumed.summary["runs_done"] == whole.summary["runs_used"] + 4
    again = calibrate(None, targets, out=tmp_path / "cut", report=False)
    assert again.summary["runs_this_session"] == 0
    other = synthetic_truth(tmp_path / "other", replicates=1)
    with pytest.raises(Exception, match="holds a different calibration"):
        calibrate(None, other, out=tmp_path / "cut", report=False)


def _targets_file(tmp_path, change=None, marginals=None, flows=None, stocks=None):
    synthetic_truth(tmp_path)
    data = yaml.safe_load((tmp_path / "targets.yaml").read_text())
    if marginals is not None:
        (tmp_path / "marginals.csv").write_text(
            "survey,place,start_date,end_date,population,variable,category,share,n,source\n" + marginals
        )
    if flows is not None:
        (tmp_path / "flows.csv").write_text("series,quantity,place,start_date,end_date,persons,source\n" + flows)
    if stocks is not None:
        (tmp_path / "stocks.csv").write_text("iso3,date,persons,source\n" + stocks)
        data["stocks"] = [{"file": "stocks.csv"}]
    (change or (lambda d: None))(data)
    (tmp_path / "targets.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return tmp_path / "targets.yaml"


def _set(path, value):
    def change(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


MARGINAL = "hub,H,2024-01-04,2024-01-10,p,crossed_irregularly,yes,0.6,400,src\n"


@pytest.mark.parametrize(
    "kwargs, where, message",
    [
        (
            {"change": _set(["parameters"], {"movement.speed": {"low": 1, "high": 2}})},
            "targets.yaml:",
            "unknown parameter 'movement.speed'",
        ),
        (
            {"change": _set(["parameters"], {"movement.stock_weight": {"low": 1, "high": 9}})},
            "targets.yaml:",
            "outside the allowed range",
        ),
        ({"change": _set(["parameters"], {"movement.stock_weight": {"low": 2, "high": 1}})}, "targets.yaml:", "empty range"),
        ({"change": _set(["replicates"], 0)}, "targets.yaml:", "replicates"),
        ({"change": _set(["colour"], "red")}, "targets.yaml:", "unknown key 'colour'"),
        ({"change": _set(["marginals", 0, "likelihood"], "poisson")}, "targets.yaml:", "unknown likelihood"),
        ({"change": _set(["marginals", 0, "surveys"], ["hubb"])}, "targets.yaml:", "no survey 'hubb'"),
        ({"change": _set(["surveys"], {"hub": {"groups": ["nobody"]}})}, "targets.yaml:", "'nobody' is not a group"),
        ({"change": _set(["held_out"], {"targets": ["nothing *"]})}, "targets.yaml:", "no target matches"),
        (
            {"marginals": MARGINAL + "hub,H,2024-01-04,2024-01-10,p,crossed_irregularly,no,0.6,400,src\n"},
            "marginals.csv:3:",
            "sum to 1.2",
        ),
        (
            {"marginals": "hub,H,2024-01-04,2024-01-10,p,crossed_irregularly,yes,0.6,-4,src\n"},
            "marginals.csv:2:",
            "n must be positive",
        ),
        (
            {"marginals": "hub,Hub,2024-01-04,2024-01-10,p,crossed_irregularly,yes,0.6,40,src\n"},
            "marginals.csv:2:",
            "'Hub' is not a node",
        ),
        (
            {"marginals": "hub,H,2023-01-04,2023-01-10,p,crossed_irregularly,yes,0.6,40,src\n"},
            "marginals.csv:2:",
            "outside the run",
        ),
        ({"marginals": "hub,H,2024-01-04,2024-01-10,p,crossed_irregularly,yes,0.6,,src\n"}, "marginals.csv:2:", "give assumed_n"),
        (
            {"flows": "a,irregular_crossings,L2,2024-01-01,2024-01-05,100,src\n"},
            "flows.csv:2:",
            "not a link with a border crossing",
        ),
        ({"flows": "a,arrivals,COL,2024-01-01,2024-02-05,100,src\n"}, "flows.csv:2:", "outside the run"),
        ({"flows": "a,departure,O,2024-01-01,2024-01-05,100,src\n"}, "flows.csv:2:", "unknown quantity 'departure'"),
        ({"flows": "a,arrivals,COL,2024-01-01,2024-01-05,-100,src\n"}, "flows.csv:2:", "positive number"),
        ({"stocks": "BRA,2024-01-05,100,src\n"}, "stocks.csv:2:", "not a country of the scenario"),
        ({"stocks": "COL,5 Jan 2024,100,src\n"}, "stocks.csv:2:", "expected a date"),
    ],
)
def test_bad_targets_files_give_one_line_with_file_line_and_field(tmp_path, kwargs, where, message):
    path = _targets_file(tmp_path, **kwargs)
    with pytest.raises(ScenarioError) as info:
        load_targets(path)
    text = str(info.value)
    assert where in text and message in text and "\n" not in text
    assert re.search(r"\.(yaml|csv):\d+: ", text), text


def test_a_bad_targets_file_exits_2_with_one_line(tmp_path):
    path = _targets_file(tmp_path, flows="a,arrivals,PER,2024-01-01,2024-01-05,100,src\n")
    result = run_cli("calibrate", str(tmp_path / "scenario.yaml"), "--targets", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"migsim: error: {tmp_path / 'flows.csv'}:2: place: 'PER' is not a country of the scenario"
    ]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["venezuela_2024", "mesoamerica_transit"])
def test_shipped_calibrations_rerun_cheaply_and_their_reports_cover_their_targets(tmp_path, name):
    targets = REPO / "calibration" / name / "targets.yaml"
    spec = load_targets(targets)
    committed = pd.read_csv(REPO / "calibration" / name / "report" / "targets.csv")
    assert set(committed["target"]) == {t.id for t in spec.all}
    assert set(committed.loc[committed["held_out"], "target"]) == {t.id for t in spec.held_out} != set()
    summary = json.loads((REPO / "calibration" / name / "report" / "summary.json").read_text())
    assert summary["runs_used"] > 100 and summary["held_out"]["targets"] == len(spec.held_out)
    cheap = ["--scale", "20000", "--replicates", "1", "--generations", "0", "--population", "2", "--particles", "4"]
    cheap += ["--abc-generations", "1", "--final-replicates", "1", "--serial", "--quiet"]
    result = run_cli(
        "calibrate", str(REPO / "scenarios" / f"{name}.yaml"), "--targets", str(targets), "--out", str(tmp_path / "c"), *cheap
    )
    assert result.returncode == 0, result.stderr
    assert "Held out:" in result.stdout and "Runs used 11 " in result.stdout
    rerun = pd.read_csv(tmp_path / "c" / "report" / "targets.csv")
    assert set(rerun["target"]) == set(committed["target"]) and rerun["verdict"].notna().all()


def test_command_line_settings_are_checked_like_the_file(tmp_path):
    path = _targets_file(tmp_path)
    cli = ["calibrate", str(tmp_path / "scenario.yaml"), "--targets", str(path), "--out", str(tmp_path / "out")]
    result = run_cli(*cli, "--population", "1")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "migsim: error: command line: optimiser.population: Input should be greater than or equal to 2"
    ]
    assert not (tmp_path / "out").exists()

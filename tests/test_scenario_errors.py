"""Every class of scenario error: one line naming file:line and field, exit status 2, no traceback."""

from __future__ import annotations

import pytest

from simulator.errors import ScenarioError
from simulator.scenario import load_scenario
from tests.conftest import REPO, TINY, run_cli, tiny_data


def _line_of(path, text):
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def _assert_cli_error(path, expected_line, expected_fragment):
    result = run_cli("check", str(path))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith(f"migsim: error: {path}:{expected_line}: ") if expected_line else str(path) in lines[0]
    assert expected_fragment in lines[0], lines[0]
    return lines[0]


def test_unknown_key_names_line_and_suggests(write_scenario):
    text = TINY.read_text().replace("days: 10", "days: 10\nsed: 3")
    path = write_scenario(text)
    message = _assert_cli_error(path, _line_of(path, "sed: 3"), "sed: unknown key 'sed'; did you mean 'seed'?")
    assert message


def test_wrong_type(write_scenario):
    path = write_scenario(TINY.read_text().replace("days: 10", "days: ten"))
    _assert_cli_error(path, _line_of(path, "days: ten"), "days: Input should be a valid integer")


def test_out_of_range_value(write_scenario):
    data = tiny_data()
    data["parameters"] = {"movement": {"onward_probability_per_day": 3}}
    path = write_scenario(data)
    _assert_cli_error(
        path,
        _line_of(path, "onward_probability_per_day"),
        "parameters.movement.onward_probability_per_day: 3 is outside the allowed range",
    )


def test_unknown_parameter(write_scenario):
    data = tiny_data()
    data["parameters"] = {"movement": {"stock_wieght": 0.1}}
    path = write_scenario(data)
    _assert_cli_error(path, _line_of(path, "stock_wieght"), "unknown parameter 'stock_wieght'; did you mean 'stock_weight'?")


def test_unknown_node_suggests_the_accented_name(write_scenario):
    data = tiny_data()
    data["graph"]["nodes"][3]["name"] = "Cúcuta"
    data["events"] = [{"type": "close_node", "date": "2024-01-03", "node": "Cucuta"}]
    path = write_scenario(data)
    _assert_cli_error(path, _line_of(path, "node: Cucuta"), "events[0].node: 'Cucuta' is not a node; did you mean 'Cúcuta'?")


def test_unknown_node_in_a_link(write_scenario):
    path = write_scenario(TINY.read_text().replace("{id: L3, from: H, to: D", "{id: L3, from: H, to: DD"))
    _assert_cli_error(path, _line_of(path, "id: L3"), "to: 'DD' is not a node; did you mean 'D'?")


def test_date_outside_the_run(write_scenario):
    data = tiny_data()
    data["events"] = [{"type": "close_node", "date": "2024-03-01", "node": "H"}]
    path = write_scenario(data)
    _assert_cli_error(path, _line_of(path, "date: '2024-03-01'"), "is outside the run (2024-01-01 to 2024-01-10)")


def test_unknown_event_type(write_scenario):
    data = tiny_data()
    data["events"] = [{"type": "close_nod", "day": 1, "node": "H"}]
    path = write_scenario(data)
    _assert_cli_error(path, _line_of(path, "type: close_nod"), "unknown event type 'close_nod'; did you mean 'close_node'?")


def test_malformed_yaml(write_scenario):
    path = write_scenario("name: x\ndays: [1, 2\nseed: 3\n")
    _assert_cli_error(path, 3, "malformed YAML")


def test_duplicate_key(write_scenario):
    path = write_scenario(TINY.read_text().replace("seed: 7", "seed: 7\nseed: 8"))
    _assert_cli_error(path, _line_of(path, "seed: 8"), "duplicate key 'seed'")


def test_missing_file(tmp_path):
    path = tmp_path / "nope.yaml"
    _assert_cli_error(path, None, "file not found")


def test_missing_csv_and_bad_csv_cell(tmp_path):
    good = "id,name,iso3,latitude,longitude,kind\nO,Origin,VEN,10,-66,origin city\nD,Dest,COL,4,-74,destination city\n"
    (tmp_path / "nodes.csv").write_text(good)
    text = TINY.read_text().split("graph:")[0] + "graph:\n  nodes: nodes.csv\n  links: links.csv\n"
    scenario = tmp_path / "s.yaml"
    scenario.write_text(text)
    _assert_cli_error(scenario, _line_of(scenario, "links: links.csv"), "file not found")
    (tmp_path / "links.csv").write_text("id,from,to,distance_km\nL1,O,D,100\n")
    (tmp_path / "nodes.csv").write_text(good.replace("4,-74", "4,north"))
    result = run_cli("check", str(scenario))
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"migsim: error: {tmp_path / 'nodes.csv'}:3: longitude: Input should be a valid number, unable to parse string as a number (got 'north')"
    )


def test_python_api_raises_scenario_error(write_scenario):
    path = write_scenario(TINY.read_text().replace("days: 10", "days: 0"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.line == _line_of(path, "days: 0")
    assert info.value.field == "days"


def test_run_refuses_to_overwrite_results(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("precious")
    result = run_cli("run", str(TINY), "--out", str(out), "--quiet")
    assert result.returncode == 2
    assert "not empty" in result.stderr
    assert (out / "keep.txt").read_text() == "precious"


def test_default_scenario_checks():
    result = run_cli("check")
    assert result.returncode == 0, result.stderr
    assert "venezuela_2024" in result.stdout
    assert REPO.exists()


@pytest.mark.parametrize(
    "key,value,fragment",
    [
        ("population", [{"knowledge": {"weather": 0.5}}], "population[0].knowledge: unknown topic 'weather'"),
        ("population", [{"knowledge": {"route_risks": 0.7}, "misinformed": {"route_risks": 0.5}}], "sum to 1.200, more than 1"),
        ("population", [{"nodes": ["Hubb"]}], "population[0].nodes[0]: 'Hubb' is not a node; did you mean 'Hub'?"),
        ("groups", ["VEN", "VEN"], "groups: group names must be unique"),
        (
            "events",
            [{"type": "regularisation", "day": 1, "country": "COL", "nodes": ["D"], "capacity_persons_per_day": 5}],
            "give exactly one of 'country' and 'nodes'",
        ),
        (
            "events",
            [{"type": "humanitarian_corridor", "day": 1, "name": "c", "links": ["L1", "L9"]}],
            "events[0].links[1]: 'L9' is not a link",
        ),
        (
            "events",
            [{"type": "set_shelter_capacity", "day": 1, "node": "H", "capacity_persons": -1}],
            "greater than or equal to 0",
        ),
    ],
)
def test_population_group_and_policy_errors(write_scenario, key, value, fragment):
    data = tiny_data()
    data[key] = value
    path = write_scenario(data)
    result = run_cli("check", str(path))
    assert result.returncode == 2
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith(f"migsim: error: {path}:") and fragment in line, line


def test_results_folder_with_a_missing_table(tmp_path):
    from simulator.errors import MigsimError
    from simulator.results import read_results

    with pytest.raises(MigsimError, match="nodes.parquet: table missing"):
        read_results(tmp_path)

"""Raking, the marginals file format, and population synthesis from profiles."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import ScenarioError
from simulator.attributes import Vocabulary
from simulator.graph import compile_graph
from simulator.marginals import group_surveys, load_marginals
from simulator.model import MigrationModel
from simulator.raking import rake, shares_constraint
from simulator.scenario import scenario_from_dict
from simulator.synthesis import compile_population
from tests.conftest import run_cli, tiny_data

HEADER = "survey,place,start_date,end_date,population,variable,category,share,n,source\n"


def _one_d(axis, size, shares):
    return shares_constraint(
        f"v{axis}", (axis,), list(range(size)), [str(k) for k in range(size)], {str(k): v for k, v in enumerate(shares)}
    )


def test_raking_reproduces_consistent_marginals_within_1e6():
    rng = np.random.default_rng(4)
    truth = rng.gamma(1.0, size=(3, 4, 2))
    truth /= truth.sum()
    constraints = [
        shares_constraint("v0", (0,), [0, 1, 2], ["a", "b", "c"], dict(zip("abc", truth.sum(axis=(1, 2)), strict=True))),
        shares_constraint("v2", (2,), [0, 1], ["y", "n"], dict(zip("yn", truth.sum(axis=(0, 1)), strict=True))),
        shares_constraint(
            "v0*v1",
            (0, 1),
            list(range(12)),
            [str(k) for k in range(12)],
            {str(k): v for k, v in enumerate(truth.sum(axis=2).ravel())},
        ),
    ]
    seed = rng.uniform(0.5, 1.5, size=(3, 4, 2))
    result = rake(seed, constraints)
    assert result.converged
    assert result.max_residual < 1e-6
    assert np.allclose(result.table.sum(axis=2), truth.sum(axis=2), atol=1e-6)
    assert np.isclose(result.table.sum(), 1.0)


def test_raking_reports_the_residual_of_conflicting_marginals():
    # Women are 30% by one marginal, 40% by a joint sex-by-age one: they cannot both hold.
    sex = shares_constraint("sex", (0,), [0, 1], ["female", "male"], {"female": 0.3, "male": 0.7})
    joint = shares_constraint(
        "sex*minor", (0, 1), [0, 1, 2, 3], ["f*y", "f*n", "m*y", "m*n"], {"f*y": 0.1, "f*n": 0.3, "m*y": 0.1}
    )
    result = rake(np.ones((2, 2)), [sex, joint])
    assert not result.converged
    assert result.max_residual == pytest.approx(0.1, abs=1e-9)
    rows = {(r["variable"], r["category"]): r for r in result.rows()}
    assert rows[("sex", "female")]["fitted"] == pytest.approx(0.4)
    assert rows[("sex", "female")]["residual"] == pytest.approx(0.1)


def test_a_target_on_cells_the_seed_holds_at_zero_is_reported_unreachable():
    seed = np.array([[1.0, 0.0], [1.0, 1.0]])
    result = rake(
        seed,
        [
            _one_d(0, 2, [0.5, 0.5]),
            _one_d(1, 2, [0.5, 0.5]),
            shares_constraint("j", (0, 1), [0, 1, 2, 3], list("abcd"), {"b": 0.2}),
        ],
    )
    assert result.max_residual > 0.1


def _marginals(tmp_path, body: str):
    path = tmp_path / "marginals.csv"
    path.write_text(HEADER + body)
    return path


GOOD = "S,D,2024-01-02,2024-01-05,people,sex,female,0.6,400,src\nS,D,2024-01-02,2024-01-05,people,internet,yes,0.3,380,src\n"


def test_a_marginals_file_loads_and_groups_by_survey(tmp_path):
    rows = load_marginals(_marginals(tmp_path, GOOD), Vocabulary(["COL", "VEN"], ["COL"], ["all"]), ["O", "X", "H", "D"])
    survey = group_surveys(rows)["S"]
    assert survey.places == ("D",) and survey.shares == {"sex": {"female": 0.6}, "internet": {"yes": 0.3}}
    assert survey.n == {"sex": 400, "internet": 380} and survey.largest_n() == 400


@pytest.mark.parametrize(
    "body, line, column, message",
    [
        (
            "S,D,2024-01-02,2024-01-05,p,sex,female,0.6,400,src\nS,D,2024-01-02,2024-01-05,p,sex,male,0.5,400,src\n",
            3,
            "share",
            "sum to 1.1",
        ),
        ("S,D,2024-01-02,2024-01-05,p,sex,female,0.6,0,src\n", 2, "n", "n must be positive"),
        ("S,D,2024-01-02,2024-01-05,p,sex,female,0.6,-3,src\n", 2, "n", "n must be positive"),
        ("S,Q,2024-01-02,2024-01-05,p,sex,female,0.6,10,src\n", 2, "place", "'Q' is not a node"),
        ("S,D,2024-01-02,2024-01-05,p,gender,female,0.6,10,src\n", 2, "variable", "unknown variable 'gender'"),
        ("S,D,2024-01-02,2024-01-05,p,sex,woman,0.6,10,src\n", 2, "category", "unknown category 'woman'"),
        ("S,D,2024-01-02,2024-01-05,p,sex,female,1.6,10,src\n", 2, "share", "between 0 and 1"),
        ("S,D,2024-01-05,2024-01-02,p,sex,female,0.6,10,src\n", 2, "end_date", "before start_date"),
        (
            "S,D,2024-01-02,2024-01-05,p,sex,female,0.6,10,src\nS,H,2024-01-02,2024-01-05,p,internet,yes,0.3,10,src\n",
            3,
            "place",
            "another place",
        ),
        ("S,D,2024-01-02,2024-01-05,p,sex,female,0.6,10,\n", 2, "source", "must not be empty"),
        (
            "S,D,2024-01-02,2024-01-05,p,sex*minor,female*yes,0.1,10,src\nS,D,2024-01-02,2024-01-05,p,sex*minor,female*yes,0.1,10,src\n",
            3,
            "category",
            "given twice",
        ),
    ],
)
def test_bad_marginals_give_one_line_with_file_line_and_column(tmp_path, body, line, column, message):
    path = _marginals(tmp_path, body)
    with pytest.raises(ScenarioError) as info:
        load_marginals(path, Vocabulary(["COL", "VEN"], ["COL"], ["all"]), ["O", "X", "H", "D"])
    text = str(info.value)
    assert text.startswith(f"{path}:{line}: {column}: ") and message in text and "\n" not in text


def test_profiles_rake_to_a_survey_file_and_report_conflicts(tmp_path):
    (tmp_path / "m.csv").write_text(
        HEADER
        + "Hub,H,2024-01-01,2024-01-02,p,sex*minor,male*no,0.5,900,src\nHub,H,2024-01-01,2024-01-02,p,sex*minor,female*no,0.3,900,src\n"
    )
    data = tiny_data()
    data["population"] = [{"sex": {"female": 0.2}, "survey_marginals": {"file": str(tmp_path / "m.csv")}}]
    scenario = scenario_from_dict(data)
    profiles = compile_population(scenario, compile_graph(scenario, scenario.parameters["movement"]))
    rows = [r for r in profiles.fit_rows() if r["variable"] in ("sex", "sex*minor")]
    conflict = {r["category"]: r["residual"] for r in rows if r["variable"] == "sex"}
    assert abs(conflict["female"]) > 0.05  # 20% women by the profile, at least 30% by the survey
    assert any("m.csv:2" in r["source"] for r in rows if r["variable"] == "sex*minor")
    assert {"sex", "age_group"} <= set(next(c for c in profiles.components if "sex" in c))  # tied by the joint marginal


def test_synthesis_draws_the_raked_joint_distribution():
    data = tiny_data()
    data["departures"] = []
    data["initial_stocks"] = [{"node_id": "D", "persons": 40000}]
    joint = {"male*no": 0.5, "female*no": 0.3, "male*yes": 0.05}
    data["population"] = [
        {"marginals": [{"variable": "sex*minor", "shares": joint}], "internet_share": 0.25, "regular_status_share": 0.4}
    ]
    model = MigrationModel(scenario=data, days=1)
    from models.state import FLAG_INTERNET, FLAG_REGULAR_STATUS
    from models.synthesis import unpack_traits

    pop = model.population
    traits = unpack_traits(pop.traits)
    male, minor = traits["sex"] == 1, traits["age_group"] == 0
    n = pop.size
    for share, mask in ((0.5, male & ~minor), (0.3, ~male & ~minor), (0.05, male & minor), (0.15, ~male & minor)):
        assert abs(mask.mean() - share) < 4 * np.sqrt(share * (1 - share) / n)
    assert abs(np.mean(pop.flags & FLAG_INTERNET != 0) - 0.25) < 0.01
    assert abs(np.mean(pop.flags & FLAG_REGULAR_STATUS != 0) - 0.4) < 0.01
    again = MigrationModel(scenario=data, days=1)
    assert np.array_equal(again.population.traits, pop.traits)


def test_bad_profile_marginals_name_the_scenario_line(write_scenario):
    data = tiny_data()
    data["population"] = [{"marginals": [{"variable": "crossed_irregularly", "shares": {"yes": 0.2}}]}]
    result = run_cli("check", str(write_scenario(data)))
    assert result.returncode == 2
    assert "scenario.yaml:" in result.stderr and "population[0].marginals[0].variable" in result.stderr
    assert "only reported by surveys" in result.stderr and len(result.stderr.strip().splitlines()) == 1

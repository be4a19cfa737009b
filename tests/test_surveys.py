"""The simulated survey instrument: who it samples, its shares against the population's, determinism."""

from __future__ import annotations

import re

import numpy as np
import pytest

from models.state import FLAG_INTERNET, SETTLED
from models.synthesis import unpack_traits
from simulator import ScenarioError, load_scenario
from simulator.model import MigrationModel
from simulator.surveys import tabulate
from tests.conftest import tiny_data


def _stay_home(data):
    data["parameters"] = {"movement": {"onward_probability_per_day": 0, "return_probability_per_day": 0}}
    return data


def test_survey_shares_match_the_population_within_sampling_error():
    data = _stay_home(tiny_data())
    data["departures"] = []
    data["initial_stocks"] = [{"node_id": "D", "persons": 6000}]
    data["population"] = [{"internet_share": 0.3, "sex": {"female": 0.62}, "documents": {"id": 0.5, "passport": 0.2}}]
    data["surveys"] = [{"name": "city", "nodes": ["D"], "start_date": "2024-01-02", "end_date": "2024-01-04", "sample_size": 500}]
    model = MigrationModel(scenario=data)
    model.run()
    shares = model.tables()["surveys"].set_index(["variable", "category"])
    pop = model.population
    here = (pop.status == SETTLED) & (pop.node == model.graph.index("D"))
    truth = {
        ("internet", "yes"): np.mean(pop.flags[here] & FLAG_INTERNET != 0),
        ("sex", "female"): np.mean(unpack_traits(pop.traits[here])["sex"] == 0),
        ("documents", "passport"): np.mean(pop.documents[here] == 2),
        ("has_identity_document", "yes"): np.mean(pop.documents[here] >= 1),
    }
    for key, true_share in truth.items():
        row = shares.loc[key]
        assert row["respondents"] == 500 and row["eligible_persons"] == here.sum()
        assert row["standard_error"] > 0
        assert abs(row["share"] - true_share) <= 3 * row["standard_error"], (key, row["share"], true_share)
        assert row["ci_low"] <= row["share"] <= row["ci_high"]
    # A census (sample as large as the population) has no sampling error.
    data["surveys"][0]["sample_size"] = 100000
    census = MigrationModel(scenario=data)
    census.run()
    row = census.tables()["surveys"].set_index(["variable", "category"]).loc[("internet", "yes")]
    assert row["respondents"] == here.sum() and row["share"] == pytest.approx(truth[("internet", "yes")])
    assert row["standard_error"] == 0


def test_a_flow_survey_meets_everyone_who_passes_its_node():
    data = tiny_data()
    data["days"] = 8
    data["surveys"] = [{"name": "hub", "nodes": ["H"], "start_date": "2024-01-03", "end_date": "2024-01-05", "sample_size": 50}]
    model = MigrationModel(scenario=data)
    model.run()
    tables = model.tables()
    links = tables["links"]
    passed = links[(links["link_id"] == "L3") & (links["from_node"] == "H") & links["day"].between(2, 4)]["flow"].sum()
    row = tables["surveys"].iloc[0]
    assert passed > 100 and row["eligible_persons"] == passed  # nobody stops at the hub: all are met passing through
    respondents = tables["survey_respondents"]
    assert len(respondents) == 50 and respondents["agent"].is_unique
    assert set(respondents["node_id"]) == {"H"} and respondents["day"].between(2, 4).all()
    shares, n = tabulate(respondents, "sex*minor")
    assert n == 50 and shares.sum() == pytest.approx(1.0) and all("*" in c for c in shares.index)


def test_surveys_are_deterministic_and_survive_a_checkpoint(tmp_path):
    data = tiny_data()
    data["days"] = 8
    data["surveys"] = [
        {"name": "hub", "nodes": ["H", "X"], "start_date": "2024-01-02", "end_date": "2024-01-07", "sample_size": 80}
    ]
    whole = MigrationModel(scenario=data)
    whole.run()
    half = MigrationModel(scenario=data)
    half.run(4)
    half.checkpoint(tmp_path / "c.npz")
    resumed = MigrationModel.restore(tmp_path / "c.npz")
    resumed.run()
    a, b = whole.tables()["survey_respondents"], resumed.tables()["survey_respondents"]
    assert len(a) == 80 and a.equals(b)
    other = MigrationModel(scenario=data, seed=8)
    other.run()
    assert not np.array_equal(other.tables()["survey_respondents"]["agent"], a["agent"])


def test_survey_population_filters(tmp_path):
    data = tiny_data()
    data["days"] = 6
    data["population"] = [{"age_group": {"0-17": 0.5, "18-34": 0.5}}]
    data["surveys"] = [
        {
            "name": "adults",
            "nodes": ["D"],
            "start_date": "2024-01-01",
            "end_date": "2024-01-06",
            "sample_size": 300,
            "adults_only": True,
        },
        {
            "name": "movers",
            "nodes": ["D"],
            "start_date": "2024-01-01",
            "end_date": "2024-01-06",
            "sample_size": 300,
            "who": "in_transit",
        },
    ]
    model = MigrationModel(scenario=data)
    model.run()
    people = model.tables()["survey_respondents"]
    assert (people.loc[people["survey"] == "adults", "minor"] == "no").all()
    assert (people.loc[people["survey"] == "movers", "status"] != "settled").all()


@pytest.mark.parametrize(
    "survey, field, message",
    [
        ({"nodes": ["Q"]}, "surveys[0].nodes[0]", "'Q' is not a node"),
        ({"end_date": "2024-03-01"}, "surveys[0].end_date", "outside the run"),
        ({"who": "everyone"}, "surveys[0].who", "unknown population"),
        ({"groups": ["XX"]}, "surveys[0].groups[0]", "not one of the scenario's groups"),
        ({"sample_size": 0}, "surveys[0].sample_size", "greater than or equal to 1"),
    ],
)
def test_bad_surveys_give_one_line_with_file_line_and_field(write_scenario, survey, field, message):
    data = tiny_data()
    data["surveys"] = [
        {"name": "s", "nodes": ["D"], "start_date": "2024-01-02", "end_date": "2024-01-05", "sample_size": 10, **survey}
    ]
    with pytest.raises(ScenarioError) as info:
        load_scenario(write_scenario(data))
    line = str(info.value)
    assert re.match(r".*scenario\.yaml:\d+: ", line) and field in line and message in line and "\n" not in line

"""Information campaigns: reach, channels, word of mouth, fading, and their effect on decisions."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from models.information import knowledge_now
from models.state import FLAG_INTERNET, TOPICS
from simulator.model import MigrationModel
from tests.conftest import run_cli

REGULAR = TOPICS.index("regular_channels")


def _place(node_id, kind="transit hub", iso3="AAA", lon=0.0):
    return {"id": node_id, "name": node_id, "iso3": iso3, "latitude": 0, "longitude": lon, "kind": kind}


def _still(stocks, population=None, events=None, days=20, links=None, nodes=None):
    """People who stay where they are (no movement): a stage for information alone."""
    return {
        "name": "still",
        "start_date": "2024-01-01",
        "days": days,
        "seed": 11,
        "graph": {
            "nodes": nodes
            or [_place("A", "destination city"), _place("B", "destination city", lon=1), _place("C", "destination city", lon=2)],
            "links": links
            or [
                {"id": "AB", "from": "A", "to": "B", "distance_km": 100},
                {"id": "BC", "from": "B", "to": "C", "distance_km": 100},
            ],
        },
        "initial_stocks": [{"node_id": k, "persons": v} for k, v in stocks.items()],
        "population": population or [],
        "parameters": {
            "movement": {"onward_probability_per_day": 0, "return_probability_per_day": 0},
            "information": {"word_of_mouth_contacts_per_day": 0},
        },
        "events": events or [],
    }


def _campaign(channel, **extra):
    return {"type": "campaign", "name": "test", "day": 0, "channels": [channel], "messages": ["regular_channels"], **extra}


def test_reach_saturates_at_the_audience_size_and_never_exceeds_it():
    data = _still({"A": 5000}, events=[_campaign({"kind": "social_media", "contact_rate_per_day": 0.3, "audience_persons": 700})])
    data["population"] = [{"internet_share": 1.0}]
    model = MigrationModel(scenario=data)
    model.run()
    table = model.tables()["campaigns"]
    assert (table["reached_total"] <= 700).all()
    assert table["reached_total"].iloc[-1] == 700
    assert table["reached_new"].sum() == 700
    assert np.count_nonzero(model.population.reached) == 700


def test_audience_cap_holds_at_a_coarse_scale():
    data = _still({"A": 5000}, events=[_campaign({"kind": "social_media", "contact_rate_per_day": 0.5, "audience_persons": 705})])
    data["population"] = [{"internet_share": 1.0}]
    model = MigrationModel(scenario=data, scale=10)
    model.run()
    assert model.tables()["campaigns"]["reached_total"].max() <= 705


def test_nobody_without_internet_is_reached_by_social_media():
    data = _still({"A": 3000}, events=[_campaign({"kind": "social_media", "contact_rate_per_day": 0.5})])
    data["population"] = [{"internet_share": 0.4}]
    model = MigrationModel(scenario=data)
    model.run()
    pop = model.population
    reached = pop.reached != 0
    assert reached.sum() > 500
    assert np.all(pop.flags[reached] & FLAG_INTERNET)
    assert not np.any(reached[(pop.flags & FLAG_INTERNET) == 0])


def test_information_centre_reaches_only_people_at_its_node():
    events = [_campaign({"kind": "information_centre", "nodes": ["B"], "contact_rate_per_day": 0.5})]
    model = MigrationModel(scenario=_still({"A": 1000, "B": 1000, "C": 1000}, events=events))
    model.run()
    pop = model.population
    reached = pop.reached != 0
    b = model.graph.index("B")
    assert reached.sum() > 900
    assert np.all(pop.node[reached] == b)


def test_word_of_mouth_spreads_in_a_community_and_never_to_one_without_contacts():
    # Two origin communities, each staying at home, in separate components of the graph.
    nodes = [
        _place("P", "origin city"),
        _place("Q", "origin city", lon=5),
        _place("D1", "destination city", lon=1),
        _place("D2", "destination city", lon=6),
    ]
    links = [{"id": "PD", "from": "P", "to": "D1", "distance_km": 100}, {"id": "QD", "from": "Q", "to": "D2", "distance_km": 100}]
    data = _still({}, nodes=nodes, links=links, days=40)
    data["departures"] = [
        {"origin": "P", "series": [{"day": 0, "persons_per_day": 2000}, {"day": 1, "persons_per_day": 0}]},
        {"origin": "Q", "series": [{"day": 0, "persons_per_day": 2000}, {"day": 1, "persons_per_day": 0}]},
    ]
    data["population"] = [{"knowledge": {}}, {"nodes": ["P"], "knowledge": {"regular_channels": 0.2}}]
    data["parameters"]["movement"]["leave_probability_origin_city_per_day"] = 0.0
    data["parameters"]["information"] = {"word_of_mouth_contacts_per_day": 0.3, "forgetting_rate_per_day": 0.0}
    model = MigrationModel(scenario=data)
    model.run()
    info = model.tables()["information"]
    topic = info[info.topic == "regular_channels"]
    p_share = topic[topic.node_id == "P"].set_index("day")["share_knowing"]
    q_share = topic[topic.node_id == "Q"].set_index("day")["share_knowing"]
    assert p_share.iloc[0] < 0.3 < 0.8 < p_share.iloc[-1]
    assert (q_share == 0).all()


def test_knowledge_fades_at_the_documented_rate():
    rate = 0.03
    data = _still({"A": 20000}, days=30)
    data["population"] = [{"knowledge": {"regular_channels": 1.0}}]
    data["parameters"]["information"]["forgetting_rate_per_day"] = rate
    model = MigrationModel(scenario=data)
    model.run()
    pop = model.population
    now = np.array(
        [
            knowledge_now(k, d, 30, model.information.fade_pow)
            for k, d in zip(pop.knowledge[:, REGULAR], pop.info_day, strict=True)
        ]
    )
    assert now.mean() == pytest.approx(80 * (1 - rate) ** 30, rel=1e-6)
    # Shares knowing drop to zero once 80 x (1 - rate)^t < 50, i.e. after day 15.
    info = model.tables()["information"]
    share = info[(info.topic == "regular_channels") & (info.node_id == "A")].set_index("day")["share_knowing"]
    threshold_day = int(np.floor(np.log(50 / 80) / np.log(1 - rate)))
    assert share.loc[threshold_day - 2] == 1.0
    assert share.loc[threshold_day + 1] == 0.0


def _crossing_stage(events, effects=True):
    """A regular crossing needing a passport, with an irregular alternative; nobody holds a passport."""
    nodes = [
        _place("O", "origin city", "VEN"),
        _place("X", "border crossing", "VEN", 1),
        _place("D", "destination city", "COL", 2),
    ]
    nodes[2]["attractiveness"] = 1
    data = {
        "name": "crossing",
        "start_date": "2024-01-01",
        "days": 40,
        "seed": 5,
        "graph": {
            "nodes": nodes,
            "links": [
                {"id": "OX", "from": "O", "to": "X", "distance_km": 50},
                {"id": "XD", "from": "X", "to": "D", "distance_km": 50},
            ],
        },
        "crossings": [{"link": "XD", "documents_required": "passport", "irregular_alternative": True}],
        "departures": [{"origin": "O", "persons_per_day": 200}],
        "population": [{"documents": {"id": 1.0}, "knowledge": {}}],
        "parameters": {"crossings": {"irregular_crossing_probability_per_day": 0.3}},
        "events": events,
    }
    if not effects:
        data["parameters"]["crossings"].update(
            regular_channel_preference=0.0, documents_probability_per_day_informed=0.01, risk_deterrence=0.0
        )
        data["parameters"]["information"] = {
            "alternatives_desist_probability_per_day": 0.0,
            "services_onward_reduction": 0.0,
            "misinformation_weight": 0.0,
            "risk_knowledge_weight": 0.0,
        }
    return data


CENTRE = {
    "type": "campaign",
    "name": "centre",
    "day": 0,
    "channels": [{"kind": "information_centre", "nodes": ["X"], "contact_rate_per_day": 0.8, "strength": 0.9}],
    "messages": ["regular_channels", "route_risks"],
}


def test_campaign_on_regular_channels_lowers_irregular_crossings():
    without = MigrationModel(scenario=_crossing_stage([]))
    without.run()
    with_campaign = MigrationModel(scenario=_crossing_stage([CENTRE]))
    with_campaign.run()
    irregular_without = without.tables()["crossings"]["irregular"].sum()
    irregular_with = with_campaign.tables()["crossings"]["irregular"].sum()
    assert irregular_without > 1000
    assert irregular_with < 0.8 * irregular_without
    assert with_campaign.tables()["crossings"]["regular"].sum() > without.tables()["crossings"]["regular"].sum()


def test_campaign_with_zero_effects_changes_no_decision():
    without = MigrationModel(scenario=_crossing_stage([], effects=False))
    without.run()
    with_campaign = MigrationModel(scenario=_crossing_stage([CENTRE], effects=False))
    with_campaign.run()
    assert with_campaign.tables()["campaigns"]["reached_total"].iloc[-1] > 0
    for name in ("nodes", "links", "crossings", "totals"):
        a, b = without.tables()[name], with_campaign.tables()[name]
        columns = [c for c in a.columns if not c.startswith("share_knowing")]
        pd.testing.assert_frame_equal(a[columns], b[columns], check_exact=True)


BAD = [
    ({"channels": [{"kind": "carrier_pigeon", "contact_rate_per_day": 0.1}]}, "channels[0].kind", "Input should be"),
    ({"targets": {"nodes": ["Nowhere"]}}, "targets.nodes[0]", "'Nowhere' is not a node"),
    ({"end_day": 2, "day": 5}, "end_day", "ends (day 2) before it starts (day 5)"),
    (
        {"channels": [{"kind": "social_media", "contact_rate_per_day": 0.1, "audience_persons": -5}]},
        "channels[0].audience_persons",
        "greater than or equal to 0",
    ),
    ({"messages": ["weather"]}, "messages", "unknown topic 'weather'"),
]


@pytest.mark.parametrize("change,field,fragment", BAD)
def test_bad_campaign_definitions_give_a_located_error(write_scenario, change, field, fragment):
    event = copy.deepcopy(CENTRE)
    event.update(change)
    path = write_scenario(_crossing_stage([event]))
    result = run_cli("check", str(path))
    assert result.returncode == 2
    line = result.stderr.strip()
    assert "\n" not in line
    assert line.startswith(f"migsim: error: {path}:")
    assert f"events[0].{field}" in line and fragment in line, line


def test_shipped_scenarios_report_campaign_reach(tmp_path):
    out = tmp_path / "meso"
    result = run_cli("run", "scenarios/mesoamerica_transit.yaml", "--scale", "50", "--days", "90", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Migrar Informados (campaign): reached" in result.stdout
    assert "Smugglers' offers in Urabá (misinformation)" in result.stdout
    effects = pd.read_parquet(out / "campaign_effects.parquet")
    assert set(effects["campaign"]) >= {"Migrar Informados", "Ponele plan a tu vida", "YoCamino"}
    assert (effects["reached_persons"] > 0).all()

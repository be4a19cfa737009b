"""Border policies: closures, capacity and queues, shelter, rules with thresholds, programmes."""

from __future__ import annotations

import numpy as np
import pytest

from models.crossings import TALLY
from models.state import FIRST_TERMINAL, WAITING
from simulator.model import MigrationModel
from tests.conftest import run_cli

ADMITTED = TALLY.index("admitted")
REGULAR = TALLY.index("regular")
IRREGULAR = TALLY.index("irregular")


def _place(node_id, kind, iso3, lon):
    return {"id": node_id, "name": node_id, "iso3": iso3, "latitude": 0, "longitude": lon, "kind": kind}


def border(crossing=None, events=None, days=30, rate=100, population=None, crossings_params=None, bypass=False):
    """O (VEN) -> X (crossing, VEN) -> D (COL); optionally a long bypass O -> B (VEN) -> D through a second crossing."""
    nodes = [
        _place("O", "origin city", "VEN", 0),
        _place("X", "border crossing", "VEN", 1),
        _place("D", "destination city", "COL", 2),
    ]
    nodes[2]["attractiveness"] = 1
    links = [{"id": "OX", "from": "O", "to": "X", "distance_km": 50}, {"id": "XD", "from": "X", "to": "D", "distance_km": 50}]
    if bypass:
        nodes.append(_place("B", "border crossing", "VEN", 3))
        links += [
            {"id": "OB", "from": "O", "to": "B", "distance_km": 300},
            {"id": "BD", "from": "B", "to": "D", "distance_km": 300},
        ]
    give_up_off = {
        "give_up_irregular_probability_per_day": 0,
        "give_up_stay_probability_per_day": 0,
        "give_up_return_probability_per_day": 0,
    }
    return {
        "name": "border",
        "start_date": "2024-01-01",
        "days": days,
        "seed": 3,
        "graph": {"nodes": nodes, "links": links},
        "crossings": [{"link": "XD", **(crossing or {})}],
        "departures": [{"origin": "O", "persons_per_day": rate}],
        "population": population or [{"documents": {"passport": 1.0}}],
        "parameters": {"crossings": {**give_up_off, **(crossings_params or {})}},
        "events": events or [],
    }


def crossing_rows(model, link="XD"):
    x = model.crossings.index(link)
    return model.recorder.crossing[: model.recorder.recorded_days, x]


def test_a_closed_crossing_admits_nobody():
    model = MigrationModel(
        scenario=border({"irregular_alternative": True}, [{"type": "close_crossing", "day": 0, "link": "XD", "channel": "both"}])
    )
    model.run()
    rows = crossing_rows(model)
    assert rows[:, REGULAR].sum() == 0 and rows[:, IRREGULAR].sum() == 0
    assert model.recorder.node["arrivals"][:, model.graph.index("D")].sum() == 0


def test_capacity_is_never_exceeded_and_used_fully_while_people_wait():
    model = MigrationModel(scenario=border({"capacity_persons_per_day": 30}))
    model.run()
    rows = crossing_rows(model)
    admitted = rows[:, ADMITTED]
    waiting = model.recorder.queue[: model.days, model.crossings.index("XD"), 0]
    assert admitted.max() == 30
    assert (admitted <= 30).all()
    for day in range(1, model.days):
        if waiting[day - 1] >= 30:
            assert admitted[day] == 30, day
    assert waiting[-1] > 1000  # 100 arrive a day, 30 leave


def test_capacity_holds_at_a_coarse_scale():
    model = MigrationModel(scenario=border({"capacity_persons_per_day": 35}), scale=10)
    model.run()
    admitted = crossing_rows(model)[:, ADMITTED] * 10
    assert (admitted <= 40).all()
    assert admitted[5:].sum() == pytest.approx(35 * (model.days - 5), abs=40)


def test_the_queue_is_served_oldest_first():
    model = MigrationModel(scenario=border({"capacity_persons_per_day": 30}, days=15))
    while model.running:
        pop = model.population
        waiting = np.flatnonzero(pop.status == WAITING)
        since = pop.since_day[waiting].copy()
        model.step()
        still = pop.status[waiting] == WAITING
        if still.any() and (~still).any():
            assert since[~still].max() <= since[still].min()


def test_waiting_people_count_against_shelter_capacity():
    data = border({"capacity_persons_per_day": 30}, days=12)
    data["graph"]["nodes"][1]["shelter_capacity_persons"] = 200
    model = MigrationModel(scenario=data)
    model.run()
    nodes = model.tables()["nodes"]
    at_x = nodes[nodes.node_id == "X"]
    assert (at_x["without_shelter"] == np.maximum(at_x["in_transit_or_waiting"] - 200, 0)).all()
    assert at_x["without_shelter"].iloc[-1] > 0
    assert (nodes[nodes.node_id != "X"]["without_shelter"] == 0).all()


def test_conservation_with_queues_give_ups_deportations_and_incidents():
    data = border(
        {"capacity_persons_per_day": 30, "irregular_alternative": True, "death_risk": 0.05, "robbery_risk": 0.2},
        [{"type": "deportation", "day": 5, "country": "COL", "capacity_persons_per_day": 20}],
        population=[{"documents": {"passport": 0.5}}],
        crossings_params={
            "give_up_irregular_probability_per_day": 0.3,
            "give_up_stay_probability_per_day": 0.05,
            "give_up_return_probability_per_day": 0.05,
        },
    )
    model = MigrationModel(scenario=data)
    while model.running:
        model.step()
        day = model.day - 1
        rec = model.recorder
        terminal = rec.status[day][FIRST_TERMINAL:].sum()
        assert rec.node["people"][day].sum() + rec.link_people[day].sum() + terminal == model.population.size
    totals = model.tables()["totals"]
    assert totals["dead"].iloc[-1] > 0 and totals["deportations"].sum() > 0
    assert crossing_rows(model)[:, TALLY.index("gave_up")].sum() > 0


def test_threshold_rule_fires_on_the_first_day_and_respects_its_lag():
    rule = {
        "type": "conditional",
        "day": 0,
        "name": "close when crowded",
        "quantity": "people_waiting",
        "at": "XD",
        "above": 500,
        "lag_days": 3,
        "then": {"type": "close_crossing", "link": "XD", "channel": "regular"},
    }
    model = MigrationModel(scenario=border({"capacity_persons_per_day": 30}, [rule], days=40))
    model.run()
    waiting = model.recorder.queue[: model.days, model.crossings.index("XD"), 0]
    first = int(np.argmax(waiting > 500))
    assert waiting[first] > 500 and (waiting[:first] <= 500).all()
    triggered = [e for e in model.event_log if e["type"] == "conditional_triggered"]
    assert [e["day"] for e in triggered] == [first]
    closed = [e for e in model.event_log if e["type"] == "close_crossing"]
    assert [e["day"] for e in closed] == [first + 3]
    admitted = crossing_rows(model)[:, ADMITTED]
    assert admitted[first + 3 :].sum() == 0 and admitted[first + 2] == 30


def test_rule_that_adds_shelter_places():
    rule = {
        "type": "conditional",
        "day": 0,
        "name": "shelter",
        "quantity": "people_without_shelter",
        "at": "X",
        "above": 100,
        "lag_days": 1,
        "repeat": True,
        "then": {"type": "add_shelter_capacity", "node": "X", "persons": 300},
    }
    data = border({"capacity_persons_per_day": 30}, [rule], days=20)
    data["graph"]["nodes"][1]["shelter_capacity_persons"] = 100
    model = MigrationModel(scenario=data)
    model.run()
    assert model.policy.shelter_capacity_persons[model.graph.index("X")] > 400


def test_regularisation_never_exceeds_its_rate():
    data = border(days=25)
    data["initial_stocks"] = [{"node_id": "D", "persons": 5000}]
    data["events"] = [{"type": "regularisation", "day": 2, "end_day": 20, "country": "COL", "capacity_persons_per_day": 25}]
    for scale in (1, 10):
        model = MigrationModel(scenario=data, scale=scale)
        model.run()
        daily = model.tables()["totals"]["regularisations"]
        assert (daily <= 30).all()
        assert daily.iloc[:2].sum() == 0 and daily.iloc[21:].sum() == 0
        assert daily.sum() <= 25 * 19
        assert daily.sum() >= 25 * 19 - scale


def test_route_tables_change_when_a_crossing_closes_and_only_then():
    events = [
        {"type": "set_departures", "day": 2, "origin": "O", "persons_per_day": 50},
        {"type": "set_crossing_capacity", "day": 3, "link": "XD", "capacity_persons_per_day": 10},
        {"type": "close_crossing", "day": 5, "link": "XD", "channel": "both"},
    ]
    model = MigrationModel(scenario=border({"irregular_alternative": True}, events, days=10, bypass=True))
    computed = [model.route_computations]
    before = model.routes.next_link.copy()
    for _ in range(7):
        model.step()
        computed.append(model.route_computations)
    assert computed == [1, 1, 1, 1, 1, 1, 2, 2]
    o, d = model.graph.index("O"), model.routes.target_column[model.graph.index("D")]
    assert model.graph.link_ids[before[o, d] // 2] == "OX"
    assert model.graph.link_ids[model.routes.next_link[o, d] // 2] == "OB"


@pytest.mark.parametrize(
    "crossing_event,fragment",
    [
        ({"type": "close_crossing", "day": 1, "link": "ZZ"}, "events[0].link: 'ZZ' is not a link"),
        ({"type": "close_crossing", "day": 1, "link": "OX"}, "events[0].link: link 'OX' is not a border crossing"),
        (
            {"type": "set_crossing_capacity", "day": 1, "link": "XD", "capacity_persons_per_day": -5},
            "events[0].capacity_persons_per_day: Input should be greater than or equal to 0",
        ),
        (
            {
                "type": "conditional",
                "day": 0,
                "name": "r",
                "quantity": "queue_length",
                "at": "XD",
                "above": 1,
                "then": {"type": "close_crossing", "link": "XD"},
            },
            "events[0].quantity: Input should be",
        ),
        (
            {
                "type": "conditional",
                "day": 0,
                "name": "r",
                "quantity": "people_waiting",
                "at": "XD",
                "above": 1,
                "then": {"type": "close_crossing", "link": "OX"},
            },
            "events[0].then.link: link 'OX' is not a border crossing",
        ),
    ],
)
def test_bad_policy_definitions_give_a_located_error(write_scenario, crossing_event, fragment):
    path = write_scenario(border(events=[crossing_event]))
    result = run_cli("check", str(path))
    assert result.returncode == 2
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith(f"migsim: error: {path}:") and fragment in line, line


def test_crossing_on_a_link_that_is_not_a_border_is_an_error(write_scenario):
    data = border()
    data["crossings"] = [{"link": "OX"}]
    path = write_scenario(data)
    result = run_cli("check", str(path))
    assert result.returncode == 2
    assert "crossings[0].link: link 'OX' (O-X) does not cross a border" in result.stderr


def test_variants_change_only_what_they_declare(tmp_path):
    base = MigrationModel(scenario="scenarios/venezuela_2024.yaml", scale=2000, days=90)
    closed = MigrationModel(scenario="scenarios/venezuela_2024.yaml", scale=2000, days=90, variant="rumichaca_closed")
    assert len(closed.scenario.events) == len(base.scenario.events) + 2
    base.run()
    closed.run()
    b, c = base.tables()["crossings"], closed.tables()["crossings"]
    rumichaca = ["L020", "L023"]
    before = b.day < 62  # 1 September is day 62
    assert (b[before].drop(columns="date").values == c[before].drop(columns="date").values).all()
    after_regular = c[(c.day >= 62) & c.link_id.isin(rumichaca)]["regular"].sum()
    assert after_regular == 0
    assert c[c.link_id.isin(rumichaca)]["irregular"].sum() > b[b.link_id.isin(rumichaca)]["irregular"].sum()


def test_regularisation_variant_regularises_in_colombia(tmp_path):
    out = tmp_path / "reg"
    result = run_cli(
        "run",
        "--variant",
        "colombia_regularisation",
        "--scale",
        "2000",
        "--days",
        "40",
        "--out",
        str(out),
        "--quiet",
        "--no-campaign-effects",
    )
    assert result.returncode == 0, result.stderr
    import pandas as pd

    nodes = pd.read_parquet(out / "nodes.parquet")
    regularised = nodes.groupby("iso3")["regularisations"].sum()
    assert regularised["COL"] > 0 and regularised.drop("COL").sum() == 0
    assert regularised["COL"] <= 2500 * 10  # from 1 August (day 31) to day 39


def test_unknown_variant_is_a_user_error():
    result = run_cli("run", "--variant", "rumichaca_close", "--scale", "5000", "--days", "2", "--quiet")
    assert result.returncode == 2
    assert "unknown variant 'rumichaca_close'; did you mean 'rumichaca_closed'?" in result.stderr


def test_bad_variant_event_is_located(write_scenario):
    data = border()
    data["variants"] = {"v": {"add_events": [{"type": "close_crossing", "day": 1, "link": "XX"}]}}
    path = write_scenario(data)
    result = run_cli("check", str(path))
    assert result.returncode == 2
    assert "variants.v.add_events[0].link: 'XX' is not a link" in result.stderr


def test_humanitarian_corridor_speeds_travel_and_cuts_risk_then_ends():
    crossing = {"irregular_alternative": True, "regular": False, "regular_open": False, "robbery_risk": 0.5}
    events = [
        {
            "type": "humanitarian_corridor",
            "day": 5,
            "name": "c",
            "links": ["OX", "XD"],
            "speed_km_per_day": 1000,
            "risk_factor": 0.0,
        },
        {"type": "end_humanitarian_corridor", "day": 15, "name": "c"},
    ]
    data = border(
        crossing, events, days=25, crossings_params={"irregular_crossing_probability_per_day": 1.0, "risk_deterrence": 0.0}
    )
    model = MigrationModel(scenario=data)
    model.run()
    robberies = crossing_rows(model)[:, TALLY.index("robberies")]
    irregular = crossing_rows(model)[:, IRREGULAR]
    assert robberies[6:15].sum() == 0 and irregular[6:15].sum() > 500
    assert robberies[16:].sum() > 0 and robberies[:5].sum() > 0
    assert model.graph.link_speed_km_per_day.max() < 1000  # restored


def test_crossing_closed_to_one_group_only():
    data = border(events=[{"type": "close_crossing", "day": 0, "link": "XD", "groups": ["COL"]}], days=10)
    data["groups"] = ["VEN", "COL"]
    data["departures"] = [
        {"origin": "O", "group": "VEN", "persons_per_day": 50},
        {"origin": "O", "group": "COL", "persons_per_day": 50},
    ]
    model = MigrationModel(scenario=data)
    model.run()
    pop = model.population
    arrived = pop.node == model.graph.index("D")
    assert arrived.any()
    assert set(pop.group[arrived].tolist()) == {0}


def test_travellers_learn_of_a_closure_by_reaching_it():
    # The short way to D crosses at XD; the long way at BD. XD closes on day 3.
    events = [{"type": "close_crossing", "day": 3, "link": "XD", "channel": "both"}]
    data = border({"irregular_alternative": True}, events, days=12, bypass=True)
    data["parameters"]["information"] = {"word_of_mouth_contacts_per_day": 0.0}
    data["parameters"]["movement"] = {"leave_probability_border_crossing_per_day": 1.0}
    data["graph"]["links"][0]["distance_km"] = 700  # two days' travel to the crossing
    data["graph"]["links"][2]["distance_km"] = data["graph"]["links"][3]["distance_km"] = 800  # the bypass is longer
    model = MigrationModel(scenario=data)
    model.run()
    blocked = crossing_rows(model)[:, TALLY.index("blocked")]
    # People who left before they could know still walk to the closed crossing, then turn to the bypass.
    assert blocked[3:6].sum() > 0
    bypass = model.tables()["crossings"]
    assert bypass[(bypass.link_id == "BD") & (bypass.day > 3)]["regular"].sum() > 0
    from models.state import FLAG_KNOWS_ROUTES

    pop = model.population
    learnt = (pop.flags & FLAG_KNOWS_ROUTES) != 0
    assert learnt[pop.node == model.graph.index("X")].all()

"""The flee ruleset's single steps on hand-made graphs whose answers can be worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from models import flee as fk
from models.rng import day_key
from models.state import ON_LINK, SETTLED
from simulator.errors import ScenarioError
from simulator.flee.paths import enumerate_paths
from simulator.model import MigrationModel
from tests.flee_helpers import flee_scenario


def people(model, node: str) -> int:
    """People at a node at the end of the last simulated day."""
    return int(model.recorder.node["people"][model.day - 1][model.graph.index(node)])


def _binomial_ok(count: int, n: int, p: float) -> bool:
    return abs(count - n * p) <= 5 * math.sqrt(n * p * (1 - p))


# -- move chance -----------------------------------------------------------------


@pytest.mark.parametrize(("chance", "settings"), [(0.3, {}), (0.5, {"default_move_chance": 0.5})])
def test_a_town_empties_at_its_move_chance(chance, settings):
    data = flee_scenario([("T", "town"), ("C", "camp")], [("L1", "T", "C", 100)], stocks={"T": 20000}, parameters=settings)
    model = MigrationModel(scenario=data, days=1, ruleset="flee")
    model.step()
    moved = people(model, "C")
    assert moved + people(model, "T") == 20000
    assert _binomial_ok(moved, 20000, chance), moved


def test_camps_keep_people_and_conflict_zones_empty():
    data = flee_scenario(
        [("A", "conflict_zone"), ("C", "camp"), ("D", "camp")],
        [("L1", "A", "C", 500), ("L2", "C", "D", 500)],
        stocks={"A": 3000, "C": 50000},
    )
    model = MigrationModel(scenario=data, days=1, ruleset="flee")
    model.step()
    assert people(model, "A") == 0  # move chance 1.0: all 3,000 on the link to C
    assert int(model.recorder.link_people[0].sum()) >= 3000
    left_camp = 50000 - people(model, "C")
    assert _binomial_ok(left_camp, 50000, 0.001), left_camp
    assert model.population.status[model.population.node == model.graph.index("C")].min() == SETTLED


# -- location scores, capacity and route weights -----------------------------------


def test_scores_follow_foreign_camp_and_conflict_weights():
    params = fk.FleeParams(foreign_weight=2.0, camp_weight=3.0, conflict_weight=0.25)
    types = np.array([fk.TOWN, fk.CAMP, fk.CONFLICT_ZONE, fk.CONFLICT_ZONE], dtype=np.int8)
    foreign = np.array([0, 1, 0, 0], dtype=np.uint8)
    intensity = np.array([0.0, 0.0, 1.0, 2.0])
    score = fk.location_scores(types, foreign, intensity, np.ones(4), params)
    assert score.tolist() == pytest.approx([1.0, 6.0, 0.25, 0.0625])


def test_capacity_factor_falls_from_the_buffer_to_full():
    counts = np.array([0, 900, 950, 1000, 5000, 5000])
    capacity = np.array([1000, 1000, 1000, 1000, 1000, -1.0])
    assert fk.capacity_factor(counts, capacity, 0.9).tolist() == pytest.approx([1.0, 1.0, 0.5, 0.0, 0.0, 1.0])


def _tarn():
    """Tarn's neighbourhood in the Ruritania fixture: Avalon 100 km, Bree 250, Camp North 300, Camp South 350 via a marker."""
    names = ["Avalon", "Bree", "Tarn", "Mark", "North", "South"]
    types = np.array([fk.CONFLICT_ZONE, fk.TOWN, fk.TOWN, fk.MARKER, fk.CAMP, fk.CAMP], dtype=np.int8)
    pairs = [(0, 2, 100), (1, 2, 250), (0, 1, 50), (2, 4, 300), (2, 3, 200), (3, 5, 150)]
    src = np.array([x for a, b, _ in pairs for x in (a, b)], dtype=np.int32)
    dst = np.array([x for a, b, _ in pairs for x in (b, a)], dtype=np.int32)
    km = np.array([d for _, _, d in pairs for _ in range(2)], dtype=np.float32)
    return names, types, src, dst, km


def test_route_weights_are_score_over_softened_distance_times_capacity():
    names, types, src, dst, km = _tarn()
    paths = enumerate_paths(src, dst, km, np.ones(len(src), np.uint8), np.ones(6, np.uint8), types, 1)
    tarn = names.index("Tarn")
    rows = range(paths.start[tarn], paths.start[tarn + 1])
    ends = [names[paths.end[p]] for p in rows]
    assert sorted(ends) == ["Avalon", "Bree", "North", "South"]  # the marker is passed through, never an end
    assert {names[paths.end[p]]: paths.km[p] for p in rows}["South"] == 350
    score = fk.location_scores(
        types, np.zeros(6, np.uint8), np.array([1.0, 0, 0, 0, 0, 0]), np.ones(6), fk.FleeParams(conflict_weight=0.25)
    )
    counts = np.array([0, 0, 0, 0, 950, 0])
    cap = fk.capacity_factor(counts, np.array([-1, -1, -1, -1, 1000, -1.0]), 0.9)
    cdf = fk.path_cdf(paths.start, paths.end, paths.km, score, cap, 0.0, 10.0, 1.0, 1.0)
    weights = {"Avalon": 0.25 / 110, "Bree": 1 / 260, "North": 0.5 / 310, "South": 1 / 360}
    total = sum(weights.values())
    probability = np.diff(np.concatenate([[0.0], cdf[paths.start[tarn] : paths.start[tarn + 1]]]))
    assert {names[paths.end[p]]: probability[k] for k, p in enumerate(rows)} == pytest.approx(
        {k: v / total for k, v in weights.items()}
    )


def test_awareness_two_adds_two_link_paths_and_all_zero_weights_are_uniform():
    names, types, src, dst, km = _tarn()
    paths = enumerate_paths(src, dst, km, np.ones(len(src), np.uint8), np.ones(6, np.uint8), types, 2)
    avalon = names.index("Avalon")
    ends = sorted((names[paths.end[p]], float(paths.km[p])) for p in range(paths.start[avalon], paths.start[avalon + 1]))
    # 1 link: Tarn, Bree; 2 links: Bree via Tarn, Tarn via Bree, Camp North and Camp South via Tarn (the marker is free).
    assert ends == [("Bree", 50.0), ("Bree", 350.0), ("North", 400.0), ("South", 450.0), ("Tarn", 100.0), ("Tarn", 300.0)]
    cdf = fk.path_cdf(paths.start, paths.end, paths.km, np.ones(6), np.zeros(6), 0.0, 10.0, 1.0, 1.0)
    row = cdf[paths.start[avalon] : paths.start[avalon + 1]]
    assert row.tolist() == pytest.approx([(k + 1) / 6 for k in range(6)])


def test_a_full_camp_gets_nobody_and_the_others_get_everybody():
    data = flee_scenario(
        [("T", "town"), ("Full", "camp", {"capacity_persons": 1000}), ("Open", "camp")],
        [("L1", "T", "Full", 50), ("L2", "T", "Open", 50)],
        stocks={"T": 5000, "Full": 1000},
    )
    model = MigrationModel(scenario=data, days=1, ruleset="flee")
    model.step()
    tally = model.recorder.node["arrivals"][0]
    assert tally[model.graph.index("Full")] == 0
    assert _binomial_ok(int(tally[model.graph.index("Open")]), 5000, 0.3)


# -- travel: multi-link days ---------------------------------------------------------


def test_100_plus_300_km_through_a_marker_is_one_day():
    data = flee_scenario(
        [("A", "conflict_zone"), ("M", "marker"), ("C", "camp")], [("L1", "A", "M", 100), ("L2", "M", "C", 300)], stocks={"A": 50}
    )
    model = MigrationModel(scenario=data, days=2, ruleset="flee")
    model.step()
    assert people(model, "C") == 50


def test_a_link_of_exactly_360_km_takes_two_days():
    data = flee_scenario([("A", "conflict_zone"), ("C", "camp")], [("L1", "A", "C", 360)], stocks={"A": 40})
    model = MigrationModel(scenario=data, days=2, ruleset="flee")
    model.step()
    assert people(model, "C") == 0 and int(model.recorder.link_people[0].sum()) == 40
    assert model.population.progress_km.tolist() == [360.0] * 40
    model.step()
    assert people(model, "C") == 40


def test_arriving_early_at_a_conflict_zone_goes_on_the_same_day():
    # 50 km to B (a conflict zone, move chance 1), then B's only other link, 300 km to the camp: 350 km in one day.
    data = flee_scenario(
        [("A", "conflict_zone"), ("B", "conflict_zone"), ("C", "camp")],
        [("L1", "A", "B", 50), ("L2", "B", "C", 300)],
        stocks={"A": 2000},
        parameters={"conflict_weight": 1e-9, "camp_move_chance": 0.0},
    )
    model = MigrationModel(scenario=data, days=1, ruleset="flee")
    model.step()
    assert people(model, "C") == 2000  # from B, back to A weighs 1e-9 / 60 against 1 / 310


def test_a_links_own_speed_is_used():
    data = flee_scenario([("A", "conflict_zone"), ("C", "camp")], [("L1", "A", "C", 100, 40)], stocks={"A": 10}, days=3)
    model = MigrationModel(scenario=data, ruleset="flee")
    model.run(2)
    assert people(model, "C") == 0 and model.population.progress_km.tolist() == [80.0] * 10
    model.step()
    assert people(model, "C") == 10


def test_start_on_foot_walks_the_first_link():
    data = flee_scenario(
        [("A", "conflict_zone"), ("C", "camp")], [("L1", "A", "C", 100)], stocks={"A": 10}, parameters={"start_on_foot": True}
    )
    model = MigrationModel(scenario=data, days=1, ruleset="flee")
    model.step()
    assert model.population.progress_km.tolist() == [35.0] * 10


def test_avoid_short_stints_makes_people_reaching_a_town_mid_day_go_on():
    places = [("A", "conflict_zone"), ("T", "town"), ("C", "camp")]
    links = [("L1", "A", "T", 100), ("L2", "T", "C", 100)]
    plain = MigrationModel(scenario=flee_scenario(places, links, stocks={"A": 4000}), days=1, ruleset="flee")
    plain.step()
    # 0.7 stay at T; of the 0.3 who go on, 0.2 go back to A (score 0.25 against 1) and are at T again with 300 km done.
    assert _binomial_ok(people(plain, "T"), 4000, 0.7 + 0.3 * 0.2 * 0.7)
    data = flee_scenario(places, links, stocks={"A": 4000}, parameters={"avoid_short_stints": True})
    model = MigrationModel(scenario=data, days=1, ruleset="flee")
    model.step()
    # Everybody reaching T has travelled < 360 km today and has no recent travel: all go on.
    assert people(model, "T") == 0


@pytest.mark.parametrize(("level", "expected_at_c"), [(1, None), (2, 1000)])
def test_awareness_two_plans_two_links_and_follows_them_next_day(level, expected_at_c):
    # From A, T (abroad, score x 1e-6) is 400 km away and the camp C 100 km beyond it.  Knowing two links, everybody
    # plans A-T-C, reaches T on day 1 and goes straight on; knowing one, everybody goes to T and only 30% leave it.
    data = flee_scenario(
        [("A", "conflict_zone"), ("T", "town", {"iso3": "BBB"}), ("C", "camp")],
        [("L1", "A", "T", 400), ("L2", "T", "C", 100)],
        stocks={"A": 1000},
        parameters={"awareness_level": level, "foreign_weight": 1e-6, "camp_move_chance": 0.0},
        flee={"home_country": "AAA"},
    )
    model = MigrationModel(scenario=data, days=2, ruleset="flee")
    model.run()
    if expected_at_c is not None:
        assert people(model, "C") == expected_at_c
    else:
        assert _binomial_ok(people(model, "T"), 1000, 0.7)


# -- closures -------------------------------------------------------------------------


def test_a_planned_route_through_a_closed_link_is_dropped_and_the_agent_stays():
    # A -> M (marker, 400 km: two days) -> C; M-C closes on day 1, when the agents reach M.
    data = flee_scenario(
        [("A", "conflict_zone"), ("M", "marker"), ("C", "camp")],
        [("L1", "A", "M", 400), ("L2", "M", "C", 100)],
        stocks={"A": 30},
        events=[{"type": "close_link", "day": 1, "link": "L2"}],
    )
    model = MigrationModel(scenario=data, days=3, ruleset="flee")
    model.step()
    assert model.population.status.tolist() == [ON_LINK] * 30
    model.step()
    assert people(model, "M") == 30 and people(model, "C") == 0
    assert model.event_log[0]["type"] == "close_link"


def test_someone_on_a_link_that_closes_is_sent_back_to_its_start():
    data = flee_scenario(
        [("A", "conflict_zone"), ("C", "camp")],
        [("L1", "A", "C", 500)],
        stocks={"A": 20},
        events=[{"type": "close_link", "day": 1, "link": "L1"}],
    )
    model = MigrationModel(scenario=data, days=2, ruleset="flee")
    model.run()
    assert people(model, "A") == 20 and people(model, "C") == 0


def test_a_camp_more_than_95_percent_full_makes_a_planned_route_drop():
    # The camp has room when the agents set off (day 0); on day 1 its capacity falls to 100 for 96 people there:
    # Cap = 1 - (96 - 90) / 10 = 0.4 < 0.5 when they reach M, so they drop the rest of the route and stay.
    data = flee_scenario(
        [("A", "conflict_zone"), ("M", "marker"), ("C", "camp", {"capacity_persons": 1000})],
        [("L1", "A", "M", 400), ("L2", "M", "C", 100)],
        stocks={"A": 10, "C": 96},
        events=[{"type": "set_camp_capacity", "day": 1, "node": "C", "capacity_persons": 100}],
        parameters={"camp_move_chance": 0.0},
    )
    model = MigrationModel(scenario=data, days=2, ruleset="flee")
    model.run()
    assert people(model, "M") == 10 and people(model, "C") == 96


def test_a_path_to_a_camp_more_than_95_percent_full_is_dropped_before_the_first_step():
    data = flee_scenario(
        [("A", "conflict_zone"), ("C", "camp", {"capacity_persons": 100})],
        [("L1", "A", "C", 100)],
        stocks={"A": 10, "C": 96},
        parameters={"camp_move_chance": 0.0},
    )
    model = MigrationModel(scenario=data, days=1, ruleset="flee")
    model.step()  # the only path ends at C (Cap 0.4): drawn, then dropped, so everybody stays
    assert people(model, "A") == 10


def test_conflict_and_camp_closure_events_change_location_types():
    data = flee_scenario(
        [("A", "town"), ("C", "camp")],
        [("L1", "A", "C", 100)],
        days=4,
        events=[
            {"type": "conflict", "day": 1, "node": "A", "intensity": 2.0},
            {"type": "set_location_type", "day": 2, "node": "C", "location_type": "town"},
            {"type": "conflict", "day": 3, "node": "A", "intensity": 0},
        ],
    )
    model = MigrationModel(scenario=data, ruleset="flee")
    flee = model.ruleset
    model.step()
    assert flee.location_type.tolist() == [fk.TOWN, fk.CAMP]
    model.step()
    assert flee.location_type.tolist() == [fk.CONFLICT_ZONE, fk.CAMP] and flee.intensity[0] == 2.0 and flee.conflict_day[0] == 1
    model.run()
    assert flee.location_type.tolist() == [fk.TOWN, fk.TOWN]
    assert [e["type"] for e in model.event_log] == ["conflict", "set_location_type", "conflict"]


# -- spawning -------------------------------------------------------------------------


def _camp_series(points):
    return [{"series": "C", "date": f"2024-01-{d + 1:02d}", "persons": v} for d, v in points]


def test_sum_from_camps_spawns_the_camp_rises_and_carries_a_deficit():
    # Camp series: 100, 200, 300, 200, 300, 400 on days 0..5 -> spawns 100, 100, 0 (deficit 100), 0, 100.
    data = flee_scenario(
        [("A", "conflict_zone", {"population": 1}), ("C", "camp")],
        [("L1", "A", "C", 1000)],
        days=6,
        stocks={"C": 100},
        flee={"spawning": "sum_from_camps"},
        observed=_camp_series([(0, 100), (2, 300), (3, 200), (5, 400)]),
    )
    model = MigrationModel(scenario=data, ruleset="flee")
    model.run()
    assert model.recorder.totals["spawned"].tolist() == [0, 100, 100, 0, 0, 100]
    assert model.population.size == 400


def test_spawn_origins_follow_population_times_intensity():
    data = flee_scenario(
        [
            ("A", "conflict_zone", {"population": 3000}),
            ("B", "conflict_zone", {"population": 1000, "conflict_intensity": 1}),
            ("C", "camp"),
        ],
        [("L1", "A", "C", 1000), ("L2", "B", "C", 1000)],
        days=2,
        flee={"spawning": "sum_from_camps"},
        parameters={"conflict_move_chance": 0.01},
        observed=_camp_series([(0, 0), (1, 20000)]),
    )
    model = MigrationModel(scenario=data, ruleset="flee")
    model.run()
    at_a = int((model.population.origin == model.graph.index("A")).sum())
    assert model.population.size == 20000 and _binomial_ok(at_a, 20000, 0.75)


@pytest.mark.parametrize(
    ("mode", "rate", "expected"),
    [("constant", 100, [200, 200, 100, 100]), ("pop_ratio", 0.01, [150, 150, 100, 100])],
)
def test_conflict_driven_spawning_per_active_zone(mode, rate, expected):
    # A (population 10,000) from day 0, B (population 5,000) from day 0 until its conflict ends on day 2.
    data = flee_scenario(
        [("A", "conflict_zone", {"population": 10000}), ("B", "conflict_zone", {"population": 5000}), ("C", "camp")],
        [("L1", "A", "C", 1000), ("L2", "B", "C", 1000)],
        days=4,
        flee={"spawning": "conflict_driven", "conflict_spawn_mode": mode, "displaced_per_conflict_day": rate},
        events=[{"type": "conflict", "day": 2, "node": "B", "intensity": 0}],
    )
    model = MigrationModel(scenario=data, ruleset="flee")
    model.run()
    assert model.recorder.totals["spawned"].tolist() == expected


def test_take_from_population_lowers_the_population_that_pop_ratio_spawns_from():
    data = flee_scenario(
        [("A", "conflict_zone", {"population": 10000}), ("C", "camp")],
        [("L1", "A", "C", 1000)],
        days=3,
        flee={"spawning": "conflict_driven", "conflict_spawn_mode": "pop_ratio", "displaced_per_conflict_day": 0.1,
              "take_from_population": True},
    )  # fmt: skip
    model = MigrationModel(scenario=data, ruleset="flee")
    model.run()
    assert model.recorder.totals["spawned"].tolist() == [1000, 900, 810]


def test_conflict_spawn_decay_lowers_spawning_after_each_interval():
    data = flee_scenario(
        [("A", "conflict_zone"), ("C", "camp")],
        [("L1", "A", "C", 1000)],
        days=5,
        flee={
            "spawning": "conflict_driven",
            "displaced_per_conflict_day": 100,
            "conflict_spawn_decay": [1.0, 0.5, 0.1],
            "conflict_spawn_decay_interval_days": 2,
        },
    )
    model = MigrationModel(scenario=data, ruleset="flee")
    model.run()
    assert model.recorder.totals["spawned"].tolist() == [100, 100, 50, 50, 10]


def test_poisson_counts_have_the_right_mean_and_spread():
    key = day_key(3, fk.STREAM_SPAWN_COUNT, 0)
    for mean in (4.0, 500.0):
        draws = np.array([fk.poisson(key, i, mean) for i in range(4000)])
        assert abs(draws.mean() - mean) < 5 * math.sqrt(mean / 4000)
        assert draws.var() == pytest.approx(mean, rel=0.15)


# -- what the ruleset refuses ---------------------------------------------------------


def test_sum_from_camps_without_observed_series_is_an_error():
    data = flee_scenario([("A", "conflict_zone"), ("C", "camp")], [("L1", "A", "C", 100)], flee={"spawning": "sum_from_camps"})
    with pytest.raises(ScenarioError, match="needs observed camp series"):
        MigrationModel(scenario=data, ruleset="flee")


def test_events_the_ruleset_does_not_model_are_an_error():
    data = flee_scenario(
        [("A", "conflict_zone"), ("C", "camp")],
        [("L1", "A", "C", 100)],
        events=[{"type": "set_parameter", "day": 1, "name": "movement.stock_weight", "value": 0.5}],
    )
    with pytest.raises(ScenarioError, match="reads only flee"):
        MigrationModel(scenario=data, ruleset="flee")


def test_an_unknown_ruleset_is_an_error_with_a_suggestion():
    data = flee_scenario([("A", "conflict_zone"), ("C", "camp")], [("L1", "A", "C", 100)])
    with pytest.raises(ScenarioError, match="did you mean 'flee'"):
        MigrationModel(scenario=data, ruleset="fle")


def test_a_scenario_can_make_flee_its_default_ruleset():
    data = flee_scenario([("A", "conflict_zone"), ("C", "camp")], [("L1", "A", "C", 100)], stocks={"A": 5})
    data["ruleset"] = "flee"
    model = MigrationModel(scenario=data, days=1)
    assert model.ruleset_name == "flee"
    model.step()
    assert people(model, "C") == 5
    assert MigrationModel(scenario=data, days=1, ruleset="engine").ruleset is None


def test_shipped_scenario_runs_with_the_flee_ruleset():
    model = MigrationModel(scale=200, days=5, ruleset="flee")
    assert model.ruleset.section.spawning == "departures"
    assert any("no information model" in w for w in model.ruleset.warnings)  # its campaign changes nothing
    model.run()
    totals = model.tables()["totals"]
    assert totals["departures_new"].sum() > 0
    assert (totals["people_in_system"].diff().fillna(0) == totals["departures_new"]).iloc[1:].all()


def test_a_flee_run_restored_from_a_checkpoint_continues_bit_for_bit(tmp_path):
    data = flee_scenario(
        [("A", "conflict_zone", {"population": 100}), ("T", "town"), ("C", "camp", {"capacity_persons": 300})],
        [("L1", "A", "T", 500), ("L2", "T", "C", 200)],
        days=8,
        stocks={"C": 100},
        flee={"spawning": "conflict_driven", "conflict_spawn_mode": "poisson", "displaced_per_conflict_day": 40},
        events=[{"type": "close_link", "day": 4, "link": "L2"}],
    )
    whole = MigrationModel(scenario=data, ruleset="flee", seed=4)
    whole.run()
    first = MigrationModel(scenario=data, ruleset="flee", seed=4)
    first.run(3)
    first.checkpoint(tmp_path / "day3.npz")
    restored = MigrationModel.restore(tmp_path / "day3.npz")
    assert restored.ruleset_name == "flee"
    restored.run()
    assert (restored.recorder.node["people"] == whole.recorder.node["people"]).all()
    assert (restored.population.progress_km == whole.population.progress_km).all()

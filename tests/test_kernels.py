"""The movement kernels on tiny hand-made graphs with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from models.rng import day_key, uniforms
from models.state import IN_TRANSIT, ON_LINK, SETTLED
from simulator.model import MigrationModel
from tests.conftest import tiny_data


def _line(distances, kinds=None, speed=None):
    """A line O - A - B - ... - D with the given link lengths (km); one mover, no stocks."""
    n = len(distances) + 1
    names = ["O"] + [f"N{i}" for i in range(1, n - 1)] + ["D"]
    kinds = kinds or (["origin city"] + ["transit hub"] * (n - 2) + ["destination city"])
    nodes = [
        {
            "id": names[i],
            "name": names[i],
            "iso3": "AAA",
            "latitude": 0,
            "longitude": i,
            "kind": kinds[i],
            "attractiveness": 1.0 if i == n - 1 else 0,
        }
        for i in range(n)
    ]
    links = [{"id": f"L{i}", "from": names[i], "to": names[i + 1], "distance_km": d} for i, d in enumerate(distances)]
    if speed:
        for link in links:
            link["speed_km_per_day"] = speed
    data = {
        "name": "line",
        "start_date": "2024-01-01",
        "days": 10,
        "graph": {"nodes": nodes, "links": links},
        "departures": [{"origin": "O", "series": [{"day": 0, "persons_per_day": 1}, {"day": 1, "persons_per_day": 0}]}],
        "parameters": {"movement": {"leave_probability_transit_hub_per_day": 1.0}},
    }
    return data


def test_500_km_at_360_km_per_day_arrives_on_day_2():
    model = MigrationModel(scenario=_line([500], speed=360), days=3)
    model.step()  # day 1: 360 km done, on the link
    assert model.population.status[0] == ON_LINK
    assert model.population.progress_km[0] == pytest.approx(360)
    model.step()  # day 2: the remaining 140 km
    assert model.population.status[0] == SETTLED
    assert model.population.node[0] == model.graph.index("D")
    arrivals = model.recorder.node["arrivals"][:, model.graph.index("D")]
    assert list(arrivals[:2]) == [0, 1]


def test_several_short_links_in_one_day():
    model = MigrationModel(scenario=_line([100, 100, 100], speed=360), days=2)
    model.step()
    assert model.population.status[0] == SETTLED
    flows = model.recorder.link_flow[0]
    assert flows[[0, 2, 4]].tolist() == [1, 1, 1]  # each forward direction entered once


def test_reception_station_stops_travellers():
    data = _line([50, 50], kinds=["origin city", "reception station", "destination city"], speed=360)
    model = MigrationModel(scenario=data, days=2)
    model.step()
    assert model.population.status[0] == IN_TRANSIT
    assert model.population.node[0] == model.graph.index("N1")


def test_closed_node_is_never_entered():
    # Two routes from O to D: a short one through C and a long one through B.
    data = tiny_data()
    data["graph"]["nodes"].append(
        {"id": "B", "name": "Bypass", "iso3": "COL", "latitude": 6, "longitude": -70, "kind": "transit hub"}
    )
    data["graph"]["links"] += [
        {"id": "L4", "from": "O", "to": "B", "distance_km": 900},
        {"id": "L5", "from": "B", "to": "D", "distance_km": 900},
    ]
    data["events"] = [{"type": "close_node", "day": 0, "node": "H"}]
    data["initial_stocks"] = []
    model = MigrationModel(scenario=data, days=10)
    h = model.graph.index("H")
    for _ in range(10):
        model.step()
        assert model.recorder.node["people"][model.day - 1, h] == 0
        assert model.recorder.node["entries"][model.day - 1, h] == 0
    assert model.recorder.node["arrivals"][:, model.graph.index("D")].sum() > 0
    into_h = [k for k in range(model.graph.n_links) if model.graph.link_dst[k] == h]
    assert model.recorder.link_flow[:, into_h].sum() == 0


def test_traveller_turns_back_when_the_node_ahead_closes():
    data = _line([1000, 100], speed=360)
    data["events"] = [{"type": "close_node", "day": 2, "node": "N1"}]
    model = MigrationModel(scenario=data, days=4)
    model.run()
    assert model.population.status[0] == IN_TRANSIT
    assert model.population.node[0] == model.graph.index("O")
    assert model.recorder.node["entries"][:, model.graph.index("N1")].sum() == 0


def test_counter_rng_is_uniform_and_keyed():
    key = day_key(1, "leave", 0)
    u = uniforms(key, 0, 200_000, 0)
    assert 0 <= u.min() and u.max() < 1
    assert abs(u.mean() - 0.5) < 0.005
    counts, _ = np.histogram(u, bins=20, range=(0, 1))
    assert counts.min() > 9000 and counts.max() < 11000
    assert np.array_equal(u[100:200], uniforms(key, 100, 100, 0))  # a pure function of the agent
    assert not np.array_equal(u[:100], uniforms(day_key(1, "leave", 1), 0, 100, 0))
    assert not np.array_equal(u[:100], uniforms(day_key(2, "leave", 0), 0, 100, 0))
    assert not np.array_equal(u[:100], uniforms(day_key(1, "onward", 0), 0, 100, 0))


def test_draw_limit_matches_the_uniform_comparison():
    from models.movement import draw_limit

    rng = np.random.default_rng(3)  # test data only
    top_bits = np.concatenate([rng.integers(0, 2**53, 20000, dtype=np.uint64), np.arange(0, 50, dtype=np.uint64)])
    uniforms_ = top_bits.astype(np.float64) * (1.0 / 9007199254740992.0)
    for p in [0.0, 1e-300, 2.0e-5, 3.2e-4, 0.5, 1.0 - 2**-53, 1.0, 1.5, *rng.random(20), *(uniforms_[:20])]:
        limit = draw_limit(float(p))
        np.testing.assert_array_equal(top_bits < limit, uniforms_ < p)


def test_decide_looks_only_at_candidates_and_matches_a_full_scan():
    """Candidates are everyone in transit and the settled whose onward draw is below the limit, in agent order."""
    from models.movement import decide_candidates, draw_limit
    from models.rng import bits

    rng = np.random.default_rng(4)  # test data only
    status = rng.choice(np.array([SETTLED, IN_TRANSIT, ON_LINK, 10], dtype=np.uint8), 20000, p=[0.7, 0.1, 0.1, 0.1])
    key = day_key(9, "onward", 3)
    for p in (0.0, 0.01, 0.3):
        draws = np.array([bits(key, i, 0) for i in range(len(status))], dtype=np.uint64) >> np.uint64(11)
        expected = np.flatnonzero((status == IN_TRANSIT) | ((status == SETTLED) & (draws < draw_limit(p))))
        for chunks in (1, 7):
            np.testing.assert_array_equal(decide_candidates(status, key, draw_limit(p), chunks), expected)

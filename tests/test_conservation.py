"""Conservation: after every day, people at nodes + on links + in terminal states = people ever spawned."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.state import FIRST_TERMINAL, ON_LINK
from simulator.model import MigrationModel

KINDS = ["origin city", "border crossing", "transit hub", "destination city", "reception station"]


@st.composite
def scenarios(draw):
    n = draw(st.integers(3, 9))
    kinds = ["origin city"] + [draw(st.sampled_from(KINDS[1:])) for _ in range(n - 2)] + ["destination city"]
    nodes = [
        {
            "id": f"N{i}",
            "name": f"Place {i}",
            "iso3": draw(st.sampled_from(["AAA", "BBB"])),
            "latitude": 0,
            "longitude": i,
            "kind": kinds[i],
            "attractiveness": draw(st.sampled_from([0, 0.5, 2.0])),
        }
        for i in range(n)
    ]
    links = [{"id": f"L{i}", "from": f"N{i}", "to": f"N{i + 1}", "distance_km": draw(st.integers(5, 900))} for i in range(n - 1)]
    extra = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(5, 900)), max_size=5))
    for j, (a, b, d) in enumerate(extra):
        if a != b:
            links.append({"id": f"X{j}", "from": f"N{a}", "to": f"N{b}", "distance_km": d})
    days = draw(st.integers(1, 12))
    events = []
    if draw(st.booleans()):
        events.append({"type": "close_node", "day": draw(st.integers(0, days - 1)), "node": f"N{draw(st.integers(1, n - 1))}"})
    return {
        "name": "random",
        "start_date": "2024-01-01",
        "days": days,
        "seed": draw(st.integers(0, 2**32)),
        "graph": {"nodes": nodes, "links": links},
        "initial_stocks": [{"node_id": f"N{draw(st.integers(0, n - 1))}", "persons": draw(st.integers(0, 300))}],
        "departures": [{"origin": "N0", "persons_per_day": draw(st.floats(0, 60))}],
        "parameters": {
            "movement": {
                "onward_probability_per_day": draw(st.floats(0, 0.01)),
                "return_probability_per_day": draw(st.floats(0, 0.01)),
                "leave_probability_transit_hub_per_day": draw(st.floats(0, 1)),
            }
        },
        "events": events,
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(1, 5))
def test_every_agent_is_in_exactly_one_place_every_day(data, scale):
    model = MigrationModel(scenario=data, scale=scale)
    while model.running:
        model.step()
        pop = model.population
        day = model.day - 1
        at_nodes = model.recorder.node["people"][day].sum()
        on_links = model.recorder.link_people[day].sum()
        terminal = model.recorder.status[day][FIRST_TERMINAL:].sum()
        assert at_nodes + on_links + terminal == pop.size
        # The recorded census agrees with the agents' own state.
        assert on_links == np.count_nonzero(pop.status == ON_LINK)
        assert np.all(pop.link[pop.status == ON_LINK] >= 0)
        assert np.all((pop.node >= 0) & (pop.node < model.graph.n_nodes))
        # Spawned agents are exactly the departures owed so far.
        spawned = model.recorder.totals["spawned"][: day + 1].sum()
        initial = sum(p // scale for p in model.scenario.stocks.values())
        assert pop.size == initial + spawned

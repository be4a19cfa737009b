"""Synthetic scenarios for the benchmark: the default graph with N agents, and random route graphs of any size."""

from __future__ import annotations

import math

import numpy as np

from simulator.scenario import load_scenario


def default_with_agents(agents: int) -> dict:
    """The default scenario with its stocks rescaled so the run starts with about ``agents`` people."""
    scenario = load_scenario()
    data = scenario.to_dict()
    total = sum(scenario.stocks.values())
    data["initial_stocks"] = [{"node_id": node, "persons": int(round(p * agents / total))} for node, p in scenario.stocks.items()]
    return data


def random_graph(nodes: int, agents: int, days: int, seed: int = 1) -> dict:
    """A connected, planar-like route graph of ``nodes`` places over one country pair, with ``agents`` settled people.

    Places sit on a jittered grid; each links to its right and lower neighbours
    (km = grid distance x 100). One place in ten is a destination city, one in
    fifty an origin city; the rest are transit hubs. The grid's middle column is
    the border between two countries.
    """
    rng = np.random.default_rng(seed)
    side = max(2, math.ceil(math.sqrt(nodes)))
    kinds = rng.choice(["transit hub", "destination city", "origin city"], size=nodes, p=[0.88, 0.10, 0.02])
    kinds[0], kinds[-1] = "origin city", "destination city"
    node_rows, link_rows = [], []
    for k in range(nodes):
        row, col = divmod(k, side)
        node_rows.append(
            {
                "id": f"N{k}",
                "name": f"Place {k}",
                "iso3": "AAA" if col < side // 2 else "BBB",
                "latitude": float(row) * 0.5,
                "longitude": float(col) * 0.5,
                "kind": str(kinds[k]),
                "attractiveness": 1.0 if kinds[k] == "destination city" else 0.0,
            }
        )
        for other in (k + 1 if col + 1 < side else None, k + side):
            if other is not None and other < nodes:
                link_rows.append(
                    {"id": f"L{k}-{other}", "from": f"N{k}", "to": f"N{other}", "distance_km": float(rng.uniform(50, 150))}
                )
    destinations = [r["id"] for r in node_rows if r["kind"] == "destination city"]
    origins = [r["id"] for r in node_rows if r["kind"] == "origin city"]
    per = agents // len(destinations)
    return {
        "name": f"random{nodes}",
        "start_date": "2024-01-01",
        "days": days,
        "seed": seed,
        "graph": {"nodes": node_rows, "links": link_rows},
        "initial_stocks": [{"node_id": d, "persons": per} for d in destinations],
        "departures": [{"origin": o, "persons_per_day": 2000.0 / len(origins)} for o in origins],
    }

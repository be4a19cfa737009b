"""The queue step of the move phase: admission at crossings with a daily capacity, and giving up."""

from __future__ import annotations

import numpy as np

from models.crossings import N_TALLY, T_ADMITTED, T_REGULAR
from models.queues import give_up, waiting_list
from models.rng import day_key
from models.state import ON_LINK


class QueueStep:
    """Admits queuing people up to each crossing's daily capacity, oldest first; the rest may give up."""

    def __init__(self, crossings, scale: int):
        self.crossings = crossings
        self.scale = scale
        self.carry = np.zeros(len(crossings.link_ids))  # fraction of an agent's place left from yesterday

    def run(self, model, day: int):
        """Returns (node departures, link flows, crossing tallies) this step added."""
        g, x = model.graph, self.crossings
        pop = model.population
        node_add = np.zeros(g.n_nodes, dtype=np.int64)
        link_add = np.zeros(g.n_links, dtype=np.int64)
        tally = np.zeros((max(len(x.link_ids), 1), N_TALLY), dtype=np.int64)
        if not x.queued.any():
            return node_add, link_add, tally
        agents, links, since, ties = waiting_list(
            pop.status, pop.link, pop.since_day, day_key(model.seed_value, "queue", day), model.n_chunks
        )
        # Places today, in agents: capacity / scale, with the fraction carried to tomorrow.
        places_exact = self.carry + np.where(x.capacity_persons_per_day >= 0, x.capacity_persons_per_day, 0) / self.scale
        places = np.floor(places_exact).astype(np.int64)
        self.carry = places_exact - places
        if len(agents) == 0:
            return node_add, link_add, tally
        crossing_of = x.link_crossing[links]
        # Longest waiting first; ties by the counter-based draw, then by agent index.
        order = np.lexsort((agents, ties, since, crossing_of))
        agents, links, crossing_of = agents[order], links[order], crossing_of[order]
        first = np.searchsorted(crossing_of, np.arange(len(x.link_ids)), side="left")
        rank = np.arange(len(agents)) - first[crossing_of]
        open_today = x.regular_open_by_group(len(model.scenario.groups))[crossing_of, pop.group[agents]] != 0
        admitted = open_today & (rank < places[crossing_of])
        chosen, chosen_links = agents[admitted], links[admitted]
        pop.status[chosen] = ON_LINK
        pop.progress_km[chosen] = 0.0
        np.add.at(link_add, chosen_links, 1)
        np.add.at(node_add, g.link_src[chosen_links], 1)
        np.add.at(tally[:, T_ADMITTED], crossing_of[admitted], 1)
        np.add.at(tally[:, T_REGULAR], crossing_of[admitted], 1)
        rest, rest_crossing, rest_links = agents[~admitted], crossing_of[~admitted], links[~admitted]
        params = model.params["crossings"]
        info = model.params["information"]
        before = pop.status[rest].copy()
        give_up(
            rest,
            rest_crossing,
            np.uint16(day),
            pop.status,
            pop.node,
            pop.link,
            pop.destination,
            pop.origin,
            pop.flags,
            pop.since_day,
            pop.knowledge,
            pop.info_day,
            pop.risk_base,
            model.information.fade_pow,
            x.irregular_open,
            x.risks,
            np.array(
                [
                    params.queue_patience_days,
                    params.give_up_irregular_probability_per_day,
                    params.give_up_stay_probability_per_day,
                    params.give_up_return_probability_per_day,
                    params.risk_deterrence,
                    info.risk_knowledge_weight,
                    params.trafficking_avoidance,
                ]
            ),
            day_key(model.seed_value, "queue", day),
            tally,
        )
        went = (before != ON_LINK) & (pop.status[rest] == ON_LINK)
        np.add.at(link_add, rest_links[went], 1)
        np.add.at(node_add, g.link_src[rest_links[went]], 1)
        return node_add, link_add, tally

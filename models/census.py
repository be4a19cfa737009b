"""The end-of-day census: where everybody is, and what people at each place know.

One pass over all agents gives the counts the recorder stores and the shares
that word of mouth uses the next day.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from models import state
from models.information import INFORMED, TOPIC_RISK, knowledge_now, risk_perception


@njit(cache=True, parallel=True)
def census(
    status, node, link, origin, flags, knowledge, info_day, risk_base, today, fade_pow, risk_weight, n_nodes, n_links, n_chunks
):
    """Counts at the end of a day.

    Returns, with T topics:
    ``at_node`` (nodes,), ``on_link`` (links,), ``by_status`` (256,);
    ``node_knowledge`` (nodes, T, 2): people at each node who know / are
    misinformed on each topic; ``node_risk_sum`` (nodes,): sum of their risk
    perceptions in whole points; ``community_knowledge`` (nodes, T, 2) and
    ``community_members`` (nodes,): the same over everybody still in the
    system, by community of origin.
    """
    n = status.shape[0]
    topics = knowledge.shape[1]
    at_node = np.zeros((n_chunks, n_nodes), dtype=np.int64)
    on_link = np.zeros((n_chunks, n_links), dtype=np.int64)
    by_status = np.zeros((n_chunks, 256), dtype=np.int64)
    node_knowledge = np.zeros((n_chunks, n_nodes, topics, 2), dtype=np.int64)
    node_risk = np.zeros((n_chunks, n_nodes), dtype=np.int64)
    community = np.zeros((n_chunks, n_nodes, topics, 2), dtype=np.int64)
    members = np.zeros((n_chunks, n_nodes), dtype=np.int64)
    for c in prange(n_chunks):
        for i in range(c * n // n_chunks, (c + 1) * n // n_chunks):
            s = status[i]
            by_status[c, s] += 1
            if s >= state.FIRST_TERMINAL:
                continue
            home = origin[i]
            if home >= 0:
                members[c, home] += 1
            here = -1
            if s == state.ON_LINK:
                on_link[c, link[i]] += 1
            else:
                here = node[i]
                at_node[c, here] += 1
            if knowledge[i, 0] == 0 and knowledge[i, 1] == 0 and knowledge[i, 2] == 0 and knowledge[i, 3] == 0:
                if here >= 0:
                    node_risk[c, here] += np.int64(np.round(risk_perception(risk_base[i], 0.0, risk_weight)))
                continue
            for t in range(topics):
                k = knowledge_now(knowledge[i, t], info_day[i], today, fade_pow)
                if k >= INFORMED:
                    if here >= 0:
                        node_knowledge[c, here, t, 0] += 1
                    if home >= 0:
                        community[c, home, t, 0] += 1
                elif k <= -INFORMED:
                    if here >= 0:
                        node_knowledge[c, here, t, 1] += 1
                    if home >= 0:
                        community[c, home, t, 1] += 1
                if t == TOPIC_RISK and here >= 0:
                    # Whole points, so the sum is exact whatever the chunking.
                    node_risk[c, here] += np.int64(np.round(risk_perception(risk_base[i], k, risk_weight)))
    return (
        at_node.sum(axis=0),
        on_link.sum(axis=0),
        by_status.sum(axis=0),
        node_knowledge.sum(axis=0),
        node_risk.sum(axis=0),
        community.sum(axis=0),
        members.sum(axis=0),
    )

"""The end-of-day census: where everybody is, and what people at each place know.

One pass over all agents gives the counts the recorder stores and the shares
that word of mouth uses the next day.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from models import state
from models.information import INFORMED, TOPIC_RISK, risk_perception


def threshold_gaps(fade_pow):
    """Largest fading gap (days) at which each stored knowledge value still counts as known / misinformed.

    Index ``value + 128`` for values -128..127; -1 where it never counts.  With
    these, the census classifies knowledge with integer comparisons only.
    """
    values = np.arange(-128, 128, dtype=np.float64)
    gaps = np.arange(fade_pow.shape[0])
    known = (values[:, None] * fade_pow[None, :]) >= INFORMED
    wrong = (values[:, None] * fade_pow[None, :]) <= -INFORMED
    # fade_pow decreases, so the set of gaps that still count is a prefix.
    known_gap = np.where(known.any(axis=1), np.where(known, gaps[None, :], -1).max(axis=1), -1).astype(np.int64)
    wrong_gap = np.where(wrong.any(axis=1), np.where(wrong, gaps[None, :], -1).max(axis=1), -1).astype(np.int64)
    return known_gap, wrong_gap


@njit(cache=True, parallel=True)
def census(
    status,
    node,
    link,
    origin,
    flags,
    since_day,
    knowledge,
    info_day,
    risk_base,
    today,
    fade_pow,
    known_gap,
    wrong_gap,
    with_communities,
    risk_weight,
    n_nodes,
    n_links,
    n_chunks,
):
    """Counts at the end of a day.

    Returns, with T topics:
    ``at_node`` (nodes,), ``on_link`` (links,), ``by_status`` (256,);
    ``node_knowledge`` (nodes, T, 2): people at each node who know / are
    misinformed on each topic; ``node_risk_sum`` (nodes,): sum of their risk
    perceptions in whole points; ``community_knowledge`` (nodes, T, 2) and
    ``community_members`` (nodes,): the same over everybody still in the
    system, by community of origin; ``transit_at_node`` (nodes,): people in
    transit or waiting at each node (who need shelter); ``waiting``,
    ``waited_days`` and ``longest_wait`` (links,): people queuing for each
    directed crossing link, their summed and longest waits in days;
    ``knows_routes`` (nodes,): people at each node who know of the latest
    closures.
    ``known_gap`` and ``wrong_gap`` come from :func:`threshold_gaps`.  With
    ``with_communities`` false the community counts are left at zero (they
    cost as much as the node counts and change slowly).
    """
    n = status.shape[0]
    topics = knowledge.shape[1]
    width = 2 * topics
    at_node = np.zeros((n_chunks, n_nodes), dtype=np.int64)
    on_link = np.zeros((n_chunks, n_links), dtype=np.int64)
    by_status = np.zeros((n_chunks, 256), dtype=np.int64)
    node_knowledge = np.zeros((n_chunks, n_nodes * width), dtype=np.int64)
    node_risk = np.zeros((n_chunks, n_nodes), dtype=np.int64)
    community = np.zeros((n_chunks, n_nodes * width), dtype=np.int64)
    members = np.zeros((n_chunks, n_nodes), dtype=np.int64)
    transit = np.zeros((n_chunks, n_nodes), dtype=np.int64)
    knows_routes = np.zeros((n_chunks, n_nodes), dtype=np.int64)
    waiting = np.zeros((n_chunks, n_links), dtype=np.int64)
    waited_days = np.zeros((n_chunks, n_links), dtype=np.int64)
    longest_wait = np.zeros((n_chunks, n_links), dtype=np.int64)
    last = np.int64(fade_pow.shape[0] - 1)
    # Branch-free tallies: which topics an agent knows is unpredictable, and mispredicted
    # branches would cost more than the arithmetic.
    for c in prange(n_chunks):
        node_row = node_knowledge[c]
        community_row = community[c]
        for i in range(c * n // n_chunks, (c + 1) * n // n_chunks):
            s = status[i]
            by_status[c, s] += 1
            if s >= state.FIRST_TERMINAL:
                continue
            home = max(origin[i], 0)
            has_home = np.int64(origin[i] >= 0 and with_communities)
            members[c, home] += has_home
            travelling = s == state.ON_LINK
            if travelling:
                on_link[c, link[i]] += 1
            elif s == state.WAITING:
                waited = np.int64(today) - np.int64(since_day[i])
                waiting[c, link[i]] += 1
                waited_days[c, link[i]] += waited
                longest_wait[c, link[i]] = max(longest_wait[c, link[i]], waited)
            here = node[i]
            transit[c, here] += np.int64(s == state.IN_TRANSIT or s == state.WAITING)
            present = np.int64(not travelling)
            at_node[c, here] += present
            knows_routes[c, here] += present * np.int64((flags[i] & state.FLAG_KNOWS_ROUTES) != 0)
            gap = np.int64(today) - np.int64(info_day[i])
            gap = min(max(gap, np.int64(0)), last)
            base_here = here * width
            base_home = home * width
            for t in range(topics):
                k = np.int64(knowledge[i, t]) + 128
                node_row[base_here + 2 * t] += present * np.int64(gap <= known_gap[k])
                node_row[base_here + 2 * t + 1] += present * np.int64(gap <= wrong_gap[k])
            if has_home:
                for t in range(topics):
                    k = np.int64(knowledge[i, t]) + 128
                    community_row[base_home + 2 * t] += np.int64(gap <= known_gap[k])
                    community_row[base_home + 2 * t + 1] += np.int64(gap <= wrong_gap[k])
            # Whole points, so the sum is exact whatever the chunking.
            k_risk = knowledge[i, TOPIC_RISK] * fade_pow[gap]
            node_risk[c, here] += present * np.int64(np.round(risk_perception(risk_base[i], k_risk, risk_weight)))
    return (
        at_node.sum(axis=0),
        on_link.sum(axis=0),
        by_status.sum(axis=0),
        node_knowledge.sum(axis=0).reshape(n_nodes, topics, 2),
        node_risk.sum(axis=0),
        community.sum(axis=0).reshape(n_nodes, topics, 2),
        members.sum(axis=0),
        transit.sum(axis=0),
        waiting.sum(axis=0),
        waited_days.sum(axis=0),
        _column_max(longest_wait),
        knows_routes.sum(axis=0),
    )


@njit(cache=True)
def _column_max(table):
    out = np.zeros(table.shape[1], dtype=table.dtype)
    for r in range(table.shape[0]):
        for k in range(table.shape[1]):
            out[k] = max(out[k], table[r, k])
    return out

"""The end-of-day census: where everybody is, and what people at each place know.

One pass over all agents gives the counts the recorder stores and the shares
that word of mouth uses the next day.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from models import state
from models.information import INFORMED, TOPIC_RISK, risk_perception
from models.state import TOPICS


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


#: Knowledge is counted per pair of topics: 2 bits per topic (1 = knows, 2 = misinformed), 16 cells per pair.
PAIR_CELLS = 16
#: Present agents are counted per node by (in transit or waiting, knows the latest closures, first pair's cell).
PLACE_CELLS = 4 * PAIR_CELLS
TOPIC_PAIRS = 2
if len(TOPICS) != 2 * TOPIC_PAIRS:  # pragma: no cover - a guard for whoever adds a topic
    raise ImportError("models.census counts knowledge in two pairs of topics; extend it for a new topic")


@njit(cache=True, inline="always")
def _topic_class(value):
    """1 if a faded knowledge value counts as known, 2 if as misinformed, else 0."""
    return np.int64(value >= INFORMED) | (np.int64(value <= -INFORMED) << 1)


@njit(cache=True, inline="always")
def _pair_cell(knowledge, i, p, fade):
    """The cell of agent i's topics 2p and 2p + 1 (classes in bits 0-1 and 2-3)."""
    return _topic_class(knowledge[i, 2 * p] * fade) | (_topic_class(knowledge[i, 2 * p + 1] * fade) << 2)


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
    A topic counts as known when its faded value (``knowledge x fade_pow[gap]``)
    is at least ``INFORMED``, as misinformed when at most ``-INFORMED``;
    ``known_gap`` and ``wrong_gap`` (from :func:`threshold_gaps`) are the same
    rule as gaps and are kept for callers.  With ``with_communities`` false
    the community counts are left at zero (they change slowly).

    One pass; each agent adds to a few per-chunk cells (its place, the classes
    of its four topics in two pairs, its risk), which are expanded into the
    counts at the end, so the pass costs a handful of increments per agent.
    """
    n = status.shape[0]
    topics = knowledge.shape[1]
    by_status = np.zeros((n_chunks, 256), dtype=np.int64)
    place = np.zeros((n_chunks, n_nodes * PLACE_CELLS), dtype=np.int64)
    second_pair = np.zeros((n_chunks, n_nodes * PAIR_CELLS), dtype=np.int64)
    node_risk = np.zeros((n_chunks, n_nodes), dtype=np.int64)
    community_nodes = n_nodes if with_communities else 1
    community_first = np.zeros((n_chunks, community_nodes * PAIR_CELLS), dtype=np.int64)
    community_second = np.zeros((n_chunks, community_nodes * PAIR_CELLS), dtype=np.int64)
    on_link = np.zeros((n_chunks, n_links), dtype=np.int64)
    waiting = np.zeros((n_chunks, n_links), dtype=np.int64)
    waited_days = np.zeros((n_chunks, n_links), dtype=np.int64)
    longest_wait = np.zeros((n_chunks, n_links), dtype=np.int64)
    last = np.int64(fade_pow.shape[0] - 1)
    day = np.int64(today)
    for c in prange(n_chunks):
        statuses = by_status[c]
        places = place[c]
        seconds = second_pair[c]
        risks = node_risk[c]
        home_first = community_first[c]
        home_second = community_second[c]
        for i in range(c * n // n_chunks, (c + 1) * n // n_chunks):
            s = status[i]
            statuses[s] += 1
            if s >= state.FIRST_TERMINAL:
                continue
            gap = min(max(day - np.int64(info_day[i]), np.int64(0)), last)
            fade = fade_pow[gap]
            cell_a = _pair_cell(knowledge, i, 0, fade)
            cell_b = _pair_cell(knowledge, i, 1, fade)
            if s == state.ON_LINK:
                on_link[c, link[i]] += 1
            else:
                if s == state.WAITING:
                    waited = day - np.int64(since_day[i])
                    waiting[c, link[i]] += 1
                    waited_days[c, link[i]] += waited
                    longest_wait[c, link[i]] = max(longest_wait[c, link[i]], waited)
                here = np.int64(node[i])
                transit = np.int64(s == state.IN_TRANSIT or s == state.WAITING)
                knows = np.int64((flags[i] & state.FLAG_KNOWS_ROUTES) != 0)
                places[here * PLACE_CELLS + (2 * transit + knows) * PAIR_CELLS + cell_a] += 1
                seconds[here * PAIR_CELLS + cell_b] += 1
                # Whole points, so the sum is exact whatever the chunking.
                perception = risk_perception(risk_base[i], knowledge[i, TOPIC_RISK] * fade, risk_weight)
                risks[here] += np.int64(np.round(perception))
            if with_communities and origin[i] >= 0:
                home = np.int64(origin[i])
                home_first[home * PAIR_CELLS + cell_a] += 1
                home_second[home * PAIR_CELLS + cell_b] += 1
    # (nodes, transit, knows routes, cell of the first pair)
    places = place.sum(axis=0).reshape(n_nodes, 4, PAIR_CELLS)
    first = places.sum(axis=1)
    places = places.sum(axis=2)
    node_knowledge, _ = _expand_pairs(first, second_pair.sum(axis=0).reshape(n_nodes, PAIR_CELLS), topics)
    community = np.zeros((n_nodes, topics, 2), dtype=np.int64)
    members = np.zeros(n_nodes, dtype=np.int64)
    if with_communities:
        community, members = _expand_pairs(
            community_first.sum(axis=0).reshape(n_nodes, PAIR_CELLS),
            community_second.sum(axis=0).reshape(n_nodes, PAIR_CELLS),
            topics,
        )
    return (
        places.sum(axis=1),
        on_link.sum(axis=0),
        by_status.sum(axis=0),
        node_knowledge,
        node_risk.sum(axis=0),
        community,
        members,
        places[:, 2] + places[:, 3],
        waiting.sum(axis=0),
        waited_days.sum(axis=0),
        _column_max(longest_wait),
        places[:, 1] + places[:, 3],
    )


@njit(cache=True)
def _expand_pairs(first, second, topics):
    """(nodes, topics, 2) counts of knowing / misinformed, and people per node, from the two pairs' cells."""
    n_nodes = first.shape[0]
    out = np.zeros((n_nodes, topics, 2), dtype=np.int64)
    people = np.zeros(n_nodes, dtype=np.int64)
    for n in range(n_nodes):
        for cell in range(PAIR_CELLS):
            people[n] += first[n, cell]
            for half in range(2):
                for p, cells in enumerate((first, second)):
                    topic_class = (cell >> (2 * half)) & 3
                    if topic_class != 0:
                        out[n, 2 * p + half, topic_class - 1] += cells[n, cell]
    return out, people


@njit(cache=True)
def _column_max(table):
    out = np.zeros(table.shape[1], dtype=table.dtype)
    for r in range(table.shape[0]):
        for k in range(table.shape[1]):
            out[k] = max(out[k], table[r, k])
    return out

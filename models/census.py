"""The end-of-day census: where everybody is, and what people at each place know.

One pass over all agents gives the counts the recorder stores and the shares
that word of mouth uses the next day.
"""

from __future__ import annotations

import sys

import numpy as np
from numba import njit, prange

from models import state
from models.information import INFORMED, TOPIC_RISK
from models.state import TOPICS

#: Knowledge is counted per pair of topics: 2 bits per topic (1 = knows, 2 = misinformed), 16 cells per pair.
PAIR_CELLS = 16
#: Present agents are counted per node by (in transit or waiting, knows the latest closures, first pair's cell).
PLACE_CELLS = 4 * PAIR_CELLS
#: Agents classified together: their classes and risks are computed in loops the compiler vectorises.
CENSUS_BLOCK = 1024
if len(TOPICS) != 4:  # pragma: no cover - a guard for whoever adds a topic
    raise ImportError("models.census reads an agent's four knowledge bytes as one word; extend it for a new topic")
#: Bit offset of topic t's byte in an agent's knowledge row read as one 32-bit word.
_SHIFT = tuple(8 * t if sys.byteorder == "little" else 8 * (3 - t) for t in range(4))


def knowledge_thresholds(fade_pow):
    """Per fading gap (days), the lowest stored knowledge value that still counts as known and the highest that
    still counts as misinformed (int16; 128 and -129 where none does).

    A value v counts as known after a gap g when ``v x fade_pow[g] >= INFORMED``, as
    misinformed when ``<= -INFORMED``; both are monotone in v, so one threshold
    per gap decides it with integer comparisons.
    """
    values = np.arange(-128, 128, dtype=np.float64)
    faded = values[None, :] * fade_pow[:, None]
    known = faded >= INFORMED
    wrong = faded <= -INFORMED
    known_from = np.where(known.any(axis=1), np.argmax(known, axis=1) - 128, 128).astype(np.int16)
    wrong_to = np.where(wrong.any(axis=1), 127 - np.argmax(wrong[:, ::-1], axis=1), -129).astype(np.int16)
    return known_from, wrong_to


@njit(cache=True, inline="always")
def _byte(word, t):
    return np.int16(np.int8((word >> np.uint32(_SHIFT[t])) & np.uint32(0xFF)))


@njit(cache=True, inline="always")
def _topic_class(value, known_from, wrong_to):
    """1 if a stored knowledge value counts as known at its gap, 2 if as misinformed, else 0."""
    return np.uint8(value >= known_from) | (np.uint8(value <= wrong_to) << np.uint8(1))


@njit(cache=True)
def _census_block(
    status, node, link, origin, flags, since_day, words, info_day, risk_base, day, fade_pow, known_from, wrong_to,
    with_communities, risk_weight, statuses, places, seconds, risks, home_first, home_second, on_link, waiting,
    waited_days, longest_wait, fade, known, wrong, first_cell, second_cell, risk,
):  # fmt: skip
    """Add one block of agents (views of the agent arrays) to the tallies; the last six arrays are scratch."""
    m = status.shape[0]
    last = np.int64(fade_pow.shape[0] - 1)
    # Fading since each agent's last update: table look-ups.
    for j in range(m):
        gap = min(max(day - np.int64(info_day[j]), np.int64(0)), last)
        fade[j] = fade_pow[gap]
        known[j] = known_from[gap]
        wrong[j] = wrong_to[gap]
    # Classes of the four topics: integer comparisons, several agents at a time.
    for j in range(m):
        word = words[j]
        s = status[j]
        # Place cell: (in transit or waiting, knows the latest closures, first pair's cell).
        transit = np.uint8(s == state.IN_TRANSIT) | np.uint8(s == state.WAITING)
        knows = np.uint8((flags[j] & state.FLAG_KNOWS_ROUTES) != 0)
        first_cell[j] = (
            _topic_class(_byte(word, 0), known[j], wrong[j])
            | (_topic_class(_byte(word, 1), known[j], wrong[j]) << np.uint8(2))
            | (((transit << np.uint8(1)) | knows) << np.uint8(4))
        )
        second_cell[j] = _topic_class(_byte(word, 2), known[j], wrong[j]) | (
            _topic_class(_byte(word, 3), known[j], wrong[j]) << np.uint8(2)
        )
    # Risk perception in whole points, so the sum is exact whatever the chunking.
    for j in range(m):
        r = risk_base[j] + risk_weight * (np.float64(_byte(words[j], TOPIC_RISK)) * fade[j]) / 100.0
        risk[j] = np.int64(np.round(min(max(r, 0.0), 100.0)))
    settled = 0  # most agents: counted in a register rather than in memory
    for j in range(m):
        s = status[j]
        if s == state.SETTLED:
            settled += 1
        else:
            statuses[s] += 1
        if s >= state.FIRST_TERMINAL:
            continue
        if s == state.ON_LINK:
            on_link[link[j]] += 1
        else:
            if s == state.WAITING:
                waited = day - np.int64(since_day[j])
                waiting[link[j]] += 1
                waited_days[link[j]] += waited
                longest_wait[link[j]] = max(longest_wait[link[j]], waited)
            here = np.int64(node[j])
            places[here * PLACE_CELLS + first_cell[j]] += 1
            seconds[here * PAIR_CELLS + second_cell[j]] += 1
            risks[here] += risk[j]
        if with_communities and origin[j] >= 0:
            home = np.int64(origin[j])
            home_first[home * PAIR_CELLS + (first_cell[j] & np.uint8(PAIR_CELLS - 1))] += 1
            home_second[home * PAIR_CELLS + second_cell[j]] += 1
    statuses[state.SETTLED] += settled


@njit(cache=True)
def _census_chunk(
    start, stop, status, node, link, origin, flags, since_day, words, info_day, risk_base, day, fade_pow, known_from,
    wrong_to, with_communities, risk_weight, statuses, places, seconds, risks, home_first, home_second, on_link, waiting,
    waited_days, longest_wait,
):  # fmt: skip
    fade = np.empty(CENSUS_BLOCK, dtype=np.float64)
    known = np.empty(CENSUS_BLOCK, dtype=np.int16)
    wrong = np.empty(CENSUS_BLOCK, dtype=np.int16)
    first_cell = np.empty(CENSUS_BLOCK, dtype=np.uint8)
    second_cell = np.empty(CENSUS_BLOCK, dtype=np.uint8)
    risk = np.empty(CENSUS_BLOCK, dtype=np.int64)
    for first in range(start, stop, CENSUS_BLOCK):
        end = min(first + CENSUS_BLOCK, stop)
        # Views indexed by their own counter: the compiler knows the index is not negative and vectorises.
        _census_block(
            status[first:end], node[first:end], link[first:end], origin[first:end], flags[first:end],
            since_day[first:end], words[first:end], info_day[first:end], risk_base[first:end], day, fade_pow,
            known_from, wrong_to, with_communities, risk_weight, statuses, places, seconds, risks, home_first,
            home_second, on_link, waiting, waited_days, longest_wait, fade, known, wrong, first_cell, second_cell, risk,
        )  # fmt: skip


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
    known_from,
    wrong_to,
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
    ``known_from`` and ``wrong_to`` (from :func:`knowledge_thresholds`) say it
    per gap.  With ``with_communities`` false the community counts are left at
    zero (they change slowly).

    Each agent adds to a few per-chunk cells (its place with the classes of
    its first two topics, the classes of the other two, its risk), which are
    expanded into the counts at the end.
    """
    n = status.shape[0]
    topics = knowledge.shape[1]
    words = knowledge.reshape(n * topics).view(np.uint32)
    by_status = np.zeros((n_chunks, 256), dtype=np.int64)
    # Cells count agents of one chunk (int32: a chunk holds fewer than 2**31 agents); their size grows with the graph.
    place = np.zeros((n_chunks, n_nodes * PLACE_CELLS), dtype=np.int32)
    second_pair = np.zeros((n_chunks, n_nodes * PAIR_CELLS), dtype=np.int32)
    node_risk = np.zeros((n_chunks, n_nodes), dtype=np.int64)
    community_nodes = n_nodes if with_communities else 1
    community_first = np.zeros((n_chunks, community_nodes * PAIR_CELLS), dtype=np.int32)
    community_second = np.zeros((n_chunks, community_nodes * PAIR_CELLS), dtype=np.int32)
    on_link = np.zeros((n_chunks, n_links), dtype=np.int64)
    waiting = np.zeros((n_chunks, n_links), dtype=np.int64)
    waited_days = np.zeros((n_chunks, n_links), dtype=np.int64)
    longest_wait = np.zeros((n_chunks, n_links), dtype=np.int64)
    for c in prange(n_chunks):
        _census_chunk(
            c * n // n_chunks, (c + 1) * n // n_chunks, status, node, link, origin, flags, since_day, words, info_day,
            risk_base, np.int64(today), fade_pow, known_from, wrong_to, with_communities, risk_weight, by_status[c],
            place[c], second_pair[c], node_risk[c], community_first[c], community_second[c], on_link[c], waiting[c],
            waited_days[c], longest_wait[c],
        )  # fmt: skip
    # (nodes, transit, knows routes, cell of the first pair)
    places = _sum_rows(place).reshape(n_nodes, 4, PAIR_CELLS)
    first = places.sum(axis=1)
    places = places.sum(axis=2)
    node_knowledge, _ = _expand_pairs(first, _sum_rows(second_pair).reshape(n_nodes, PAIR_CELLS), topics)
    community = np.zeros((n_nodes, topics, 2), dtype=np.int64)
    members = np.zeros(n_nodes, dtype=np.int64)
    if with_communities:
        community, members = _expand_pairs(
            _sum_rows(community_first).reshape(n_nodes, PAIR_CELLS),
            _sum_rows(community_second).reshape(n_nodes, PAIR_CELLS),
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
def _sum_rows(table):
    """Column sums of per-chunk counts, in int64."""
    out = np.zeros(table.shape[1], dtype=np.int64)
    for r in range(table.shape[0]):
        for k in range(table.shape[1]):
            out[k] += table[r, k]
    return out


@njit(cache=True)
def _column_max(table):
    out = np.zeros(table.shape[1], dtype=table.dtype)
    for r in range(table.shape[0]):
        for k in range(table.shape[1]):
            out[k] = max(out[k], table[r, k])
    return out

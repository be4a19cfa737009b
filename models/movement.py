"""The default ruleset: leaving, choosing a destination, and travelling.

Each day, in the order the engine calls them:

* :func:`decide` — an agent at a node decides whether to leave today.  In
  transit, it leaves with the node kind's daily probability.  Settled, it moves
  on with a small daily probability (onward movement from host countries, which
  carried most of the 2023-24 northbound flow through the Darién) or goes home
  with a smaller one.  Whoever moves on picks a destination by a discrete choice
  (multinomial logit) over the destinations reachable from its node, whose
  utility rises with the destination's attractiveness and with the stock of
  compatriots already there (family reunification and work are the main reasons
  given in DTM surveys) and falls with route distance.
* :func:`travel` — departing agents step onto the first link of their shortest
  route; travellers advance at the link's speed, possibly over several links in
  a day, stop at reception stations, and settle when they reach their
  destination.  Links into a closed node are not in the route tables; someone
  already on such a link turns back at the closed node.
* :func:`count_places` — the end-of-day census of agents per node and link.

Kernels work on whole arrays; per-node tallies are kept per chunk of agents and
summed afterwards, so results are exact integers whatever the thread count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from models import state
from models.crossings import (
    BLOCKED,
    CROSSED_IRREGULAR,
    N_TALLY,
    T_BLOCKED,
    T_DEATH,
    T_DOCUMENTS,
    T_IRREGULAR,
    T_QUEUED,
    T_REGULAR,
    crossing_decision,
    incident,
)
from models.information import TOPIC_ALTERNATIVES, TOPIC_REGULAR, TOPIC_RISK, TOPIC_SERVICES, knowledge_now
from models.params import parameter
from models.rng import bits, uniform


@dataclass(frozen=True)
class MovementParams:
    """Parameters of the default ruleset (scenario key ``parameters.movement``)."""

    leave_probability_origin_city_per_day: float = parameter(
        1.0,
        "1/day",
        "Chance that a person in transit at an origin city leaves that day (new departures leave at once).",
        0.0,
        1.0,
    )
    leave_probability_transit_hub_per_day: float = parameter(
        0.5, "1/day", "Chance that a person in transit at a transit hub leaves that day (mean stop 2 days).", 0.0, 1.0
    )
    leave_probability_border_crossing_per_day: float = parameter(
        1.0, "1/day", "Chance that a person in transit at a border crossing leaves that day.", 0.0, 1.0
    )
    leave_probability_reception_station_per_day: float = parameter(
        0.5, "1/day", "Chance that a person at a reception station leaves that day (stations hold people 1-3 days).", 0.0, 1.0
    )
    leave_probability_destination_city_per_day: float = parameter(
        0.5, "1/day", "Chance that a person passing through a city that is not its destination leaves that day.", 0.0, 1.0
    )
    onward_probability_per_day: float = parameter(
        1.5e-4,
        "1/day",
        "Chance that a settled person moves on to another destination (secondary movement).",
        0.0,
        0.01,
        "Hand-set so that northbound onward movement is of the order of the 2024 Darién flow (SNM: 302,203 in 2024); "
        "to be calibrated.",
    )
    return_probability_per_day: float = parameter(
        2.0e-5, "1/day", "Chance that a settled person heads back to its origin city.", 0.0, 0.01, "Hand-set; to be calibrated."
    )
    attractiveness_weight: float = parameter(
        1.0, "utility per ln(attractiveness)", "Weight of a destination's attractiveness (nodes.csv) in the choice.", 0.0, 10.0
    )
    stock_weight: float = parameter(
        0.3,
        "utility per ln(1 + persons/1000)",
        "Weight of the stock of compatriots at a destination (family reunification, networks, work).",
        0.0,
        5.0,
    )
    distance_scale_km: float = parameter(
        1500.0, "km", "Route distance that lowers a destination's utility by one unit.", 1.0, 100000.0
    )
    speed_road_km_per_day: float = parameter(
        360.0, "km/day", "Travel speed on road links without their own speed (buses, hitch-hiking, walking mixed).", 1.0, 2000.0
    )
    speed_bus_km_per_day: float = parameter(500.0, "km/day", "Travel speed on organised bus links.", 1.0, 2000.0)
    regular_status_onward_reduction: float = parameter(
        0.7,
        "share",
        "Share by which holding regular status where one lives cuts onward movement.",
        0.0,
        1.0,
        "Assumption: regularised Venezuelans (4.5 million in LAC by 2024, IOM) stay; to be calibrated.",
    )
    speed_boat_km_per_day: float = parameter(150.0, "km/day", "Travel speed on boat links.", 1.0, 2000.0)
    speed_foot_km_per_day: float = parameter(25.0, "km/day", "Walking speed on foot trails.", 1.0, 200.0)

    def leave_probability_by_kind(self) -> np.ndarray:
        """Daily leave probability per node kind code (index = kind code)."""
        by_kind = np.zeros(max(state.NODE_KINDS.values()) + 1)
        by_kind[state.ORIGIN_CITY] = self.leave_probability_origin_city_per_day
        by_kind[state.TRANSIT_HUB] = self.leave_probability_transit_hub_per_day
        by_kind[state.BORDER_CROSSING] = self.leave_probability_border_crossing_per_day
        by_kind[state.RECEPTION_STATION] = self.leave_probability_reception_station_per_day
        by_kind[state.DESTINATION_CITY] = self.leave_probability_destination_city_per_day
        return by_kind

    def speed_by_mode(self) -> dict[str, float]:
        """Default speed in km/day per link mode."""
        return {
            "road": self.speed_road_km_per_day,
            "bus": self.speed_bus_km_per_day,
            "boat": self.speed_boat_km_per_day,
            "foot": self.speed_foot_km_per_day,
        }


def destination_choice_cdf(
    attractiveness: np.ndarray,
    stock_persons: np.ndarray,
    distance_km: np.ndarray,
    params: MovementParams,
) -> np.ndarray:
    """Cumulative choice probabilities per (node, destination).

    ``attractiveness`` and ``stock_persons`` are per destination (length D),
    ``distance_km`` is (nodes, D) with ``inf`` where unreachable or where the
    destination is the node itself.  Returns a (nodes, D) float64 array whose
    rows are cumulative probabilities ending in 1, or all 0 where no
    destination can be reached.
    """
    utility = (
        params.attractiveness_weight * np.log(np.maximum(attractiveness, 1e-300))
        + params.stock_weight * np.log1p(np.maximum(stock_persons, 0.0) / 1000.0)
    )[None, :] - distance_km / params.distance_scale_km
    reachable = np.isfinite(distance_km)
    utility = np.where(reachable, utility, -np.inf)
    best = utility.max(axis=1, keepdims=True)
    best = np.where(np.isfinite(best), best, 0.0)
    weight = np.where(reachable, np.exp(utility - best), 0.0)
    total = weight.sum(axis=1, keepdims=True)
    cdf = np.cumsum(weight, axis=1) / np.where(total > 0, total, 1.0)
    cdf[:, -1:] = np.where(total > 0, 1.0, 0.0)
    return cdf


@njit(cache=True, inline="always")
def _pick(cdf_row, u):
    lo = 0
    hi = cdf_row.shape[0] - 1
    if cdf_row[hi] <= 0.0:
        return -1
    while lo < hi:
        mid = (lo + hi) // 2
        if cdf_row[mid] > u:
            hi = mid
        else:
            lo = mid + 1
    return lo


@njit(cache=True)
def choose_destinations(first_agent, count, node, destination, dest_cdf, dest_row_of, dest_nodes, key_destination):
    """Give agents first_agent..first_agent+count-1 a destination from their node's choice row.

    ``dest_cdf[dest_row_of[n]]`` is node n's row (see
    :class:`simulator.destinations.DestinationChoice`).  Agents with no
    reachable destination get -1.
    """
    for i in range(first_agent, first_agent + count):
        k = _pick(dest_cdf[dest_row_of[node[i]]], uniform(key_destination, i, 0))
        destination[i] = dest_nodes[k] if k >= 0 else -1


@njit(cache=True)
def choose_origins(first_agent, count, origin, origins, cdf, key):
    """Give agents first_agent..first_agent+count-1 an origin drawn from ``origins`` with cumulative shares ``cdf``."""
    last = origins.shape[0] - 1
    for i in range(first_agent, first_agent + count):
        k = np.searchsorted(cdf, uniform(key, i, 0), side="right")
        origin[i] = origins[min(k, last)]


def draw_limit(probability: float) -> np.uint64:
    """The integer L such that a draw's top 53 bits are below L exactly when its uniform is below ``probability``."""
    return np.uint64(min(math.ceil(max(probability, 0.0) * 2.0**53), 2**53))


CANDIDATE_BLOCK = 2048  # agents whose candidate flags are computed together (a loop the compiler vectorises)


@njit(cache=True, inline="always")
def _is_candidate(s, key_onward, i, settled_limit):
    return (s == state.IN_TRANSIT) | ((s == state.SETTLED) & ((bits(key_onward, i, 0) >> np.uint64(11)) < settled_limit))


@njit(cache=True)
def _count_candidates(status, key_onward, settled_limit, start, stop):
    part = status[start:stop]  # indexed by its own counter, so the loop vectorises
    found = 0
    for j in range(part.shape[0]):
        found += np.int64(_is_candidate(part[j], key_onward, start + j, settled_limit))
    return found


@njit(cache=True)
def _list_candidates(status, key_onward, settled_limit, start, stop, out):
    flags = np.zeros(CANDIDATE_BLOCK, dtype=np.uint8)
    words = flags.view(np.uint64)  # eight flags at a time: most are zero
    k = 0
    for first in range(start, stop, CANDIDATE_BLOCK):
        block = status[first : min(first + CANDIDATE_BLOCK, stop)]
        m = block.shape[0]
        for j in range(m):
            flags[j] = np.uint8(_is_candidate(block[j], key_onward, first + j, settled_limit))
        for w in range((m + 7) // 8):
            if words[w] != 0:
                for j in range(8 * w, min(8 * w + 8, m)):
                    if flags[j]:
                        out[k] = first + j
                        k += 1


@njit(cache=True, parallel=True)
def decide_candidates(status, key_onward, settled_limit, n_chunks):
    """The agents the decide phase must look at, in agent order: everybody in transit at a node, and the settled
    whose onward draw (``uniform(key_onward, i, 0)``) is below the largest chance of moving (its
    :func:`draw_limit`).  Everybody else does nothing today, so the phase costs one draw per settled person,
    computed several agents at a time.
    """
    n = status.shape[0]
    counts = np.zeros(n_chunks, dtype=np.int64)
    for c in prange(n_chunks):
        counts[c] = _count_candidates(status, key_onward, settled_limit, c * n // n_chunks, (c + 1) * n // n_chunks)
    offsets = np.zeros(n_chunks + 1, dtype=np.int64)
    for c in range(n_chunks):
        offsets[c + 1] = offsets[c] + counts[c]
    agents = np.empty(offsets[n_chunks], dtype=np.int64)
    for c in prange(n_chunks):
        _list_candidates(
            status, key_onward, settled_limit, c * n // n_chunks, (c + 1) * n // n_chunks, agents[offsets[c] : offsets[c + 1]]
        )
    return agents


@njit(cache=True, parallel=True)
def decide(
    candidates,
    status,
    node,
    destination,
    origin,
    flags,
    knowledge,
    info_day,
    today,
    fade_pow,
    leave_probability,
    onward_probability,
    return_probability,
    dest_cdf,
    dest_row_of,
    dest_nodes,
    desist_probability,
    services_reduction,
    misinformation_weight,
    regular_status_reduction,
    key_leave,
    key_onward,
    key_destination,
    key_desist,
    n_chunks,
):
    """The decide phase: who leaves their node today, and where settled movers go.

    ``leave_probability`` and ``onward_probability`` are per node (1/day);
    ``return_probability`` is a scalar (1/day).  A person about to leave its
    origin for the first time may stay instead (chance ``desist_probability``
    per day times its knowledge of local alternatives); a settled person's
    onward movement falls with its knowledge of regularisation and services
    where it lives (``services_reduction``) and rises with misinformation about
    them, and falls by ``regular_status_reduction`` for people with regular
    status.  Sets ``status`` to DEPARTING for agents who leave.  Returns
    per-chunk counts (n_chunks, 3): onward moves, returns, and people who
    stayed at origin.

    Only ``candidates`` (from :func:`decide_candidates`) are looked at; a
    settled mover draws its destination from ``dest_cdf[dest_row_of[node]]``.
    """
    n = candidates.shape[0]
    decided = np.zeros((n_chunks, 3), dtype=np.int64)
    for c in prange(n_chunks):
        start = c * n // n_chunks
        stop = (c + 1) * n // n_chunks
        for j in range(start, stop):
            i = candidates[j]
            s = status[i]
            if s == state.IN_TRANSIT:
                here = node[i]
                if here == origin[i] and (flags[i] & state.FLAG_LEFT_ORIGIN) == 0 and desist_probability > 0.0:
                    know = knowledge_now(knowledge[i, TOPIC_ALTERNATIVES], info_day[i], today, fade_pow)
                    if know > 0.0 and uniform(key_desist, i, 0) < desist_probability * know / 100.0:
                        status[i] = state.STAYED
                        decided[c, 2] += 1
                        continue
                if uniform(key_leave, i, 0) < leave_probability[here]:
                    status[i] = state.DEPARTING
            elif s == state.SETTLED:
                here = node[i]
                u = uniform(key_onward, i, 0)
                if u < return_probability:
                    if origin[i] >= 0 and origin[i] != here:
                        destination[i] = origin[i]
                        flags[i] |= state.FLAG_RETURNING
                        status[i] = state.DEPARTING
                        decided[c, 1] += 1
                    continue
                onward = onward_probability[here]
                # Knowledge can only scale onward movement within [0, 1 + misinformation_weight] times.
                if u >= return_probability + onward * (1.0 + misinformation_weight):
                    continue
                know = knowledge_now(knowledge[i, TOPIC_SERVICES], info_day[i], today, fade_pow)
                if know > 0.0:
                    onward *= 1.0 - services_reduction * know / 100.0
                else:
                    onward *= 1.0 - misinformation_weight * know / 100.0
                if (flags[i] & state.FLAG_REGULAR_STATUS) != 0:
                    onward *= 1.0 - regular_status_reduction
                if u < return_probability + onward:
                    k = _pick(dest_cdf[dest_row_of[here]], uniform(key_destination, i, 0))
                    if k >= 0 and dest_nodes[k] != here:
                        destination[i] = dest_nodes[k]
                        status[i] = state.DEPARTING
                        flags[i] |= state.FLAG_MOVED_ON
                        decided[c, 0] += 1
    return decided


REGULAR_ROUTE_DOCUMENTS = 2  # a passport: who holds one and knows the regular channels takes regular routes


@njit(cache=True, inline="always")
def _next(i, here, col, next_link, next_link_regular, next_link_stale, flags, documents, knowledge, info_day, today, fade_pow):
    """The next link towards target column ``col``.

    People who have not yet learnt of the latest change to the graph plan on
    the routes as they were before it (``next_link_stale``).  Others take the
    regular-only route if they hold documents and know the regular channels
    (where such a route exists), otherwise the shortest route of any kind.
    """
    if (flags[i] & state.FLAG_KNOWS_ROUTES) == 0:
        return next_link_stale[here, col]
    if documents[i] >= REGULAR_ROUTE_DOCUMENTS:
        regular = next_link_regular[here, col]
        if regular >= 0 and knowledge_now(knowledge[i, TOPIC_REGULAR], info_day[i], today, fade_pow) >= 50.0:
            return regular
    return next_link[here, col]


@njit(cache=True, inline="always")
def _stop(i, at, status, node, link, progress_km, since_day, today):
    node[i] = at
    link[i] = -1
    progress_km[i] = 0.0
    status[i] = state.IN_TRANSIT
    since_day[i] = today


GO, STOP, DIED, QUEUE = 0, 1, 2, 3  # outcomes of reaching a crossing


@njit(cache=True, inline="always")
def _cross(
    i, x, hop, c, crossing_tally, group, flags, documents, knowledge, info_day, risk_base, today, fade_pow,
    regular_open, documents_required, irregular_open, cost_usd, risks, queued, params, key,
):  # fmt: skip
    """Agent i reaches crossing x: decide how it crosses, count it, and run the risks of crossing irregularly.

    Returns GO (it crosses now), STOP (it cannot cross today; it has learnt of
    the crossing's state), DIED (an incident killed it) or QUEUE (it joins the
    queue of a crossing with a daily capacity).
    """
    how, obtained = crossing_decision(
        i, x, hop, group, documents, knowledge, info_day, risk_base, today, fade_pow, params[6], params[7],
        regular_open, documents_required, irregular_open, cost_usd, params[0], params[1], params[2], params[3],
        params[4], params[8], key,
    )  # fmt: skip
    if obtained:
        crossing_tally[c, x, T_DOCUMENTS] += 1
    if how == BLOCKED:
        crossing_tally[c, x, T_BLOCKED] += 1
        flags[i] |= state.FLAG_KNOWS_ROUTES
        return STOP
    if how == CROSSED_IRREGULAR:
        crossing_tally[c, x, T_IRREGULAR] += 1
        flags[i] |= state.FLAG_CROSSED_IRREGULARLY
        know_risk = knowledge_now(knowledge[i, TOPIC_RISK], info_day[i], today, fade_pow)
        hit = incident(i, x, hop, risks, know_risk, params[5], key)
        if hit >= 0:
            crossing_tally[c, x, T_DEATH + hit] += 1
        return DIED if hit == 0 else GO
    if queued[x] != 0:
        crossing_tally[c, x, T_QUEUED] += 1
        return QUEUE
    crossing_tally[c, x, T_REGULAR] += 1
    return GO


@njit(cache=True, parallel=True)
def travel(
    movers,
    status,
    node,
    link,
    progress_km,
    destination,
    origin,
    flags,
    since_day,
    group,
    documents,
    knowledge,
    info_day,
    risk_base,
    today,
    fade_pow,
    link_src,
    link_dst,
    link_length_km,
    link_speed_km_per_day,
    next_link,
    next_link_regular,
    next_link_stale,
    target_column,
    node_open,
    node_forces_stop,
    link_crossing,
    crossing_regular_open,
    crossing_documents_required,
    crossing_irregular_open,
    crossing_risks,
    crossing_cost_usd,
    crossing_queued,
    crossing_params,
    key_crossing,
    n_chunks,
):
    """The move phase: departing agents take the road, travellers advance.

    ``next_link[n, target_column[d]]`` is the directed link to take from node n
    towards destination d (-1: none); ``next_link_regular`` the same over
    routes whose crossings all have an open regular channel, taken by people
    with a passport who know the regular channels; ``next_link_stale`` the
    routes before the latest change to the graph, taken by people who have not
    learnt of it (they learn by reaching a closed place or crossing).  Time is counted in days: a link of
    length L at speed v takes L / v days, so an agent can cross several short
    links in one day and spends several days on a long one.  Before taking a
    link that is a border crossing (``link_crossing >= 0``) the agent decides
    how to cross (:func:`models.crossings.crossing_decision`) or stops; at a
    crossing with a daily capacity (``crossing_queued``), a regular crosser
    joins the queue (status WAITING, ``link`` = the crossing it waits for).

    ``crossing_params`` = (irregular probability, risk deterrence, regular
    preference, documents chance uninformed, informed, trafficking avoidance,
    risk knowledge weight, misinformation weight, irregular cost reference);
    ``crossing_regular_open[x, g]`` is whether crossing x's regular channel is
    open to group g.

    Only ``movers`` (the agents departing or on a link, listed by
    :func:`models.listing.agents_with_status`) are looked at, split evenly
    between ``n_chunks`` chunks.  Returns per-chunk tallies: (left, entered,
    arrived, returned) per node with shape (n_chunks, 4, nodes), links entered
    per link (n_chunks, links), and per crossing (n_chunks, crossings,
    len(TALLY)).
    """
    n = movers.shape[0]
    n_nodes = node_open.shape[0]
    n_links = link_src.shape[0]
    n_crossings = crossing_regular_open.shape[0]
    node_tally = np.zeros((n_chunks, 4, n_nodes), dtype=np.int64)
    link_tally = np.zeros((n_chunks, n_links), dtype=np.int64)
    crossing_tally = np.zeros((n_chunks, max(n_crossings, 1), N_TALLY), dtype=np.int64)
    for c in prange(n_chunks):
        start = c * n // n_chunks
        stop = (c + 1) * n // n_chunks
        for j in range(start, stop):
            i = movers[j]
            s = status[i]
            if s != state.DEPARTING and s != state.ON_LINK:
                continue
            goal = destination[i]
            hop = 0
            if s == state.DEPARTING:
                here = node[i]
                col = target_column[goal] if goal >= 0 else -1
                nxt = -1
                if col >= 0:
                    nxt = _next(
                        i,
                        here,
                        col,
                        next_link,
                        next_link_regular,
                        next_link_stale,
                        flags,
                        documents,
                        knowledge,
                        info_day,
                        today,
                        fade_pow,
                    )
                if nxt < 0:
                    status[i] = state.IN_TRANSIT
                    continue
                x = link_crossing[nxt]
                if x >= 0:
                    outcome = _cross(
                        i, x, hop, c, crossing_tally, group, flags, documents, knowledge, info_day, risk_base, today,
                        fade_pow, crossing_regular_open, crossing_documents_required, crossing_irregular_open,
                        crossing_cost_usd, crossing_risks, crossing_queued, crossing_params, key_crossing,
                    )  # fmt: skip
                    if outcome == STOP:
                        status[i] = state.IN_TRANSIT
                        continue
                    if outcome == DIED:
                        status[i] = state.DEAD
                        continue
                    if outcome == QUEUE:
                        status[i] = state.WAITING
                        link[i] = nxt
                        since_day[i] = today
                        continue
                    hop += 1
                if here == origin[i]:
                    flags[i] |= state.FLAG_LEFT_ORIGIN
                node_tally[c, 0, here] += 1
                link_tally[c, nxt] += 1
                link[i] = nxt
                progress_km[i] = 0.0
                status[i] = state.ON_LINK
            time_left_days = 1.0
            while True:
                current = link[i]
                remaining_km = link_length_km[current] - progress_km[i]
                speed = link_speed_km_per_day[current]
                need_days = remaining_km / speed
                if need_days > time_left_days:
                    progress_km[i] += np.float32(time_left_days * speed)
                    break
                time_left_days -= need_days
                reached = link_dst[current]
                if node_open[reached] == 0:
                    # Closed ahead: turn back, learn of the closure, and wait at the link's start for a new route.
                    back = link_src[current]
                    _stop(i, back, status, node, link, progress_km, since_day, today)
                    flags[i] |= state.FLAG_KNOWS_ROUTES
                    node_tally[c, 1, back] += 1
                    break
                node[i] = reached
                if reached == goal:
                    link[i] = -1
                    progress_km[i] = 0.0
                    since_day[i] = today
                    if (flags[i] & state.FLAG_RETURNING) != 0 and reached == origin[i]:
                        status[i] = state.RETURNED
                        node_tally[c, 3, reached] += 1
                    else:
                        status[i] = state.SETTLED
                        flags[i] &= ~np.uint8(state.FLAG_RETURNING)
                        node_tally[c, 2, reached] += 1
                        node_tally[c, 1, reached] += 1
                    break
                nxt = _next(
                    i, reached, target_column[goal], next_link, next_link_regular, next_link_stale, flags, documents,
                    knowledge, info_day, today, fade_pow,
                )  # fmt: skip
                if nxt < 0 or node_forces_stop[reached] != 0 or time_left_days <= 0.0:
                    _stop(i, reached, status, node, link, progress_km, since_day, today)
                    node_tally[c, 1, reached] += 1
                    break
                x = link_crossing[nxt]
                if x >= 0:
                    outcome = _cross(
                        i, x, hop, c, crossing_tally, group, flags, documents, knowledge, info_day, risk_base, today,
                        fade_pow, crossing_regular_open, crossing_documents_required, crossing_irregular_open,
                        crossing_cost_usd, crossing_risks, crossing_queued, crossing_params, key_crossing,
                    )  # fmt: skip
                    if outcome == DIED:
                        link[i] = -1
                        progress_km[i] = 0.0
                        status[i] = state.DEAD
                        break
                    if outcome != GO:
                        _stop(i, reached, status, node, link, progress_km, since_day, today)
                        node_tally[c, 1, reached] += 1
                        if outcome == QUEUE:
                            status[i] = state.WAITING
                            link[i] = nxt
                        break
                    hop += 1
                link_tally[c, nxt] += 1
                link[i] = nxt
                progress_km[i] = 0.0
    return node_tally, link_tally, crossing_tally


@njit(cache=True, parallel=True)
def count_places(status, node, link, n_nodes, n_links, n_chunks):
    """End-of-day census.

    Returns (people at each node, people on each link, people per status code)
    with shapes (nodes,), (links,) and (256,).
    """
    n = status.shape[0]
    at_node = np.zeros((n_chunks, n_nodes), dtype=np.int64)
    on_link = np.zeros((n_chunks, n_links), dtype=np.int64)
    by_status = np.zeros((n_chunks, 256), dtype=np.int64)
    for c in prange(n_chunks):
        start = c * n // n_chunks
        stop = (c + 1) * n // n_chunks
        for i in range(start, stop):
            s = status[i]
            by_status[c, s] += 1
            if s == state.ON_LINK:
                on_link[c, link[i]] += 1
            elif s < state.FIRST_TERMINAL:
                at_node[c, node[i]] += 1
    return at_node.sum(axis=0), on_link.sum(axis=0), by_status.sum(axis=0)

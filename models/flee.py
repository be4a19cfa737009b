"""The ``flee`` ruleset: the default rules of Flee 3 (Groen 2016; Suleimenova et al. 2017) as array kernels.

Each day, every agent at a location leaves with the location's *move chance*
(conflict zone 1.0, town 0.3, camp 0.001, IDP camp 0.1, forwarding hub and
marker 1.0) or follows the route it planned earlier.  Leaving, it draws one of
the loop-free paths of 1..``awareness_level`` links from where it is, with
weight

    w = [(weight_softening + S_end) / (softening + length) ** distance_power * Cap(end)] ** weight_power

where S is the location score (foreign, camp and conflict multipliers) and Cap
falls from 1 to 0 as a camp fills from ``capacity_buffer`` of its capacity to
all of it.  On a link an agent advances ``max_move_speed`` km a day; arriving
before it has used a day's ``max_move_speed`` it decides again at once (so a
day can span several links).

Flee moves agents one at a time, so an earlier agent's move changes a later
agent's capacity weight the same day.  Here every agent decides in parallel
from the counts at the start of the day, and every random number is a pure
function of (seed, stream, day, agent, draw): results are bit-identical for a
seed whatever the thread count, and match Flee statistically, not exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from models import state
from models.params import parameter
from models.rng import uniform

# Location types (int8); the words are those of the scenario's flee.locations table.
TOWN = 0
CONFLICT_ZONE = 1
CAMP = 2
IDP_CAMP = 3
FORWARDING_HUB = 4
MARKER = 5
LOCATION_TYPES = {
    "town": TOWN,
    "conflict_zone": CONFLICT_ZONE,
    "camp": CAMP,
    "idp_camp": IDP_CAMP,
    "forwarding_hub": FORWARDING_HUB,
    "marker": MARKER,
}

# Random streams of this ruleset (integers above the engine's named streams in models.rng).
STREAM_DECIDE = 101  # move chance, path choice, walking
STREAM_SPAWN_ORIGIN = 102  # where a new agent starts
STREAM_SPAWN_COUNT = 103  # Poisson counts of conflict-driven spawning

#: Links an agent may take in one day at most (a guard; Flee's rule stops far earlier on real graphs).
MAX_HOPS_PER_DAY = 64

_SOURCE = "Flee 3 simsetting.yml"


@dataclass(frozen=True)
class FleeParams:
    """Parameters of the flee ruleset (scenario key ``parameters.flee``); defaults are Flee 3's in-code defaults."""

    max_move_speed_km_per_day: float = parameter(
        360.0, "km/day", "Distance covered per day on a link without its own speed.", 1.0, 100000.0, _SOURCE + ": max_move_speed"
    )
    max_walk_speed_km_per_day: float = parameter(
        35.0, "km/day", "Walking speed: first link with start_on_foot, or a link's walk_probability.", 1.0, 1000.0, _SOURCE
    )
    start_on_foot: bool = parameter(False, "", "Whether an agent walks its first link.", source=_SOURCE)
    conflict_move_chance: float = parameter(1.0, "1/day", "Daily chance of leaving a conflict zone.", 0.0, 1.0, _SOURCE)
    default_move_chance: float = parameter(0.3, "1/day", "Daily chance of leaving a town.", 0.0, 1.0, _SOURCE)
    camp_move_chance: float = parameter(0.001, "1/day", "Daily chance of leaving a camp.", 0.0, 1.0, _SOURCE)
    idpcamp_move_chance: float = parameter(0.1, "1/day", "Daily chance of leaving an IDP camp.", 0.0, 1.0, _SOURCE)
    camp_weight: float = parameter(1.0, "factor", "Score multiplier of camps.", 0.0, 1000.0, _SOURCE)
    foreign_weight: float = parameter(1.0, "factor", "Score multiplier of locations in another country.", 0.0, 1000.0, _SOURCE)
    conflict_weight: float = parameter(
        1.0 / math.sqrt(10.0),
        "factor per unit intensity",
        "Score multiplier of conflict zones, raised to the conflict intensity (Flee's simsetting.yml ships 0.25).",
        0.0,
        1000.0,
        _SOURCE,
    )
    awareness_level: int = parameter(1, "links", "Longest path (in links, markers not counted) an agent considers.", 0, 4)
    softening_km: float = parameter(10.0, "km", "Added to every path length in the route weight.", 0.0, 100000.0, _SOURCE)
    weight_softening: float = parameter(0.0, "score", "Added to every endpoint score in the route weight.", 0.0, 1000.0, _SOURCE)
    distance_power: float = parameter(1.0, "exponent", "Power of the softened path length.", 0.0, 10.0, _SOURCE)
    weight_power: float = parameter(1.0, "exponent", "Power of the whole route weight.", 0.0, 10.0, _SOURCE)
    capacity_buffer: float = parameter(
        0.9, "share", "Share of a camp's capacity above which its route weight falls linearly to 0.", 0.0, 0.999, _SOURCE
    )
    capacity_scaling: float = parameter(1.0, "factor", "Multiplies every camp capacity.", 0.0, 1000.0, _SOURCE)
    avoid_short_stints: bool = parameter(
        False, "", "Whether an agent reaching a town mid-day after short recent travel must go on.", source=_SOURCE
    )
    movechance_pop_base: float = parameter(
        10000.0, "persons", "Population at which the move chance is not rescaled.", 1.0, 1e12, _SOURCE
    )
    movechance_pop_scale_factor: float = parameter(
        0.0, "exponent", "Move chance times (max(population, capacity) / base) to this power.", -10.0, 10.0, _SOURCE
    )

    def move_chance_by_type(self) -> np.ndarray:
        """Daily move chance per location type code."""
        by_type = np.ones(len(LOCATION_TYPES))
        by_type[TOWN] = self.default_move_chance
        by_type[CONFLICT_ZONE] = self.conflict_move_chance
        by_type[CAMP] = self.camp_move_chance
        by_type[IDP_CAMP] = self.idpcamp_move_chance
        return by_type


def is_camp(location_type: np.ndarray) -> np.ndarray:
    """Boolean per location: a camp or an IDP camp."""
    return (location_type == CAMP) | (location_type == IDP_CAMP)


def move_chances(location_type: np.ndarray, population: np.ndarray, capacity: np.ndarray, params: FleeParams) -> np.ndarray:
    """Daily move chance per location: by type, times (max(population, capacity) / base) ** scale_factor."""
    chance = params.move_chance_by_type()[location_type]
    if params.movechance_pop_scale_factor != 0.0:
        size = np.maximum(np.maximum(population, capacity), 1.0) / params.movechance_pop_base
        chance = chance * size**params.movechance_pop_scale_factor
    return np.minimum(chance, 1.0)


def location_scores(
    location_type: np.ndarray, foreign: np.ndarray, intensity: np.ndarray, decay: np.ndarray, params: FleeParams
) -> np.ndarray:
    """The score S of every location: 1, times foreign_weight abroad, camp_weight at camps, conflict_weight ** (c * decay)."""
    score = np.ones(len(location_type))
    score = np.where(foreign != 0, score * params.foreign_weight, score)
    score = np.where(is_camp(location_type), score * params.camp_weight, score)
    conflict = intensity > 0
    return np.where(conflict, score * params.conflict_weight ** (intensity * decay), score)


def capacity_factor(agents_at: np.ndarray, capacity_agents: np.ndarray, buffer: float) -> np.ndarray:
    """Cap(E) per location: 1 below ``buffer`` of the capacity (or without one), 0 when full, linear between.

    ``capacity_agents`` < 0 means no capacity.
    """
    cap = capacity_agents
    limited = cap >= 0
    n = agents_at.astype(np.float64)
    safe = np.where(cap > 0, cap, 1.0)
    falling = 1.0 - (n - buffer * cap) / (safe * (1.0 - buffer))
    factor = np.where(n <= buffer * cap, 1.0, np.where(n >= cap, 0.0, falling))
    return np.where(limited, factor, 1.0)


@njit(cache=True)
def path_cdf(path_start, path_end, path_km, score, cap, weight_softening, softening_km, distance_power, weight_power):
    """Cumulative choice probabilities of every candidate path, per start location.

    Paths of location a are ``path_start[a] .. path_start[a+1]-1``; within
    that range the result rises to exactly 1.  Where every weight is 0 the
    choice is uniform (as in Flee).
    """
    n_nodes = path_start.shape[0] - 1
    cdf = np.empty(path_end.shape[0], dtype=np.float64)
    for a in range(n_nodes):
        lo = path_start[a]
        hi = path_start[a + 1]
        if lo == hi:
            continue
        total = 0.0
        for p in range(lo, hi):
            end = path_end[p]
            w = (weight_softening + score[end]) / (softening_km + path_km[p]) ** distance_power * cap[end]
            if w > 0.0 and weight_power != 1.0:
                w = w**weight_power
            total += max(w, 0.0)
            cdf[p] = total
        if total > 0.0:
            for p in range(lo, hi):
                cdf[p] /= total
        else:
            for p in range(lo, hi):
                cdf[p] = (p - lo + 1.0) / (hi - lo)
        cdf[hi - 1] = 1.0
    return cdf


@njit(cache=True, inline="always")
def _pick(cdf, lo, hi, u):
    """The first index p in [lo, hi) with cdf[p] > u (a scan for the few paths of awareness level 1, else bisection)."""
    a = lo
    b = hi - 1
    if b - a < 12:
        while a < b and cdf[a] <= u:
            a += 1
        return a
    while a < b:
        m = (a + b) // 2
        if cdf[m] > u:
            b = m
        else:
            a = m + 1
    return a


@njit(cache=True, inline="always")
def _decide(
    i, here, midday, used_km, draw, route, route_len, recent, move_chance, is_town, camp_full,
    path_start, path_cdf, path_links, path_nlinks, link_dst, link_open, node_open,
    max_move_speed, avoid_short_stints, key,
):  # fmt: skip
    """Agent i at ``here``: the link it takes now (-1: it stays), and the next draw number.

    A planned route is followed (moving with probability 1) unless one of its
    links has closed or its final location is a camp more than 95% full, in
    which case it is dropped and the agent stays this step.  Otherwise the
    agent leaves with the location's move chance (or must, after short recent
    travel, reaching a town mid-day with ``avoid_short_stints``) and draws a
    path, which it drops at once (staying) if that path ends at a camp more
    than 95% full, as Flee 3.1 does.
    """
    rl = route_len[i]
    if rl > 0:
        final = link_dst[route[i, rl - 1]]
        usable = camp_full[final] == 0
        for k in range(rl):
            lk = route[i, k]
            if link_open[lk] == 0 or node_open[link_dst[lk]] == 0:
                usable = False
        if not usable:
            route_len[i] = 0
            return -1, draw
        nxt = route[i, 0]
        for k in range(rl - 1):
            route[i, k] = route[i, k + 1]
        route_len[i] = rl - 1
        return nxt, draw
    forced = False
    if avoid_short_stints and midday and is_town[here] != 0:
        forced = (recent[i] + used_km / max_move_speed) * 0.5 < 0.5
    if not forced:
        u = uniform(key, i, draw)
        draw += 1
        if u >= move_chance[here]:
            return -1, draw
    lo = path_start[here]
    hi = path_start[here + 1]
    if lo == hi:
        return -1, draw
    p = _pick(path_cdf, lo, hi, uniform(key, i, draw))
    draw += 1
    k = path_nlinks[p]
    if camp_full[link_dst[path_links[p, k - 1]]] != 0:
        return -1, draw  # the path leads to a camp more than 95% full: dropped before its first step
    for j in range(1, k):
        route[i, j - 1] = path_links[p, j]
    route_len[i] = k - 1
    return path_links[p, 0], draw


@njit(cache=True, parallel=True)
def evolve(
    status,
    node,
    link,
    progress_km,
    flags,
    route,
    route_len,
    speed_km_per_day,
    recent,
    move_chance,
    is_town,
    camp_full,
    is_camp_node,
    path_start,
    path_cdf,
    path_links,
    path_nlinks,
    link_src,
    link_dst,
    link_length_km,
    link_speed_km_per_day,
    link_walk_probability,
    link_open,
    node_open,
    max_move_speed,
    max_walk_speed,
    start_on_foot,
    avoid_short_stints,
    key,
    n_chunks,
):
    """One day of Flee's ``evolve`` for every agent, in parallel, with the end-of-day census.

    Agents at a location decide (:func:`_decide`) and step onto the first link
    of their path; agents on a link are credited their speed (the link's, or
    walking) and arrive when their km on it exceed its length.  Arriving, an
    agent is charged only the km it needed; while it has used less than
    ``max_move_speed`` km today it decides again at the new location, and a new
    link is credited a full day's speed.  An agent arriving over a link that
    has closed (or into a closed location) is sent back to the link's start
    and drops its route.  ``camp_full`` marks camps whose Cap < 0.5 (more
    than 95% full), ``link_speed_km_per_day`` is each link's speed (its own, or
    ``max_move_speed``).  ``recent`` (the running mean of the share of a day's
    speed travelled) is updated only with ``avoid_short_stints``.  An agent
    ending its day at a camp is SETTLED, anywhere else IN_TRANSIT.

    Returns per-chunk tallies: node (n_chunks, 4, nodes) with rows left,
    stopped (ended the day there after arriving), arrived at a camp, and 0;
    links entered (n_chunks, links); people at each location and on each link
    at the end of the day; and moves started (n_chunks,).
    """
    n = status.shape[0]
    n_nodes = move_chance.shape[0]
    n_links = link_src.shape[0]
    node_tally = np.zeros((n_chunks, 4, n_nodes), dtype=np.int64)
    link_tally = np.zeros((n_chunks, n_links), dtype=np.int64)
    at_node = np.zeros((n_chunks, n_nodes), dtype=np.int64)
    on_link = np.zeros((n_chunks, n_links), dtype=np.int64)
    moves = np.zeros(n_chunks, dtype=np.int64)
    for c in prange(n_chunks):
        start = c * n // n_chunks
        stop = (c + 1) * n // n_chunks
        for i in range(start, stop):
            s = status[i]
            if s >= state.FIRST_TERMINAL:
                continue
            draw = 0
            used = 0.0
            if s == state.ON_LINK:
                cur = link[i]
                credit = np.float64(speed_km_per_day[i])
            else:
                here = node[i]
                cur, draw = _decide(
                    i, here, False, 0.0, draw, route, route_len, recent, move_chance, is_town, camp_full,
                    path_start, path_cdf, path_links, path_nlinks, link_dst, link_open, node_open,
                    max_move_speed, avoid_short_stints, key,
                )  # fmt: skip
                if cur < 0:
                    at_node[c, here] += 1
                    status[i] = state.SETTLED if is_camp_node[here] != 0 else state.IN_TRANSIT
                    if avoid_short_stints:
                        recent[i] = np.float32(recent[i] * 0.5)
                    continue
                credit = np.float64(link_speed_km_per_day[cur])
                if start_on_foot and (flags[i] & state.FLAG_LEFT_ORIGIN) == 0:
                    credit = max_walk_speed
                elif link_walk_probability[cur] > 0.0:
                    if uniform(key, i, draw) < link_walk_probability[cur]:
                        credit = max_walk_speed
                    draw += 1
                flags[i] |= state.FLAG_LEFT_ORIGIN
                speed_km_per_day[i] = np.float32(credit)
                node_tally[c, 0, here] += 1
                link_tally[c, cur] += 1
                moves[c] += 1
                link[i] = cur
                progress_km[i] = 0.0
                status[i] = state.ON_LINK
            hops = 0
            while True:
                length = np.float64(link_length_km[cur])
                p = np.float64(progress_km[i])
                if p + credit <= length:
                    progress_km[i] = np.float32(p + credit)
                    used += credit
                    on_link[c, cur] += 1
                    break
                used += length - p
                reached = link_dst[cur]
                back = link_open[cur] == 0 or node_open[reached] == 0
                if back:
                    reached = link_src[cur]
                    route_len[i] = 0
                node[i] = reached
                link[i] = -1
                progress_km[i] = 0.0
                status[i] = state.IN_TRANSIT
                if is_camp_node[reached] != 0 and not back:
                    node_tally[c, 2, reached] += 1
                nxt = -1
                if not back and used < max_move_speed and hops < MAX_HOPS_PER_DAY:
                    nxt, draw = _decide(
                        i, reached, True, used, draw, route, route_len, recent, move_chance, is_town, camp_full,
                        path_start, path_cdf, path_links, path_nlinks, link_dst, link_open, node_open,
                        max_move_speed, avoid_short_stints, key,
                    )  # fmt: skip
                if nxt < 0:
                    node_tally[c, 1, reached] += 1
                    at_node[c, reached] += 1
                    if is_camp_node[reached] != 0:
                        status[i] = state.SETTLED
                    break
                credit = np.float64(link_speed_km_per_day[nxt])
                if link_walk_probability[nxt] > 0.0:
                    if uniform(key, i, draw) < link_walk_probability[nxt]:
                        credit = max_walk_speed
                    draw += 1
                speed_km_per_day[i] = np.float32(credit)
                node_tally[c, 0, reached] += 1
                link_tally[c, nxt] += 1
                moves[c] += 1
                link[i] = nxt
                status[i] = state.ON_LINK
                cur = nxt
                hops += 1
            if avoid_short_stints:
                recent[i] = np.float32((recent[i] + used / max_move_speed) * 0.5)
    return node_tally, link_tally, at_node, on_link, moves


@njit(cache=True)
def place_spawned(first_agent, count, node, origin, cdf, places, key):
    """Agents first_agent .. first_agent+count-1 start at one of ``places``, drawn from the cumulative ``cdf``."""
    last = places.shape[0]
    for i in range(first_agent, first_agent + count):
        k = _pick(cdf, 0, last, uniform(key, i, 0))
        node[i] = places[k]
        origin[i] = places[k]


@njit(cache=True)
def poisson(key, index, mean):
    """A Poisson-distributed count with ``mean`` from the counter-based generator (inversion, or PTRS above 30)."""
    if mean <= 0.0:
        return 0
    if mean < 30.0:
        p = math.exp(-mean)
        total = p
        u = uniform(key, index, 0)
        k = 0
        while u > total and k < 10000:
            k += 1
            p *= mean / k
            total += p
        return k
    # Transformed rejection with squeeze (Hormann 1993, "PTRS").
    slam = math.sqrt(mean)
    loglam = math.log(mean)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2.0)
    draw = 0
    while True:
        u = uniform(key, index, draw) - 0.5
        v = uniform(key, index, draw + 1)
        draw += 2
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + mean + 0.43)
        if us >= 0.07 and v <= vr:
            return int(k)
        if k < 0 or (us < 0.013 and v > us):
            continue
        if math.log(v) + math.log(inv_alpha) - math.log(a / (us * us) + b) <= -mean + k * loglam - math.lgamma(k + 1.0):
            return int(k)

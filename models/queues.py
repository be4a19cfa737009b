"""Queues at crossings with a daily capacity: admission in order of arrival, and giving up.

People who reach a regular crossing with a daily capacity wait at the node
before it (status WAITING).  Each day, before anyone travels:

1. :func:`waiting_list` lists who waits where, with a random tie-breaker;
2. the engine admits, per crossing, up to the day's capacity, longest waiting
   first (ties broken by the tie-breaker), and puts them on the crossing link;
3. :func:`give_up` lets the others give up: turn to the irregular alternative
   (more likely the longer they wait and the lower their risk perception),
   settle where they are, or head back to their origin.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from models import state
from models.crossings import T_DEATH, T_GAVE_UP, T_GAVE_UP_IRREGULAR, T_GAVE_UP_RETURNED, T_GAVE_UP_STAYED, T_IRREGULAR, incident
from models.information import TOPIC_RISK, knowledge_now, risk_perception
from models.rng import uniform


@njit(cache=True, parallel=True)
def waiting_list(status, link, since_day, key, n_chunks):
    """Everybody waiting at a crossing: (agent, directed link, day they started waiting, tie-breaking uniform)."""
    n = status.shape[0]
    counts = np.zeros(n_chunks, dtype=np.int64)
    for c in prange(n_chunks):
        for i in range(c * n // n_chunks, (c + 1) * n // n_chunks):
            if status[i] == state.WAITING:
                counts[c] += 1
    offsets = np.zeros(n_chunks + 1, dtype=np.int64)
    for c in range(n_chunks):
        offsets[c + 1] = offsets[c] + counts[c]
    agents = np.empty(offsets[n_chunks], dtype=np.int64)
    links = np.empty(offsets[n_chunks], dtype=np.int32)
    since = np.empty(offsets[n_chunks], dtype=np.int64)
    ties = np.empty(offsets[n_chunks], dtype=np.float64)
    for c in prange(n_chunks):
        k = offsets[c]
        for i in range(c * n // n_chunks, (c + 1) * n // n_chunks):
            if status[i] == state.WAITING:
                agents[k] = i
                links[k] = link[i]
                since[k] = since_day[i]
                ties[k] = uniform(key, i, 0)
                k += 1
    return agents, links, since, ties


@njit(cache=True)
def give_up(
    agents,
    crossing_of,
    today,
    status,
    node,
    link,
    destination,
    origin,
    flags,
    since_day,
    knowledge,
    info_day,
    risk_base,
    fade_pow,
    irregular_open,
    risks,
    params,
    key,
    tally,
):
    """Daily giving up of people still waiting after admission.

    ``params`` = (patience days, irregular max, stay max, return max, risk
    deterrence, risk knowledge weight, trafficking avoidance).  Turning
    irregular puts the person on the crossing link at once (with the
    crossing's incident risks); staying settles it where it is; returning
    sends it towards its origin.  Adds to ``tally[crossing, column]``.
    """
    patience, irregular_max, stay_max, return_max, deterrence, risk_weight, avoidance = (
        params[0],
        params[1],
        params[2],
        params[3],
        params[4],
        params[5],
        params[6],
    )
    for k in range(agents.shape[0]):
        i = agents[k]
        x = crossing_of[k]
        waited = float(np.int64(today) - np.int64(since_day[i]))
        pressure = waited / (waited + patience)
        know_risk = knowledge_now(knowledge[i, TOPIC_RISK], info_day[i], today, fade_pow)
        risk = risk_perception(risk_base[i], know_risk, risk_weight)
        p_irregular = 0.0
        if irregular_open[x] != 0:
            p_irregular = irregular_max * pressure * (1.0 - deterrence * risk / 100.0)
        p_stay = stay_max * pressure
        p_return = return_max * pressure if origin[i] >= 0 and origin[i] != node[i] else 0.0
        u = uniform(key, i, 1)
        if u < p_irregular:
            tally[x, T_GAVE_UP] += 1
            tally[x, T_GAVE_UP_IRREGULAR] += 1
            tally[x, T_IRREGULAR] += 1
            flags[i] |= state.FLAG_CROSSED_IRREGULARLY
            hit = incident(i, x, 7, risks, know_risk, avoidance, key)
            if hit >= 0:
                tally[x, T_DEATH + hit] += 1
            if hit == 0:
                status[i] = state.DEAD
                link[i] = -1
            else:
                status[i] = state.ON_LINK
        elif u < p_irregular + p_stay:
            tally[x, T_GAVE_UP] += 1
            tally[x, T_GAVE_UP_STAYED] += 1
            status[i] = state.SETTLED
            destination[i] = node[i]
            link[i] = -1
            since_day[i] = today
        elif u < p_irregular + p_stay + p_return:
            tally[x, T_GAVE_UP] += 1
            tally[x, T_GAVE_UP_RETURNED] += 1
            destination[i] = origin[i]
            flags[i] |= state.FLAG_RETURNING
            status[i] = state.DEPARTING
            link[i] = -1

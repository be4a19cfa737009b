"""Kernels of the simulated survey: who is at a survey point, and each person's sampling draw."""

from __future__ import annotations

import numpy as np
from numba import njit

from models import state
from models.rng import uniform


@njit(cache=True)
def survey_candidates(status, node, link, pre_link, node_mask, passing):
    """Agents at a surveyed node (not on a link, not gone), and with ``passing`` those who left one today.

    An agent on a link that it was not on before the move phase
    (``pre_link``), whose link starts at a surveyed node (``node`` is the
    link's start while on a link), passed through that node today.
    """
    n = status.shape[0]
    count = 0
    out = np.empty(n, dtype=np.int64)
    for i in range(n):
        s = status[i]
        if s >= state.FIRST_TERMINAL or node_mask[node[i]] == 0:
            continue
        if s != state.ON_LINK or (passing and link[i] != pre_link[i]):
            out[count] = i
            count += 1
    return out[:count]


@njit(cache=True)
def uniforms_at(key, agents, draw):
    """The uniform of each agent in ``agents`` for (day key, agent, draw)."""
    out = np.empty(agents.shape[0], dtype=np.float64)
    for j in range(agents.shape[0]):
        out[j] = uniform(key, agents[j], draw)
    return out

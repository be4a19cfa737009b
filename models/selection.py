"""Finding the agents a policy programme can act on (regularisation, deportation, return, relocation)."""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from models.rng import uniform


@njit(cache=True, parallel=True)
def eligible_agents(status, node, flags, status_mask, node_mask, flags_all, flags_none, key, n_chunks):
    """Agents whose status bit is in ``status_mask``, whose node is in ``node_mask``, who hold every flag of
    ``flags_all`` and none of ``flags_none``; with a uniform draw each (for choosing among them)."""
    n = status.shape[0]
    counts = np.zeros(n_chunks, dtype=np.int64)
    for c in prange(n_chunks):
        for i in range(c * n // n_chunks, (c + 1) * n // n_chunks):
            if (status_mask >> np.uint64(status[i])) & np.uint64(1):
                if node_mask[node[i]] != 0 and (flags[i] & flags_all) == flags_all and (flags[i] & flags_none) == 0:
                    counts[c] += 1
    offsets = np.zeros(n_chunks + 1, dtype=np.int64)
    for c in range(n_chunks):
        offsets[c + 1] = offsets[c] + counts[c]
    agents = np.empty(offsets[n_chunks], dtype=np.int64)
    draws = np.empty(offsets[n_chunks], dtype=np.float64)
    for c in prange(n_chunks):
        k = offsets[c]
        for i in range(c * n // n_chunks, (c + 1) * n // n_chunks):
            if (status_mask >> np.uint64(status[i])) & np.uint64(1):
                if node_mask[node[i]] != 0 and (flags[i] & flags_all) == flags_all and (flags[i] & flags_none) == 0:
                    agents[k] = i
                    draws[k] = uniform(key, i, 0)
                    k += 1
    return agents, draws

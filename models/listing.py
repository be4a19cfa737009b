"""Lists of agents by status: one cheap pass that the compiler vectorises, for kernels that act on a few agents.

Most agents are settled and most days nothing happens to them, so a kernel
that only acts on travellers, or on people queuing, first lists them and then
works through the list, split evenly between threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

LIST_BLOCK = 4096  # agents whose flags are computed together before the listed ones are written out


def status_mask(*codes: int) -> np.uint64:
    """The bit set of status codes (each < 64) for :func:`agents_with_status`."""
    return np.uint64(sum(1 << int(code) for code in codes))


@njit(cache=True, inline="always")
def _listed(s, mask):
    return np.uint8((mask >> np.uint64(s & np.uint8(63))) & np.uint64(1)) * np.uint8(s < 64)


# Loops index slices with their own counter (never ``start + j``): the compiler then knows the index is not
# negative and vectorises them.


@njit(cache=True)
def _count(status, mask, start, stop):
    part = status[start:stop]
    found = 0
    for j in range(part.shape[0]):
        found += np.int64(_listed(part[j], mask))
    return found


@njit(cache=True)
def _fill(status, mask, start, stop, out):
    flags = np.zeros(LIST_BLOCK, dtype=np.uint8)
    words = flags.view(np.uint64)  # eight flags at a time: most are zero
    k = 0
    for first in range(start, stop, LIST_BLOCK):
        block = status[first : min(first + LIST_BLOCK, stop)]
        m = block.shape[0]
        for j in range(m):
            flags[j] = _listed(block[j], mask)
        for w in range((m + 7) // 8):
            if words[w] != 0:
                for j in range(8 * w, min(8 * w + 8, m)):
                    if flags[j]:
                        out[k] = first + j
                        k += 1


@njit(cache=True, parallel=True)
def agents_with_status(status, mask, n_chunks):
    """Indices, in agent order, of the agents whose status code is in ``mask`` (from :func:`status_mask`)."""
    n = status.shape[0]
    counts = np.zeros(n_chunks, dtype=np.int64)
    for c in prange(n_chunks):
        counts[c] = _count(status, mask, c * n // n_chunks, (c + 1) * n // n_chunks)
    offsets = np.zeros(n_chunks + 1, dtype=np.int64)
    for c in range(n_chunks):
        offsets[c + 1] = offsets[c] + counts[c]
    agents = np.empty(offsets[n_chunks], dtype=np.int64)
    for c in prange(n_chunks):
        _fill(status, mask, c * n // n_chunks, (c + 1) * n // n_chunks, agents[offsets[c] : offsets[c + 1]])
    return agents

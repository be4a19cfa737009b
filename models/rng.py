"""Counter-based random numbers keyed by (seed, stream, day, agent, draw).

Every random number in migsim is a pure function of its key, so results do not
depend on thread count, on the order agents are visited, or on how many numbers
other parts of the model drew.  Two policy variants run with the same seed share
their random numbers (common random numbers), so their difference is the policy.

The mixer is the SplitMix64 finaliser (Steele, Lea & Flood 2014), applied in a
chain over the key's parts; it passes BigCrush as a counter-based generator.
Python code derives one 64-bit *day key* per (seed, stream, day) with
:func:`day_key`; kernels then call :func:`uniform` with (day_key, agent, draw).
"""

from __future__ import annotations

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MASK64 = (1 << 64) - 1

#: Named random streams: one per kind of decision, so adding a draw to one
#: decision never shifts the numbers another decision sees.
STREAMS = {
    "spawn": 1,
    "initial": 2,
    "destination": 3,
    "leave": 4,
    "onward": 5,
    "return": 6,
    "information": 7,
    "crossing": 8,
    "queue": 9,
    "incident": 10,
    "survey": 11,
    "synthesis": 12,
    "word_of_mouth": 13,
    "documents": 14,
    "desist": 15,
}


def _mix_py(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


def day_key(seed: int, stream: str | int, day: int) -> np.uint64:
    """Return the 64-bit key of one (seed, stream, day) for the kernels.

    ``stream`` is a name from :data:`STREAMS` or an integer; ``day`` is the
    simulation day (0 = start date).
    """
    stream_id = STREAMS[stream] if isinstance(stream, str) else int(stream)
    key = _mix_py(int(seed) & _MASK64)
    key = _mix_py(key ^ stream_id)
    key = _mix_py(key ^ (int(day) & _MASK64))
    return np.uint64(key)


@njit(cache=True, inline="always")
def mix64(x):
    """SplitMix64 finaliser of a uint64."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@njit(cache=True, inline="always")
def bits(key, agent, draw):
    """64 random bits for (day key, agent index, draw number)."""
    return mix64(mix64(key ^ np.uint64(agent)) ^ np.uint64(draw))


@njit(cache=True, inline="always")
def uniform(key, agent, draw):
    """A float64 uniform on [0, 1) for (day key, agent index, draw number)."""
    return (bits(key, agent, draw) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def uniforms(key, first_agent, count, draw):
    """Uniforms for agents first_agent .. first_agent+count-1 (used in tests)."""
    out = np.empty(count, dtype=np.float64)
    for i in range(count):
        out[i] = uniform(key, first_agent + i, draw)
    return out

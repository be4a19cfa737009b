"""The population: one agent per person (or per ``scale`` persons), as a structure of arrays.

Agents are only ever appended, so an agent's index is its identity for the
whole run; the counter-based random numbers are keyed by it.  Capacity is
reserved up front from the scenario's expected size, so the arrays are not
copied while departures are spawned.
"""

from __future__ import annotations

import numpy as np

from models.state import CHANNELS, IN_TRANSIT, TOPICS

#: Agent arrays: name -> (dtype, fill value for new agents, columns; 1 = a plain vector).
FIELDS: dict[str, tuple[np.dtype, int, int]] = {
    "node": (np.dtype(np.int32), -1, 1),  # current node (the start node while on a link)
    "link": (np.dtype(np.int32), -1, 1),  # directed link while travelling, else -1
    "progress_km": (np.dtype(np.float32), 0, 1),  # km travelled along the current link
    "destination": (np.dtype(np.int32), -1, 1),  # intended destination node
    "origin": (np.dtype(np.int32), -1, 1),  # origin city node (also the community of origin)
    "since_day": (np.dtype(np.uint16), 0, 1),  # day the agent arrived where it is
    "status": (np.dtype(np.uint8), IN_TRANSIT, 1),  # models.state status code
    "flags": (np.dtype(np.uint8), 0, 1),  # models.state bit flags
    "group": (np.dtype(np.uint8), 0, 1),  # nationality or group index (scenario `groups`)
    "documents": (np.dtype(np.uint8), 0, 1),  # models.state.DOCUMENTS level held
    "traits": (np.dtype(np.uint8), 0, 1),  # sex, travelling with family, age group, reason for leaving (models.synthesis)
    "knowledge": (np.dtype(np.int8), 0, len(TOPICS)),  # per topic, -100..100 (negative: misinformed)
    "info_day": (np.dtype(np.uint16), 0, 1),  # day knowledge was last updated (fading is applied lazily)
    "risk_base": (np.dtype(np.uint8), 50, 1),  # risk perception before what it knows, 0..100
    "trust": (np.dtype(np.uint8), 50, len(CHANNELS)),  # trust per channel kind, 0..100
    "reached": (np.dtype(np.uint32), 0, 1),  # bit per campaign channel slot that has reached it
}


class Population:
    """Structure of arrays; ``pop.status`` etc. are views of the live agents."""

    def __init__(self, capacity: int = 0):
        self.size = 0
        self._store = {name: _empty(max(capacity, 1), dtype, width) for name, (dtype, _, width) in FIELDS.items()}

    @staticmethod
    def bytes_per_agent() -> int:
        """Bytes of state per agent."""
        return sum(dtype.itemsize * width for dtype, _, width in FIELDS.values())

    @property
    def capacity(self) -> int:
        """Agents that fit without reallocating."""
        return len(self._store["status"])

    def __getattr__(self, name: str) -> np.ndarray:
        store = self.__dict__.get("_store")
        if store is not None and name in store:
            return store[name][: self.size]
        raise AttributeError(name)

    def arrays(self) -> dict[str, np.ndarray]:
        """Views of every agent array, by name."""
        return {name: array[: self.size] for name, array in self._store.items()}

    def add(self, count: int, **values) -> slice:
        """Append ``count`` agents; keyword arrays or scalars set their fields. Returns their slice."""
        needed = self.size + count
        if needed > self.capacity:
            new_capacity = max(needed, int(self.capacity * 1.5) + 1024)
            for name, array in self._store.items():
                grown = _empty(new_capacity, array.dtype, FIELDS[name][2])
                grown[: self.size] = array[: self.size]
                self._store[name] = grown
        new = slice(self.size, needed)
        for name, (_, fill, _) in FIELDS.items():
            self._store[name][new] = values.pop(name, fill)
        if values:
            raise KeyError(f"unknown agent fields: {sorted(values)}")
        self.size = needed
        return new

    def load(self, arrays: dict[str, np.ndarray]) -> None:
        """Replace the population with saved arrays (from a checkpoint)."""
        size = len(arrays["status"])
        self._store = {}
        for name, (dtype, _, width) in FIELDS.items():
            array = np.asarray(arrays[name])
            if array.dtype != dtype or len(array) != size or (width > 1 and array.shape[1:] != (width,)):
                raise ValueError(f"checkpoint array {name!r} has dtype {array.dtype} and length {len(array)}")
            self._store[name] = array.copy()
        self.size = size


def _empty(length: int, dtype: np.dtype, width: int) -> np.ndarray:
    return np.empty(length if width == 1 else (length, width), dtype=dtype)

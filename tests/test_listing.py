"""Lists of agents by status and of decide candidates, against NumPy."""

from __future__ import annotations

import numpy as np
import pytest

from models import state
from models.listing import LIST_BLOCK, agents_with_status, status_mask


@pytest.mark.parametrize("chunks", [1, 2, 5])
@pytest.mark.parametrize("size", [0, 7, LIST_BLOCK + 9, 3 * LIST_BLOCK])
def test_agents_with_status_lists_exactly_those_agents_in_order(chunks, size):
    rng = np.random.default_rng(size + chunks)  # test data only
    codes = np.array([state.SETTLED, state.IN_TRANSIT, state.DEPARTING, state.ON_LINK, state.WAITING, state.DEAD, 70, 255])
    status = rng.choice(codes, size).astype(np.uint8)
    for wanted in [(state.DEPARTING, state.ON_LINK), (state.WAITING,), (state.SETTLED, state.DEAD), ()]:
        expected = np.flatnonzero(np.isin(status, wanted))
        np.testing.assert_array_equal(agents_with_status(status, status_mask(*wanted), chunks), expected)

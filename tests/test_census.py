"""The end-of-day census against a plain NumPy recount of the same agents."""

from __future__ import annotations

import numpy as np
import pytest

from models import state
from models.census import census, knowledge_thresholds
from models.information import INFORMED, TOPIC_RISK

N_NODES, N_LINKS, TODAY, WEIGHT = 7, 12, 40, 40.0


def _population(n, seed):
    rng = np.random.default_rng(seed)  # test data only
    statuses = np.array([state.SETTLED, state.IN_TRANSIT, state.ON_LINK, state.WAITING, state.RETURNED, state.DEAD])
    knowledge_values = np.array([-128, -100, -80, -60, -51, -50, -49, 0, 1, 49, 50, 51, 60, 80, 100, 127])
    return {
        "status": rng.choice(statuses, n).astype(np.uint8),
        "node": rng.integers(0, N_NODES, n).astype(np.int32),
        "link": rng.integers(0, N_LINKS, n).astype(np.int32),
        "origin": rng.integers(-1, N_NODES, n).astype(np.int32),
        "flags": rng.integers(0, 256, n).astype(np.uint8),
        "since_day": rng.integers(0, TODAY + 1, n).astype(np.uint16),
        "knowledge": rng.choice(knowledge_values, (n, len(state.TOPICS))).astype(np.int8),
        "info_day": rng.integers(0, TODAY + 3, n).astype(np.uint16),  # a few stamped after today: gap 0
        "risk_base": rng.integers(0, 101, n).astype(np.uint8),
    }


def _recount(pop, fade_pow, with_communities):
    """The census, written the slow and obvious way."""
    alive = pop["status"] < state.FIRST_TERMINAL
    travelling = pop["status"] == state.ON_LINK
    present = alive & ~travelling
    waiting = pop["status"] == state.WAITING
    gap = np.clip(TODAY - pop["info_day"].astype(np.int64), 0, len(fade_pow) - 1)
    faded = pop["knowledge"] * fade_pow[gap][:, None]
    knows = faded >= INFORMED
    wrong = faded <= -INFORMED
    here = pop["node"]
    node_knowledge = np.zeros((N_NODES, len(state.TOPICS), 2), dtype=np.int64)
    community = np.zeros_like(node_knowledge)
    home = with_communities & alive & (pop["origin"] >= 0)
    for t in range(len(state.TOPICS)):
        np.add.at(node_knowledge[:, t, 0], here[present & knows[:, t]], 1)
        np.add.at(node_knowledge[:, t, 1], here[present & wrong[:, t]], 1)
        np.add.at(community[:, t, 0], pop["origin"][home & knows[:, t]], 1)
        np.add.at(community[:, t, 1], pop["origin"][home & wrong[:, t]], 1)
    risk_now = pop["knowledge"][:, TOPIC_RISK] * fade_pow[gap]
    risk = np.round(np.clip(pop["risk_base"] + WEIGHT * risk_now / 100.0, 0.0, 100.0)).astype(np.int64)
    waited = TODAY - pop["since_day"].astype(np.int64)
    longest = np.zeros(N_LINKS, dtype=np.int64)
    np.maximum.at(longest, pop["link"][waiting], waited[waiting])
    knows_routes = (pop["flags"] & state.FLAG_KNOWS_ROUTES) != 0
    return (
        np.bincount(here[present], minlength=N_NODES),
        np.bincount(pop["link"][travelling], minlength=N_LINKS),
        np.bincount(pop["status"], minlength=256),
        node_knowledge,
        np.bincount(here[present], weights=risk[present], minlength=N_NODES).astype(np.int64),
        community,
        np.bincount(pop["origin"][home], minlength=N_NODES),
        np.bincount(here[present & ((pop["status"] == state.IN_TRANSIT) | waiting)], minlength=N_NODES),
        np.bincount(pop["link"][waiting], minlength=N_LINKS),
        np.bincount(pop["link"][waiting], weights=waited[waiting], minlength=N_LINKS).astype(np.int64),
        longest,
        np.bincount(here[present & knows_routes], minlength=N_NODES),
    )


@pytest.mark.parametrize("with_communities", [False, True])
@pytest.mark.parametrize("chunks", [1, 3])
def test_census_equals_a_plain_recount(with_communities, chunks):
    pop = _population(5000, seed=chunks)
    fade_pow = (1.0 - 0.01) ** np.arange(TODAY + 2, dtype=np.float64)
    counts = census(
        *pop.values(),
        np.uint16(TODAY),
        fade_pow,
        *knowledge_thresholds(fade_pow),
        with_communities,
        WEIGHT,
        N_NODES,
        N_LINKS,
        chunks,
    )
    expected = _recount(pop, fade_pow, with_communities)
    assert len(counts) == len(expected)
    for k, (got, want) in enumerate(zip(counts, expected, strict=True)):
        np.testing.assert_array_equal(got, want, err_msg=f"census output {k}")
    assert counts[3].sum() > 0 and counts[11].sum() > 0  # the data exercise knowledge and route news


@pytest.mark.parametrize("forgetting_rate", [0.0, 0.01, 0.037, 0.2])
def test_knowledge_thresholds_classify_like_the_faded_value(forgetting_rate):
    fade_pow = (1.0 - forgetting_rate) ** np.arange(400, dtype=np.float64)
    known_from, wrong_to = knowledge_thresholds(fade_pow)
    values = np.arange(-128, 128)
    faded = values[None, :] * fade_pow[:, None]
    np.testing.assert_array_equal(values[None, :] >= known_from[:, None], faded >= INFORMED)
    np.testing.assert_array_equal(values[None, :] <= wrong_to[:, None], faded <= -INFORMED)

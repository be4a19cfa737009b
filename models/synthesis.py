"""Drawing new agents' attributes from their start place's raked tables (simulator/synthesis.py).

Base variables that raking tied together are drawn together, with one uniform
per group; the others independently.  The categories go where the engine
keeps them:

* ``traits`` (one byte): sex (bit 0), travelling with family (bit 1), age group
  (bits 2-3) and reason for leaving (bits 4-6), as category indices of
  :mod:`simulator.attributes` (sex 0 = female; family 0 = yes);
* ``documents``: the document level; ``flags``: internet access and regular
  status; ``knowledge``: 80 for who knows a topic, -80 for who is
  misinformed, 0 otherwise;
* the intended destination country (0: the model's destination choice decides),
  returned for the spawn step; people placed in initial stocks live where they
  are.

Risk perception and trust are drawn around their place's means (+-15).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from models import state
from models.rng import uniform

V_SEX, V_AGE, V_FAMILY, V_REASON, V_DOCUMENTS, V_INTERNET, V_REGULAR, V_KNOWLEDGE = range(8)
N_TOPICS = 4
V_DESTINATION = V_KNOWLEDGE + N_TOPICS
KNOWLEDGE_VALUE = (80, -80, 0)  # knows, misinformed, unaware
#: Draw numbers per agent: one per component (< RISK_DRAW), then risk and trust.
RISK_DRAW = 32
TRUST_DRAW = 33

SEX_BIT, FAMILY_BIT, AGE_SHIFT, REASON_SHIFT = 0, 1, 2, 4


@njit(cache=True)
def draw_attributes(
    first,
    count,
    node,
    key,
    profile_of_node,
    offset,
    size,
    cdf,
    codes,
    risk_mean,
    trust_mean,
    traits,
    flags,
    documents,
    knowledge,
    risk_base,
    trust,
    info_day,
    today,
    destination_code,
):
    """Draw attributes for agents ``first .. first+count-1`` (see the module docstring).

    ``destination_code[j]`` receives agent ``first + j``'s intended destination
    country code (0: chosen by the model).
    """
    n_vars = codes.shape[1]
    values = np.zeros(n_vars, dtype=np.int64)
    for j in range(count):
        i = first + j
        here = node[i]
        p = profile_of_node[here]
        for k in range(offset.shape[0]):
            u = uniform(key, i, k)
            lo = offset[k]
            hi = offset[k] + size[k] - 1
            while lo < hi:
                mid = (lo + hi) // 2
                if cdf[p, mid] > u:
                    hi = mid
                else:
                    lo = mid + 1
            for v in range(n_vars):
                c = codes[lo, v]
                if c >= 0:
                    values[v] = c
        traits[i] = np.uint8(
            (values[V_SEX] << SEX_BIT)
            | (values[V_FAMILY] << FAMILY_BIT)
            | (values[V_AGE] << AGE_SHIFT)
            | (values[V_REASON] << REASON_SHIFT)
        )
        documents[i] = np.uint8(values[V_DOCUMENTS])
        if values[V_INTERNET] == 0:
            flags[i] |= state.FLAG_INTERNET
        if values[V_REGULAR] == 0:
            flags[i] |= state.FLAG_REGULAR_STATUS
        for t in range(knowledge.shape[1]):
            knowledge[i, t] = KNOWLEDGE_VALUE[values[V_KNOWLEDGE + t]]
        destination_code[j] = values[V_DESTINATION]
        r = risk_mean[here] + 30.0 * (uniform(key, i, RISK_DRAW) - 0.5)
        risk_base[i] = np.uint8(min(max(r, 0.0), 100.0))
        for k in range(trust.shape[1]):
            v = trust_mean[here, k] + 30.0 * (uniform(key, i, TRUST_DRAW + k) - 0.5)
            trust[i, k] = np.uint8(min(max(v, 0.0), 100.0))
        info_day[i] = today


@njit(cache=True)
def choose_destinations_in_country(first, count, node, destination, dest_cdf, dest_row_of, dest_nodes, dest_country, wanted, key):
    """Agents whose drawn destination country ``wanted[j]`` is > 0 pick among that country's destinations.

    The choice keeps the model's logit weights (row ``dest_cdf[dest_row_of[node]]``) restricted to the
    country's destination nodes (``dest_country[k]`` per column); where none
    of them is reachable the agent keeps the destination it already has.
    """
    for j in range(count):
        c = wanted[j]
        if c <= 0:
            continue
        i = first + j
        row = dest_cdf[dest_row_of[node[i]]]
        total = 0.0
        previous = 0.0
        for k in range(row.shape[0]):
            if dest_country[k] == c:
                total += row[k] - previous
            previous = row[k]
        if total <= 0.0:
            continue
        target = uniform(key, i, 1) * total
        previous = 0.0
        acc = 0.0
        for k in range(row.shape[0]):
            if dest_country[k] == c:
                acc += row[k] - previous
                if acc > target:
                    destination[i] = dest_nodes[k]
                    break
            previous = row[k]


def unpack_traits(traits: np.ndarray) -> dict[str, np.ndarray]:
    """Category indices of sex, travelling with family, age group and reason for leaving from the traits byte."""
    t = traits.astype(np.int64)
    return {
        "sex": (t >> SEX_BIT) & 1,
        "travelling_with_family": (t >> FAMILY_BIT) & 1,
        "age_group": (t >> AGE_SHIFT) & 3,
        "reason_for_leaving": (t >> REASON_SHIFT) & 7,
    }

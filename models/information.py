"""Information: who hears what, from which channel, what they then believe.

Every agent carries a knowledge level per topic (``models.state.TOPICS``) from
-100 (firmly misinformed) to 100 (well informed), its trust in each kind of
channel (0..100), its baseline risk perception and whether it has internet
access.  Knowledge fades towards 0 at ``forgetting_rate_per_day``; fading is
applied lazily (``knowledge x (1 - rate) ** days since the last update``) so
nobody's state is rewritten on days nothing happens to them.

A day's information phase, in order:

1. campaign exposure: every active campaign channel (a *slot*) draws, for every
   eligible agent, whether it reaches that agent today
   (:func:`exposure_candidates`); the engine caps new reach at each slot's
   audience size and :func:`deliver` moves the reached agents' knowledge towards
   the message, in proportion to their trust in the channel;
2. word of mouth (:func:`word_of_mouth`): an agent talks with a contact (someone
   at the same node, or from the same community of origin) with a daily
   probability scaled by its trust in peers, and hears what that contact
   believes, correct or not; this is also how misinformation spreads.

Channel reach mechanics (eligibility):

* social media: agents with internet access whose current place (for people
  on the road, the place they last left) is targeted;
* information centre: agents present at the centre's node;
* community outreach: agents still at their community of origin, if targeted;
* mass media: agents at or on the road from targeted places;
* word of mouth (as a campaign channel, e.g. smugglers' rumours): agents
  present at targeted places, weighted by their trust in peers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from models import state
from models.params import parameter
from models.rng import bits, uniform

INFORMED = 50  # knowledge at or above which a person "knows" a topic; at or below -50, misinformed
TOPIC_REGULAR, TOPIC_RISK, TOPIC_ALTERNATIVES, TOPIC_SERVICES = range(4)
SOCIAL_MEDIA, INFORMATION_CENTRE, COMMUNITY_OUTREACH, MASS_MEDIA, WORD_OF_MOUTH = range(5)


@dataclass(frozen=True)
class InformationParams:
    """Parameters of information diffusion and its effect on decisions (``parameters.information``)."""

    forgetting_rate_per_day: float = parameter(
        0.01,
        "1/day",
        "Share of knowledge (or misinformation) lost per day without reinforcement (half-life about 70 days).",
        0.0,
        0.2,
        "campaign_evidence.csv: effects measured at 3 months persist but shrink (Tjaden & Dunsch 2021); range wide.",
    )
    word_of_mouth_contacts_per_day: float = parameter(
        0.1, "1/day", "Chance per day that a person talks about the journey with a contact (times its trust in peers).", 0.0, 1.0
    )
    word_of_mouth_strength: float = parameter(
        60.0, "knowledge points", "Knowledge level a person reaches on a topic by hearing it from a contact.", 0.0, 100.0
    )
    risk_knowledge_weight: float = parameter(
        40.0,
        "risk points per full knowledge",
        "Rise of risk perception (0..100) from full knowledge of route risks; misinformation lowers it as much.",
        0.0,
        100.0,
        "IOM West Africa peer-to-peer evaluation: 25% more risk-aware (campaign_evidence.csv).",
    )
    alternatives_desist_probability_per_day: float = parameter(
        0.05,
        "1/day",
        "Chance per day that a person about to leave who fully knows local alternatives stays (scaled by its knowledge).",
        0.0,
        1.0,
        "Senegal peer-to-peer trial: about one in five less likely to intend irregular migration; 59-70% would take up "
        "local opportunities (IOM 2019 baselines, dtm_marginals.csv).",
    )
    services_onward_reduction: float = parameter(
        0.5,
        "share",
        "Share by which full knowledge of regularisation and services where a person lives cuts its onward movement.",
        0.0,
        1.0,
    )
    misinformation_weight: float = parameter(
        1.0, "share", "Effect of misinformation relative to correct information of the same strength (opposite sign).", 0.0, 2.0
    )


@njit(cache=True, inline="always")
def knowledge_now(know, info_day, today, fade_pow):
    """Knowledge after fading from ``info_day`` to ``today`` (float)."""
    gap = np.int64(today) - np.int64(info_day)
    if gap < 0:
        gap = np.int64(0)
    last = np.int64(fade_pow.shape[0] - 1)
    if gap > last:
        gap = last
    return know * fade_pow[gap]


@njit(cache=True, inline="always")
def risk_perception(risk_base, know_risk_now, weight):
    """Risk perception 0..100 from the baseline and current knowledge of risks (-100..100)."""
    r = risk_base + weight * know_risk_now / 100.0
    if r < 0.0:
        return 0.0
    if r > 100.0:
        return 100.0
    return r


@njit(cache=True, inline="always")
def _refresh(i, knowledge, info_day, today, fade_pow):
    """Apply pending fading to agent i's knowledge and stamp it with today."""
    for t in range(knowledge.shape[1]):
        value = knowledge_now(knowledge[i, t], info_day[i], today, fade_pow)
        knowledge[i, t] = np.int8(np.round(value))
    info_day[i] = today


@njit(cache=True, inline="always")
def _eligible(i, s, status, node, origin, flags, group, slot_kind, slot_nodes, slot_groups):
    st = status[i]
    if st >= state.FIRST_TERMINAL:
        return False
    kind = slot_kind[s]
    here = node[i]
    # Place first: most agents are outside a slot's places, so this branch predicts well.
    if slot_nodes[s, here] == 0:
        return False
    if ((slot_groups[s] >> np.uint32(group[i])) & np.uint32(1)) == 0:
        return False
    if kind == SOCIAL_MEDIA:
        return (flags[i] & state.FLAG_INTERNET) != 0
    if kind == MASS_MEDIA:
        return True  # radio and television also reach people on the road (by the place they last left)
    if st == state.ON_LINK:
        return False
    if kind == COMMUNITY_OUTREACH:
        return here == origin[i]
    return True


@njit(cache=True, inline="always")
def _hit(i, s, status, node, origin, flags, group, trust, slot_kind, slot_probability, slot_nodes, slot_groups, key):
    """Agent i's draw for slot s if the slot reaches it today, else 2.0."""
    if not _eligible(i, s, status, node, origin, flags, group, slot_kind, slot_nodes, slot_groups):
        return 2.0
    p = slot_probability[s]
    if slot_kind[s] == WORD_OF_MOUTH:
        p *= trust[i, WORD_OF_MOUTH] / 100.0
    u = uniform(key, i, s)
    return u if u < p else 2.0


@njit(cache=True)
def _count_watched(status, node, watched):
    found = 0
    for j in range(status.shape[0]):  # views indexed by their own counter: no negative-index checks
        found += watched[node[j]] & np.uint8(status[j] < state.FIRST_TERMINAL)
    return found


@njit(cache=True)
def _list_watched(status, node, watched, first, out):
    k = 0
    for j in range(status.shape[0]):
        if watched[node[j]] & np.uint8(status[j] < state.FIRST_TERMINAL):
            out[k] = first + j
            k += 1


@njit(cache=True, parallel=True)
def _watched_agents(status, node, watched, n_chunks):
    """Agents still in the system whose node (for travellers, the node they left) is watched, in agent order."""
    n = status.shape[0]
    counts = np.zeros(n_chunks, dtype=np.int64)
    for c in prange(n_chunks):
        start, stop = c * n // n_chunks, (c + 1) * n // n_chunks
        counts[c] = _count_watched(status[start:stop], node[start:stop], watched)
    offsets = np.zeros(n_chunks + 1, dtype=np.int64)
    for c in range(n_chunks):
        offsets[c + 1] = offsets[c] + counts[c]
    agents = np.empty(offsets[n_chunks], dtype=np.int64)
    for c in prange(n_chunks):
        start, stop = c * n // n_chunks, (c + 1) * n // n_chunks
        _list_watched(status[start:stop], node[start:stop], watched, start, agents[offsets[c] : offsets[c + 1]])
    return agents


@njit(cache=True, parallel=True)
def exposure_candidates(
    status, node, origin, flags, group, trust, slot_kind, slot_probability, slot_nodes, slot_groups, key, n_chunks
):
    """Who each active campaign slot reaches today, before audience caps.

    ``slot_probability`` is the daily chance that an eligible agent is reached
    (for word of mouth it is scaled by the agent's trust in peers).  Returns
    (agent, slot, uniform) arrays, in agent order, for every (agent, slot) hit.

    Every channel reaches people by their place, so when the slots act at a
    few places, the people there are listed first (one cheap pass) and only
    they are drawn for.
    """
    n = status.shape[0]
    n_slots = slot_kind.shape[0]
    n_nodes = slot_nodes.shape[1]
    watched = np.zeros(n_nodes, dtype=np.uint8)
    for s in range(n_slots):
        for k in range(n_nodes):
            watched[k] |= slot_nodes[s, k]
    # When most places are targeted, a list would cost more than it saves: everybody is drawn for.
    use_list = watched.sum() * 4 < n_nodes
    listed = _watched_agents(status, node, watched, n_chunks) if use_list else np.zeros(0, dtype=np.int64)
    m = listed.shape[0] if use_list else n
    counts = np.zeros(n_chunks, dtype=np.int64)
    for c in prange(n_chunks):
        for j in range(c * m // n_chunks, (c + 1) * m // n_chunks):
            i = listed[j] if use_list else j
            for s in range(n_slots):
                if (
                    _hit(
                        i, s, status, node, origin, flags, group, trust, slot_kind, slot_probability, slot_nodes, slot_groups, key
                    )
                    < 1.0
                ):
                    counts[c] += 1
    offsets = np.zeros(n_chunks + 1, dtype=np.int64)
    for c in range(n_chunks):
        offsets[c + 1] = offsets[c] + counts[c]
    agents = np.empty(offsets[n_chunks], dtype=np.int64)
    slots = np.empty(offsets[n_chunks], dtype=np.int32)
    draws = np.empty(offsets[n_chunks], dtype=np.float64)
    for c in prange(n_chunks):
        k = offsets[c]
        for j in range(c * m // n_chunks, (c + 1) * m // n_chunks):
            i = listed[j] if use_list else j
            for s in range(n_slots):
                u = _hit(
                    i, s, status, node, origin, flags, group, trust, slot_kind, slot_probability, slot_nodes, slot_groups, key
                )
                if u < 1.0:
                    agents[k] = i
                    slots[k] = s
                    draws[k] = u
                    k += 1
    return agents, slots, draws


@njit(cache=True)
def deliver(agents, slots, flags, knowledge, info_day, trust, reached, today, fade_pow, slot_kind, slot_message, slot_strength):
    """Deliver each slot's messages to the reached agents.

    ``slot_message[s, t]`` is +100 (correct information on topic t), -100
    (misinformation) or 0 (not a message of that slot).  Knowledge moves from
    its current value towards the message by ``strength x trust / 100`` of the
    gap.  Marks the slot's bit in ``reached``; a correct message on route
    risks also tells of the latest closures.
    """
    for k in range(agents.shape[0]):
        i = agents[k]
        s = slots[k]
        _refresh(i, knowledge, info_day, today, fade_pow)
        weight = slot_strength[s] * trust[i, slot_kind[s]] / 100.0
        for t in range(knowledge.shape[1]):
            target = slot_message[s, t]
            if target != 0:
                current = float(knowledge[i, t])
                value = current + weight * (float(target) - current)
                knowledge[i, t] = np.int8(np.round(value))
        reached[i] |= np.uint32(1) << np.uint32(s)
        if slot_message[s, TOPIC_RISK] > 0:
            flags[i] |= state.FLAG_KNOWS_ROUTES  # a campaign on route risks tells of closures too


WORD_OF_MOUTH_BLOCK = 4096  # agents per block of word-of-mouth draws (fixed, so results do not depend on threads)


@njit(cache=True)
def _word_of_mouth_block(
    b, status, node, origin, flags, knowledge, info_day, trust, today, fade_pow, node_shares, community_shares, route_shares,
    log_stay, strength, key,
):  # fmt: skip
    """Block b's conversations, in three passes with few unpredictable branches: who is visited (the geometric gaps
    depend only on the draw number), who of them talks, and what each talker hears."""
    n = status.shape[0]
    start = b * WORD_OF_MOUTH_BLOCK
    stop = min(start + WORD_OF_MOUTH_BLOCK, n)
    block_key = key ^ np.uint64(0xB10C)
    visited = np.empty(WORD_OF_MOUTH_BLOCK, dtype=np.int64)
    m = 0
    i = start - 1
    j = 0
    while True:
        u = uniform(block_key, b, j)
        j += 1
        i += 1 + np.int64(np.floor(np.log(1.0 - u) / log_stay))
        if i >= stop:
            break
        visited[m] = i
        m += 1
    # Talkers are people at a node who draw below their trust in peers; listed in place.
    talks = 0
    for v in range(m):
        i = visited[v]
        st = status[i]
        present = (st < state.FIRST_TERMINAL) & (st != state.ON_LINK)
        visited[talks] = i
        talks += np.int64(present & (uniform(key, i, 0) < trust[i, WORD_OF_MOUTH] / 100.0))
    for v in range(talks):
        i = visited[v]
        here = node[i]
        if (flags[i] & state.FLAG_KNOWS_ROUTES) == 0 and uniform(key, i, 9) < route_shares[here]:
            flags[i] |= state.FLAG_KNOWS_ROUTES
        _refresh(i, knowledge, info_day, today, fade_pow)
        home = origin[i]
        for t in range(knowledge.shape[1]):
            # One 64-bit draw per topic: the low bit picks the contact's pool, the high 53 bits the uniform.
            r = bits(key, i, 1 + t)
            from_home = (r & np.uint64(1)) != 0
            informed = community_shares[home, t, 0] if from_home else node_shares[here, t, 0]
            misinformed = community_shares[home, t, 1] if from_home else node_shares[here, t, 1]
            v = (r >> np.uint64(11)) * (1.0 / 9007199254740992.0)
            k = knowledge[i, t]
            right = v < informed
            wrong = (not right) and v < informed + misinformed
            k = np.int8(strength) if right and k < strength else k
            k = np.int8(-strength) if wrong and k > -strength else k
            knowledge[i, t] = k
    return talks


@njit(cache=True, parallel=True)
def word_of_mouth(
    status,
    node,
    origin,
    flags,
    knowledge,
    info_day,
    trust,
    today,
    fade_pow,
    node_shares,
    community_shares,
    route_shares,
    contacts_per_day,
    strength,
    key,
    n_chunks,
):
    """Word of mouth among people at the same node and people from the same community of origin.

    ``node_shares[n, t, 0]`` is the share of people at node n who know topic t,
    ``[..., 1]`` the share misinformed; ``community_shares`` the same per
    community of origin.  A person talks with a contact on a given day with
    chance ``contacts_per_day x trust in peers / 100``; it then hears, per
    topic, from a contact drawn from its node or its community with equal
    chance, what that contact believes.  A talker who has not learnt of the
    latest closures learns of them with chance ``route_shares[node]``, the
    share of people at its node who know of them.

    Talkers are drawn block by block with geometric gaps at rate
    ``contacts_per_day``, then thinned by trust, so only about that share of
    agents is visited.  Returns the number of conversations.
    """
    n = status.shape[0]
    n_blocks = (n + WORD_OF_MOUTH_BLOCK - 1) // WORD_OF_MOUTH_BLOCK
    talks = np.zeros(n_blocks, dtype=np.int64)
    if contacts_per_day <= 0.0:
        return 0
    log_stay = np.log1p(-min(contacts_per_day, 1.0 - 1e-12))
    for b in prange(n_blocks):
        talks[b] = _word_of_mouth_block(
            b,
            status,
            node,
            origin,
            flags,
            knowledge,
            info_day,
            trust,
            today,
            fade_pow,
            node_shares,
            community_shares,
            route_shares,
            log_stay,
            strength,
            key,
        )
    return talks.sum()

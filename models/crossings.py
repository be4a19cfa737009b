"""Border crossings: regular or irregular, documents, and the risks of crossing irregularly.

A link that crosses an international border is a *crossing*.  It may have a
regular channel (an official post, open or closed, requiring some documents)
and an irregular alternative (a trail, a river, the Darién) with its incident
risks.  When a traveller is about to take a crossing:

1. with the documents the regular channel requires, it crosses regularly;
2. without them, it may obtain them while there (a daily chance that rises with
   its knowledge of regular channels) and cross regularly;
3. otherwise, if there is an irregular alternative, it crosses irregularly with
   a daily chance that falls with its risk perception and the crossing's cost
   and, where a regular channel exists, with its knowledge of regular channels
   (misinformation raises it);
4. otherwise it stops at the node before the crossing and tries again another day.

Irregular crossers run the crossing's incident risks (death, injury, robbery,
trafficking); knowledge of risks lowers the trafficking risk.
"""

from __future__ import annotations

from dataclasses import dataclass

from numba import njit

from models.information import TOPIC_REGULAR, TOPIC_RISK, knowledge_now, risk_perception
from models.params import parameter
from models.rng import uniform

CROSSED_REGULAR, CROSSED_IRREGULAR, BLOCKED = 1, 2, 0
# Per-crossing daily tallies (columns)
TALLY = (
    "regular",
    "irregular",
    "blocked",
    "documents_obtained",
    "deaths",
    "injuries",
    "robberies",
    "trafficking",
    "joined_queue",
    "admitted",
    "gave_up",
    "gave_up_irregular",
    "gave_up_stayed",
    "gave_up_returned",
)
T_REGULAR, T_IRREGULAR, T_BLOCKED, T_DOCUMENTS, T_DEATH, T_INJURY, T_ROBBERY, T_TRAFFICKING = range(8)
T_QUEUED, T_ADMITTED, T_GAVE_UP, T_GAVE_UP_IRREGULAR, T_GAVE_UP_STAYED, T_GAVE_UP_RETURNED = range(8, 14)
N_TALLY = len(TALLY)
INCIDENTS = ("death", "injury", "robbery", "trafficking")


@dataclass(frozen=True)
class CrossingParams:
    """Parameters of the crossing decision (``parameters.crossings``)."""

    irregular_crossing_probability_per_day: float = parameter(
        0.5,
        "1/day",
        "Chance per day that a person without the documents for the regular channel crosses irregularly, at zero risk perception.",
        0.0,
        1.0,
    )
    risk_deterrence: float = parameter(
        0.6,
        "share",
        "Share by which a risk perception of 100 cuts the chance of crossing irregularly.",
        0.0,
        1.0,
        "Guinea schools trial: risk information cut migration without a visa by about half after a year; Gambia: no net "
        "effect where risk beliefs were already high (campaign_evidence.csv). Wide range.",
    )
    regular_channel_preference: float = parameter(
        0.5,
        "share",
        "Share by which full knowledge of regular channels cuts irregular crossing where a regular channel exists.",
        0.0,
        1.0,
        "97% would make a great effort to obtain documents, 59% did not know which (Migrar Informados baseline).",
    )
    documents_probability_per_day_uninformed: float = parameter(
        0.01, "1/day", "Chance per day of obtaining the documents a regular channel requires, knowing nothing of how.", 0.0, 1.0
    )
    documents_probability_per_day_informed: float = parameter(
        0.08, "1/day", "The same chance with full knowledge of regular channels (linear in between).", 0.0, 1.0
    )
    trafficking_avoidance: float = parameter(
        0.5, "share", "Share by which full knowledge of route risks cuts the trafficking risk of an irregular crossing.", 0.0, 1.0
    )
    queue_patience_days: float = parameter(
        14.0, "days", "Wait at which a queuing person's daily chances of giving up reach half their maximum.", 0.1, 365.0
    )
    give_up_irregular_probability_per_day: float = parameter(
        0.15,
        "1/day",
        "Largest daily chance that a queuing person turns to the crossing's irregular alternative (times 1 - deterrence x risk).",
        0.0,
        1.0,
    )
    give_up_stay_probability_per_day: float = parameter(
        0.03, "1/day", "Largest daily chance that a queuing person gives up and settles where it is.", 0.0, 1.0
    )
    give_up_return_probability_per_day: float = parameter(
        0.01, "1/day", "Largest daily chance that a queuing person gives up and heads back to its origin.", 0.0, 1.0
    )
    irregular_cost_reference_usd: float = parameter(
        1000.0,
        "USD",
        "Cost of an irregular crossing (guides, boats) that halves its daily chance; cheaper crossings are taken more.",
        1.0,
        100000.0,
    )


@njit(cache=True, inline="always")
def crossing_decision(
    i,
    x,
    hop,
    group,
    documents,
    knowledge,
    info_day,
    risk_base,
    today,
    fade_pow,
    risk_weight,
    misinformation_weight,
    regular_open,
    documents_required,
    irregular_open,
    cost_usd,
    irregular_probability,
    deterrence,
    preference,
    documents_uninformed,
    documents_informed,
    cost_reference_usd,
    key,
):
    """How agent i takes crossing x today: (CROSSED_REGULAR | CROSSED_IRREGULAR | BLOCKED, obtained documents).

    ``regular_open[x, g]`` says whether the regular channel is open to group g.
    """
    if regular_open[x, group[i]] != 0 and documents[i] >= documents_required[x]:
        return CROSSED_REGULAR, False
    know_regular = knowledge_now(knowledge[i, TOPIC_REGULAR], info_day[i], today, fade_pow)
    informed = max(know_regular, 0.0) / 100.0
    misinformed = max(-know_regular, 0.0) / 100.0
    if regular_open[x, group[i]] != 0:
        p_documents = documents_uninformed + (documents_informed - documents_uninformed) * informed
        if uniform(key, i, 4 * hop) < p_documents:
            documents[i] = documents_required[x]
            return CROSSED_REGULAR, True
    if irregular_open[x] != 0:
        know_risk = knowledge_now(knowledge[i, TOPIC_RISK], info_day[i], today, fade_pow)
        risk = risk_perception(risk_base[i], know_risk, risk_weight)
        p = irregular_probability * (1.0 - deterrence * risk / 100.0) / (1.0 + cost_usd[x] / cost_reference_usd)
        if regular_open[x, group[i]] != 0:
            p *= 1.0 - preference * informed
            p *= 1.0 + misinformation_weight * misinformed
        if uniform(key, i, 4 * hop + 1) < min(p, 1.0):
            return CROSSED_IRREGULAR, False
    return BLOCKED, False


@njit(cache=True, inline="always")
def incident(i, x, hop, risks, know_risk_now, avoidance, key):
    """The incident an irregular crossing brings agent i (index into INCIDENTS), or -1 for none."""
    u = uniform(key, i, 4 * hop + 2)
    trafficking = risks[x, 3] * (1.0 - avoidance * max(know_risk_now, 0.0) / 100.0)
    edge = risks[x, 0]
    if u < edge:
        return 0
    edge += risks[x, 1]
    if u < edge:
        return 1
    edge += risks[x, 2]
    if u < edge:
        return 2
    edge += trafficking
    if u < edge:
        return 3
    return -1

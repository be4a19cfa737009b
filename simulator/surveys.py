"""The simulated survey instrument: a flow monitoring survey of the agents who pass or stay at some nodes.

A scenario's ``surveys:`` entry places a survey at one node or several over a
date range with a sample size::

    surveys:
      - {name: ERM Darién, nodes: [PA_ERMD], start_date: 2024-08-01, end_date: 2024-08-31, sample_size: 400}

Every day of the window, the people eligible are those present at a surveyed
node before the move phase (staying there, or about to leave) and after it
(arrived, stopped or waiting), and those who passed through it during the
day (their last node of the day was the surveyed one); someone who passed
through it and another node the same day is missed, as a real survey point
would miss someone who did not stop.  ``who`` keeps everybody (``all``), people
on the way (``in_transit``) or people living there (``settled``);
``adults_only`` and ``groups`` narrow the population.

The sample is the ``sample_size`` eligible people with the smallest draw
``uniform(day_key(seed, "survey", k), agent, 0)`` (k: the survey's index), a
sample without replacement that does not depend on the order people were met;
each respondent is interviewed when first met.  With ``--scale K`` a
respondent is an agent, who stands for K people.

The run's ``surveys`` table reports, per survey, variable and category, the
share of respondents with its standard error (binomial, with the finite
population correction over the eligible agents) and a 95% interval;
``survey_respondents`` has one row per respondent, from which joint variables
(``sex*minor``) are tabulated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.information import INFORMED
from models.rng import day_key
from models.state import (
    FLAG_CROSSED_IRREGULARLY,
    FLAG_INTERNET,
    FLAG_MOVED_ON,
    FLAG_REGULAR_STATUS,
    SETTLED,
    STATUS_NAMES,
    TOPICS,
)
from models.surveys import survey_candidates, uniforms_at
from models.synthesis import unpack_traits
from simulator.attributes import (
    AGE_GROUPS,
    COARSE,
    JOINT,
    KNOWLEDGE_LEVELS,
    REASONS,
    SEXES,
    SURVEY_ONLY,
    YES_NO,
    Vocabulary,
)

RECORD = ("agent", "draw", "day", "node", "status", "flags", "documents", "traits", "destination", "group", "knowledge")
SURVEY_COLUMNS = [
    "survey",
    "variable",
    "category",
    "share",
    "respondents",
    "standard_error",
    "ci_low",
    "ci_high",
    "eligible_persons",
    "start_date",
    "end_date",
    "nodes",
]


class _Survey:
    """One survey's sampling state: who has been met, and the current sample with their answers."""

    def __init__(self, spec, index: int, model):
        g = model.graph
        start = model.scenario.start_date
        self.spec = spec
        self.first_day = (spec.start_date - start).days
        self.last_day = (spec.end_date - start).days
        self.node_mask = np.zeros(g.n_nodes, dtype=np.uint8)
        self.node_mask[[g.index(n) for n in spec.nodes]] = 1
        groups = model.scenario.groups
        self.group_ok = np.array([spec.groups is None or name in spec.groups for name in groups], dtype=bool)
        self.key = day_key(model.seed_value, "survey", index)
        self.seen = np.zeros(0, dtype=bool)
        self.eligible = 0
        self.sample = {name: np.zeros((0, len(TOPICS)) if name == "knowledge" else 0, dtype=_dtype(name)) for name in RECORD}

    def active(self, day: int) -> bool:
        return self.first_day <= day <= self.last_day

    def observe(self, agents: np.ndarray, model, day: int) -> None:
        pop = model.population
        status = pop.status[agents]
        keep = self.group_ok[pop.group[agents]]
        if self.spec.who == "in_transit":
            keep &= status != SETTLED
        elif self.spec.who == "settled":
            keep &= status == SETTLED
        if self.spec.adults_only:
            keep &= unpack_traits(pop.traits[agents])["age_group"] != 0
        agents = agents[keep]
        if len(self.seen) < pop.size:
            grown = np.zeros(max(pop.size, int(len(self.seen) * 1.5)), dtype=bool)
            grown[: len(self.seen)] = self.seen
            self.seen = grown
        agents = agents[~self.seen[agents]]
        if not len(agents):
            return
        self.seen[agents] = True
        self.eligible += len(agents)
        draws = uniforms_at(self.key, agents, 0)
        k = self.spec.sample_size
        held = self.sample["draw"]
        if len(held) >= k:
            threshold = held.max()
            take = draws < threshold
            agents, draws = agents[take], draws[take]
            if not len(agents):
                return
        if len(agents) > k:  # only the k smallest draws can enter the sample
            first = np.lexsort((agents, draws))[:k]
            agents, draws = agents[first], draws[first]
        fade = model.information.fade_pow
        gap = np.clip(day - pop.info_day[agents].astype(np.int64), 0, len(fade) - 1)
        know = pop.knowledge[agents].astype(np.float64) * fade[gap][:, None]
        levels = np.where(know >= INFORMED, 0, np.where(know <= -INFORMED, 1, 2))
        new = {
            "agent": agents,
            "draw": draws,
            "day": np.full(len(agents), day),
            "node": pop.node[agents],
            "status": pop.status[agents],
            "flags": pop.flags[agents],
            "documents": pop.documents[agents],
            "traits": pop.traits[agents],
            "destination": pop.destination[agents],
            "group": pop.group[agents],
            "knowledge": levels.astype(np.uint8),
        }
        merged = {name: np.concatenate([self.sample[name], new[name].astype(_dtype(name))]) for name in RECORD}
        order = np.lexsort((merged["agent"], merged["draw"]))[:k]
        self.sample = {name: merged[name][order] for name in RECORD}

    def state(self) -> dict[str, np.ndarray]:
        return {**self.sample, "seen": self.seen, "eligible": np.array([self.eligible])}

    def load(self, arrays: dict[str, np.ndarray]) -> None:
        self.sample = {name: arrays[name].astype(_dtype(name)) for name in RECORD}
        self.seen = arrays["seen"].astype(bool)
        self.eligible = int(arrays["eligible"][0])


def _dtype(name: str):
    return {"agent": np.int64, "draw": np.float64, "day": np.int64, "node": np.int32, "destination": np.int32}.get(name, np.uint8)


class SurveyState:
    """Every survey of a run: sampled during the move phase of the days in their windows."""

    def __init__(self, model):
        self.surveys = [_Survey(spec, k, model) for k, spec in enumerate(model.scenario.surveys)]
        self._pre_link: np.ndarray | None = None

    def before_move(self, model, day: int) -> bool:
        """Meet the people at surveyed nodes before they move; True when some survey runs today."""
        active = [s for s in self.surveys if s.active(day)]
        if not active:
            return False
        pop = model.population
        self._pre_link = pop.link.copy()
        for s in active:
            s.observe(survey_candidates(pop.status, pop.node, pop.link, self._pre_link, s.node_mask, False), model, day)
        return True

    def after_move(self, model, day: int) -> None:
        """Meet the people who arrived at, stopped at or passed through surveyed nodes today."""
        pop = model.population
        for s in self.surveys:
            if s.active(day):
                s.observe(survey_candidates(pop.status, pop.node, pop.link, self._pre_link, s.node_mask, True), model, day)
        self._pre_link = None

    def arrays(self) -> dict[str, np.ndarray]:
        """The sampling state as arrays (for checkpoints)."""
        return {f"survey{k}_{name}": v for k, s in enumerate(self.surveys) for name, v in s.state().items()}

    def load(self, arrays: dict[str, np.ndarray]) -> None:
        """Restore :meth:`arrays`."""
        for k, s in enumerate(self.surveys):
            prefix = f"survey{k}_"
            s.load({name[len(prefix) :]: v for name, v in arrays.items() if name.startswith(prefix)})

    def tables(self, model) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The ``surveys`` table (shares with sampling error) and ``survey_respondents`` (one row per respondent)."""
        vocabulary = Vocabulary.for_scenario(model.scenario)
        respondents = [respondent_table(s, model, vocabulary) for s in self.surveys]
        frames = [survey_shares(r, s, model, vocabulary) for r, s in zip(respondents, self.surveys, strict=True)]
        people = pd.concat(respondents, ignore_index=True) if respondents else pd.DataFrame(columns=["survey", "agent"])
        shares = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SURVEY_COLUMNS)
        return shares, people


def single_variables(vocabulary: Vocabulary) -> list[str]:
    """The variables a survey reports, one column each in ``survey_respondents``."""
    return [*vocabulary.base, *COARSE, *SURVEY_ONLY]


def respondent_table(survey: _Survey, model, vocabulary: Vocabulary) -> pd.DataFrame:
    """One row per respondent: survey, agent, day, date, node, status and every single variable's category."""
    s = survey.sample
    g = model.graph
    n = len(s["agent"])
    traits = unpack_traits(s["traits"])
    dest = s["destination"]
    dest_iso3 = np.array([g.node_iso3[d] if d >= 0 else "" for d in dest], dtype=object)
    columns = {
        "survey": np.full(n, survey.spec.name, dtype=object),
        "agent": s["agent"],
        "day": s["day"],
        "date": pd.to_datetime([model.scenario.date_of(int(d)) for d in s["day"]]),
        "node_id": np.array([g.node_ids[i] for i in s["node"]], dtype=object),
        "status": np.array([STATUS_NAMES.get(int(v), str(v)) for v in s["status"]], dtype=object),
        "sex": np.array(SEXES, dtype=object)[traits["sex"]],
        "age_group": np.array(AGE_GROUPS, dtype=object)[traits["age_group"]],
        "travelling_with_family": np.array(YES_NO, dtype=object)[traits["travelling_with_family"]],
        "reason_for_leaving": np.array(REASONS, dtype=object)[np.minimum(traits["reason_for_leaving"], len(REASONS) - 1)],
        "documents": np.array(list(vocabulary.base["documents"]), dtype=object)[s["documents"].astype(np.int64)],
        "internet": _yes_no(s["flags"] & FLAG_INTERNET),
        "regular_status": _yes_no(s["flags"] & FLAG_REGULAR_STATUS),
        "intended_destination": dest_iso3,
        "crossed_irregularly": _yes_no(s["flags"] & FLAG_CROSSED_IRREGULARLY),
        "travelled_directly": _yes_no((s["flags"] & FLAG_MOVED_ON) == 0),
        "nationality": np.array(model.scenario.groups, dtype=object)[s["group"].astype(np.int64)],
    }
    for t, topic in enumerate(TOPICS):
        columns[f"knowledge_{topic}"] = np.array(KNOWLEDGE_LEVELS, dtype=object)[s["knowledge"][:, t].astype(np.int64)]
    frame = pd.DataFrame(columns)
    for name, (base, mapping) in COARSE.items():
        frame[name] = frame[base].map(mapping)
    return frame


def _yes_no(mask: np.ndarray) -> np.ndarray:
    return np.where(np.asarray(mask) != 0, "yes", "no").astype(object)


def tabulate(respondents: pd.DataFrame, variable: str) -> tuple[pd.Series, int]:
    """Shares of each category of ``variable`` (single or joint ``a*b``) among respondents, and their number."""
    parts = [p.strip() for p in variable.split(JOINT)]
    labels = respondents[parts[0]].astype(str)
    for part in parts[1:]:
        labels = labels + JOINT + respondents[part].astype(str)
    n = len(labels)
    counts = labels.value_counts()
    return (counts / n if n else counts.astype(float)), n


def survey_shares(respondents: pd.DataFrame, survey: _Survey, model, vocabulary: Vocabulary) -> pd.DataFrame:
    """Per single variable and category: share of respondents, standard error and 95% interval."""
    n = len(respondents)
    population = max(survey.eligible, n)
    fpc = (population - n) / (population - 1) if population > 1 else 0.0
    rows = []
    for variable in single_variables(vocabulary):
        shares, _ = tabulate(respondents, variable)
        for category in vocabulary.survey_categories(variable):
            if variable == "intended_destination" and category not in shares.index:
                continue
            p = float(shares.get(category, 0.0))
            se = float(np.sqrt(p * (1.0 - p) / n * fpc)) if n else float("nan")
            rows.append(
                {
                    "survey": survey.spec.name,
                    "variable": variable,
                    "category": category,
                    "share": p if n else float("nan"),
                    "respondents": n,
                    "standard_error": se,
                    "ci_low": max(0.0, p - 1.96 * se) if n else float("nan"),
                    "ci_high": min(1.0, p + 1.96 * se) if n else float("nan"),
                    "eligible_persons": survey.eligible * model.scale,
                    "start_date": pd.Timestamp(survey.spec.start_date),
                    "end_date": pd.Timestamp(survey.spec.end_date),
                    "nodes": ";".join(survey.spec.nodes),
                }
            )
    return pd.DataFrame(rows, columns=SURVEY_COLUMNS)

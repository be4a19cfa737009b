"""The vocabulary of who people are: the variables surveys report and population synthesis draws.

*Base variables* are drawn for every agent when it appears (population
synthesis) and are what the engine keeps: sex, age group, travelling with
family, reason for leaving, documents, internet access, regular status,
knowledge of each information topic, and the intended destination country.
*Coarse variables* group a base variable's categories (``minor`` from
``age_group``, ``has_passport`` from ``documents``, ``knows_route_risks`` from
``knowledge_route_risks``...); a marginal on one constrains its base variable.
*Survey-only variables* come from what happened during the run
(``crossed_irregularly``, ``travelled_directly``) or from the scenario
(``nationality``: the agent's group).  A *joint variable* is a product of
others written with ``*``, its categories likewise: ``sex*minor`` has the
category ``male*no``.

Categories that depend on the scenario (countries, groups) come from a
:class:`Vocabulary` built for that scenario.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.state import DOCUMENTS, TOPICS

SEXES = ("female", "male")
AGE_GROUPS = ("0-17", "18-34", "35-59", "60+")
REASONS = ("economic", "insecurity", "family_reunification", "political", "services", "other")
YES_NO = ("yes", "no")
KNOWLEDGE_LEVELS = ("knows", "misinformed", "unaware")
#: The category of ``intended_destination`` in synthesis meaning "chosen by the model's destination choice".
BY_MODEL = "(model)"
JOINT = "*"

#: Base variables in the order the synthesis kernel decodes them (the index is the column of its code table).
BASE_VARIABLES = (
    "sex",
    "age_group",
    "travelling_with_family",
    "reason_for_leaving",
    "documents",
    "internet",
    "regular_status",
    *(f"knowledge_{t}" for t in TOPICS),
    "intended_destination",
)
V_SEX, V_AGE, V_FAMILY, V_REASON, V_DOCUMENTS, V_INTERNET, V_REGULAR = range(7)
V_KNOWLEDGE = 7  # first of len(TOPICS) knowledge columns
V_DESTINATION = V_KNOWLEDGE + len(TOPICS)

#: Coarse variables: name -> (base variable, {base category: coarse category}).
COARSE = {
    "minor": ("age_group", {"0-17": "yes", "18-34": "no", "35-59": "no", "60+": "no"}),
    "has_identity_document": ("documents", {"none": "no", "id": "yes", "passport": "yes", "visa": "yes"}),
    "has_passport": ("documents", {"none": "no", "id": "no", "passport": "yes", "visa": "yes"}),
    **{f"knows_{t}": (f"knowledge_{t}", {"knows": "yes", "misinformed": "no", "unaware": "no"}) for t in TOPICS},
    **{f"misinformed_{t}": (f"knowledge_{t}", {"knows": "no", "misinformed": "yes", "unaware": "no"}) for t in TOPICS},
}

#: Variables only a survey can report: they come from the run, not from synthesis.
SURVEY_ONLY = ("crossed_irregularly", "travelled_directly", "nationality")

DESCRIPTIONS = {
    "sex": "sex of the person",
    "age_group": "age group, years",
    "travelling_with_family": "travels with members of its family",
    "reason_for_leaving": "main reason for leaving",
    "documents": "highest identity or travel document held (a visa implies a passport)",
    "internet": "has internet access (a smartphone) on the way",
    "regular_status": "holds regular status where it lives",
    "intended_destination": "country of intended destination (for people settled: the country where they live)",
    "minor": "under 18",
    "has_identity_document": "holds an identity document or better",
    "has_passport": "holds a passport",
    "crossed_irregularly": "has crossed a border irregularly at least once",
    "travelled_directly": "has not moved on from a country where it had settled",
    "nationality": "the person's group in the scenario (nationality)",
    **{f"knowledge_{t}": f"what it believes about {t.replace('_', ' ')}" for t in TOPICS},
    **{f"knows_{t}": f"knows about {t.replace('_', ' ')}" for t in TOPICS},
    **{f"misinformed_{t}": f"is misinformed about {t.replace('_', ' ')}" for t in TOPICS},
}


@dataclass(frozen=True)
class Variable:
    """One variable: its categories and, for variables synthesis can constrain, how they map onto base variables.

    ``parts`` are the base variables a marginal on it constrains, and
    ``groups[k]`` maps each combination of those base variables' categories
    (in row-major order) to this variable's category index.
    """

    name: str
    categories: tuple[str, ...]
    parts: tuple[str, ...] = ()
    groups: tuple[int, ...] = ()

    @property
    def synthesizable(self) -> bool:
        """True when population synthesis can match a marginal of this variable."""
        return bool(self.parts)

    def index(self, category: str) -> int:
        """Index of ``category`` (ValueError if it is not one)."""
        return self.categories.index(category)


class Vocabulary:
    """Every variable and category for one scenario (its countries and groups)."""

    def __init__(self, countries: Sequence[str] = (), destination_countries: Sequence[str] = (), groups: Sequence[str] = ()):
        self.countries = tuple(countries)
        self.destination_countries = tuple(destination_countries)
        self.groups = tuple(groups)
        self.base: dict[str, tuple[str, ...]] = {
            "sex": SEXES,
            "age_group": AGE_GROUPS,
            "travelling_with_family": YES_NO,
            "reason_for_leaving": REASONS,
            "documents": tuple(DOCUMENTS),
            "internet": YES_NO,
            "regular_status": YES_NO,
            **{f"knowledge_{t}": KNOWLEDGE_LEVELS for t in TOPICS},
            "intended_destination": (BY_MODEL, *self.destination_countries),
        }

    @classmethod
    def for_scenario(cls, scenario) -> Vocabulary:
        """The vocabulary of a loaded scenario."""
        countries = sorted({n.iso3 for n in scenario.nodes})
        destinations = sorted({n.iso3 for n in scenario.nodes if n.attractiveness > 0})
        return cls(countries, destinations, scenario.groups)

    def names(self) -> list[str]:
        """Every single (non-joint) variable name."""
        return [*self.base, *COARSE, *SURVEY_ONLY]

    def survey_categories(self, name: str) -> tuple[str, ...]:
        """Categories a survey reports for a single variable."""
        if name == "intended_destination":
            return self.countries
        if name == "nationality":
            return self.groups
        if name in ("crossed_irregularly", "travelled_directly"):
            return YES_NO
        return self.single(name).categories

    def single(self, name: str) -> Variable:
        """One non-joint variable (KeyError if unknown)."""
        if name in self.base:
            categories = self.base[name]
            return Variable(name, categories, (name,), tuple(range(len(categories))))
        if name in COARSE:
            base, mapping = COARSE[name]
            categories = tuple(dict.fromkeys(mapping.values()))
            return Variable(name, categories, (base,), tuple(categories.index(mapping[c]) for c in self.base[base]))
        if name in SURVEY_ONLY:
            return Variable(name, self.survey_categories(name))
        raise KeyError(name)

    def variable(self, name: str) -> Variable:
        """A single or joint variable (``a*b``); KeyError names the first unknown part."""
        parts = [p.strip() for p in name.split(JOINT)]
        if len(parts) == 1:
            return self.single(parts[0])
        singles = [self.single(p) for p in parts]
        if len(set(parts)) != len(parts):
            raise KeyError(name)
        categories = [""]
        for v in singles:
            cats = v.categories if v.synthesizable else self.survey_categories(v.name)
            categories = [f"{a}{JOINT}{c}" if a else c for a in categories for c in cats]
        if not all(v.synthesizable for v in singles):
            return Variable(JOINT.join(parts), tuple(categories))
        base_parts: list[str] = []
        for v in singles:
            for b in v.parts:
                if b in base_parts:
                    raise KeyError(name)  # two parts coarsen the same base variable
                base_parts.append(b)
        groups = []
        sizes = [len(self.base[b]) for b in base_parts]
        for cell in range(_product(sizes)):
            codes = _unravel(cell, sizes)
            index = 0
            for v, code in zip(singles, codes, strict=True):
                index = index * len(v.categories) + v.groups[code]
            groups.append(index)
        return Variable(JOINT.join(parts), tuple(categories), tuple(base_parts), tuple(groups))

    def survey_variable_categories(self, name: str) -> tuple[str, ...]:
        """Categories of a variable as a survey reports it (joint ones included)."""
        parts = [p.strip() for p in name.split(JOINT)]
        categories = [""]
        for part in parts:
            cats = self.survey_categories(part)
            categories = [f"{a}{JOINT}{c}" if a else c for a in categories for c in cats]
        return tuple(categories)


def _product(sizes: Sequence[int]) -> int:
    out = 1
    for s in sizes:
        out *= s
    return out


def _unravel(index: int, sizes: Sequence[int]) -> list[int]:
    codes = []
    for size in reversed(sizes):
        codes.append(index % size)
        index //= size
    return codes[::-1]

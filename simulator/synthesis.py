"""Population synthesis: per place, a joint distribution of who people are, raked to the marginals given for it.

Each population profile of a scenario gives, for the places it covers, the
shares of the base variables of :mod:`simulator.attributes` (its fields: sex,
age group, family, reasons, documents, internet, regular status, knowledge,
destinations), optional marginals of single, coarse or joint variables
(inline, or the surveys of a marginals file), and an optional seed (weighted
combinations of some base variables, from a sample).  Base variables that a
joint marginal or the seed ties together are raked jointly; the others are
independent.  The fit is iterative proportional fitting from the seed (the
profile's defaults taken as independent, with a 0.1% uniform floor so that
every category stays reachable); a variable whose shares the profile gives
explicitly, or that a marginal constrains, loses its default.  Where marginals
conflict, the residuals say by how much (``Profiles.fit_rows()``).

The engine draws each new agent's attributes from its start node's tables,
one uniform per group of tied variables (:mod:`models.synthesis`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from models.state import CHANNELS, TOPICS
from simulator.attributes import BASE_VARIABLES, BY_MODEL, Vocabulary
from simulator.csvsource import read_csv_rows
from simulator.errors import ScenarioError, suggestion
from simulator.raking import RakeResult, rake, shares_constraint
from simulator.schema import MarginalSpec, PopulationProfile

DEFAULT_TRUST = {
    "social_media": 0.5,
    "information_centre": 0.7,
    "community_outreach": 0.7,
    "mass_media": 0.5,
    "word_of_mouth": 0.7,
}
#: Share of the seed spread uniformly, so that raking can reach categories a default holds at zero.
SEED_FLOOR = 1e-3


# -- loading: resolve files into inline marginals and seed rows ----------------


def _marginal_error(lines, path, message, file=None, line=None):
    return ScenarioError(message, file, line, "variable") if file is not None else lines.error(path, message)


def _check_marginal(m: MarginalSpec, vocabulary: Vocabulary, error) -> None:
    try:
        variable = vocabulary.variable(m.variable)
    except KeyError:
        raise error(f"unknown variable '{m.variable}'{suggestion(m.variable, vocabulary.names())}") from None
    if not variable.synthesizable:
        raise error(f"'{m.variable}' cannot be drawn by synthesis: it is only reported by surveys of a run")
    for category in m.shares:
        if category not in variable.categories:
            hint = suggestion(category, variable.categories)
            raise error(f"unknown category '{category}' of '{m.variable}'{hint} (categories: {', '.join(variable.categories)})")


def _seed_rows(raw, vocabulary: Vocabulary, error_at) -> list[dict]:
    """Validated seed rows: base variable -> category, plus ``weight``; ``error_at(where, column, message)``."""
    rows = []
    columns = None
    for where, row in raw:
        keys = [k for k in row if k != "weight"]
        if "weight" not in row:
            raise error_at(where, "weight", "a seed row needs a weight")
        if columns is None:
            columns = keys
            if not keys:
                raise error_at(where, "weight", "a seed needs at least one variable column")
        elif keys != columns:
            raise error_at(where, "weight", f"every seed row must give the same variables ({', '.join(columns)})")
        for k in keys:
            if k not in vocabulary.base:
                raise error_at(where, k, f"unknown base variable '{k}'{suggestion(k, vocabulary.base)}")
            if str(row[k]).strip() not in vocabulary.base[k]:
                cats = vocabulary.base[k]
                raise error_at(
                    where, k, f"unknown category '{row[k]}'{suggestion(str(row[k]), cats)} (categories: {', '.join(cats)})"
                )
        try:
            weight = float(row["weight"])
        except (TypeError, ValueError):
            raise error_at(where, "weight", f"expected a number (got {row['weight']!r})") from None
        if not weight >= 0 or not np.isfinite(weight):
            raise error_at(where, "weight", f"a weight must be a finite number >= 0 (got {weight:g})")
        rows.append({**{k: str(row[k]).strip() for k in keys}, "weight": weight})
    if rows and sum(r["weight"] for r in rows) <= 0:
        raise error_at(raw[0][0], "weight", "the seed's weights sum to zero")
    return rows


def resolve_profile(
    profile: PopulationProfile, path: tuple, lines, base_dir: Path, vocabulary: Vocabulary, files: list
) -> PopulationProfile:
    """Check a profile against the scenario and turn its file references into inline marginals and seed rows."""
    for key in profile.destinations:
        if key not in vocabulary.destination_countries:
            known = vocabulary.destination_countries
            raise lines.error(
                (*path, "destinations", key),
                f"'{key}' is not a country with a destination node{suggestion(key, known)} (destinations: {', '.join(known)})",
            )
    for j, m in enumerate(profile.marginals):
        _check_marginal(m, vocabulary, lambda msg, j=j: lines.error((*path, "marginals", j, "variable"), msg))
    marginals = list(profile.marginals)
    if profile.survey_marginals is not None:
        from simulator.marginals import group_surveys, load_marginals

        ref = profile.survey_marginals
        csv_path = Path(ref.file) if Path(ref.file).is_absolute() else base_dir / ref.file
        shown = str(Path(lines.file).parent / ref.file) if lines.file and not Path(ref.file).is_absolute() else ref.file
        if not csv_path.is_file():
            raise lines.error((*path, "survey_marginals", "file"), f"file not found: {shown}")
        files.append(csv_path)
        rows = load_marginals(csv_path, vocabulary, shown_as=shown)
        surveys = group_surveys(rows)
        wanted = ref.surveys if ref.surveys is not None else list(surveys)
        for j, name in enumerate(wanted):
            if name not in surveys:
                raise lines.error(
                    (*path, "survey_marginals", "surveys", j), f"no survey '{name}' in {shown}{suggestion(name, surveys)}"
                )
        for name in wanted:
            s = surveys[name]
            for variable, shares in s.shares.items():
                spec = MarginalSpec(variable=variable, shares=shares, source=f"{shown}:{s.lines[variable]} {name}")
                line = s.lines[variable]
                _check_marginal(spec, vocabulary, lambda msg, line=line: ScenarioError(msg, shown, line, "variable"))
                marginals.append(spec)
    seed = profile.seed
    if isinstance(seed, str):
        seed_path = Path(seed) if Path(seed).is_absolute() else base_dir / seed
        shown = str(Path(lines.file).parent / seed) if lines.file and not Path(seed).is_absolute() else seed
        if not seed_path.is_file():
            raise lines.error((*path, "seed"), f"file not found: {shown}")
        files.append(seed_path)
        raw = [(line, row) for line, row in read_csv_rows(seed_path, ("weight",), shown)]
        seed = _seed_rows(raw, vocabulary, lambda line, col, msg: ScenarioError(msg, shown, line, col))
    elif isinstance(seed, list):
        seed = _seed_rows(list(enumerate(seed)), vocabulary, lambda j, col, msg: lines.error((*path, "seed", j, col), msg))
    return profile.model_copy(update={"marginals": marginals, "survey_marginals": None, "seed": seed})


# -- compiling: raked tables per profile ---------------------------------------


@dataclass
class ProfileFit:
    """How one profile's raking went: per group of tied variables, the fit and its residuals."""

    profile: int
    nodes: list[str] | None
    results: list[RakeResult]

    @property
    def max_residual(self) -> float:
        """Largest gap between a fitted and a target share in this profile."""
        return max((r.max_residual for r in self.results), default=0.0)


@dataclass
class Profiles:
    """Per-place tables that new agents are drawn from.

    ``cdf[p, offset[k]:offset[k] + size[k]]`` is profile p's cumulative
    distribution over the cells of component k (a group of tied base
    variables); ``codes[cell, v]`` is the category of base variable v in that
    cell (-1 where v is not in the component).
    """

    profile_of_node: np.ndarray
    offset: np.ndarray
    size: np.ndarray
    cdf: np.ndarray
    codes: np.ndarray
    risk_mean: np.ndarray
    trust_mean: np.ndarray
    destination_countries: tuple[str, ...]
    components: list[list[str]]
    fits: list[ProfileFit] = field(default_factory=list)

    @property
    def draws_destinations(self) -> bool:
        """True when some profile sets shares of intended destinations (else the model's choice decides)."""
        return len(self.destination_countries) > 0

    def fit_rows(self) -> list[dict]:
        """Per profile, constraint and category: target, fitted share and residual."""
        rows = []
        for fit in self.fits:
            for result in fit.results:
                for row in result.rows():
                    rows.append({"profile": fit.profile, "nodes": ";".join(fit.nodes or ["(all)"]), **row})
        return rows

    @property
    def max_residual(self) -> float:
        """Largest raking residual over every profile."""
        return max((f.max_residual for f in self.fits), default=0.0)


def _explicit_distributions(profile: PopulationProfile, vocabulary: Vocabulary) -> tuple[dict[str, dict[str, float]], set[str]]:
    """Each base variable's 1-D distribution from the profile's fields, and which were given explicitly."""
    given = profile.model_fields_set
    dist: dict[str, dict[str, float]] = {}
    explicit: set[str] = set()

    def complete(shares: dict[str, float], categories, rest: str) -> dict[str, float]:
        out = {c: float(shares.get(c, 0.0)) for c in categories}
        out[rest] = max(0.0, out[rest] + 1.0 - sum(out.values()))
        return out

    dist["sex"] = complete(profile.sex, vocabulary.base["sex"], "male" if "male" not in profile.sex else "female")
    dist["age_group"] = complete(profile.age_group, vocabulary.base["age_group"], "18-34")
    dist["travelling_with_family"] = {"yes": profile.family_share, "no": 1.0 - profile.family_share}
    dist["reason_for_leaving"] = complete(profile.reasons, vocabulary.base["reason_for_leaving"], "other")
    docs = {level: float(profile.documents.get(level, 0.0)) for level in vocabulary.base["documents"]}
    docs["none"] = max(0.0, 1.0 - sum(v for k, v in docs.items() if k != "none"))
    dist["documents"] = docs
    dist["internet"] = {"yes": profile.internet_share, "no": 1.0 - profile.internet_share}
    dist["regular_status"] = {"yes": profile.regular_status_share, "no": 1.0 - profile.regular_status_share}
    for t in TOPICS:
        know, mis = profile.knowledge.get(t, 0.0), profile.misinformed.get(t, 0.0)
        dist[f"knowledge_{t}"] = {"knows": know, "misinformed": mis, "unaware": max(0.0, 1.0 - know - mis)}
        if t in profile.knowledge or t in profile.misinformed:
            explicit.add(f"knowledge_{t}")
    destinations = vocabulary.base["intended_destination"]
    dist["intended_destination"] = complete(profile.destinations, destinations, BY_MODEL)
    fields = {
        "sex": "sex",
        "age_group": "age_group",
        "family_share": "travelling_with_family",
        "reasons": "reason_for_leaving",
        "documents": "documents",
        "internet_share": "internet",
        "regular_status_share": "regular_status",
        "destinations": "intended_destination",
    }
    explicit |= {variable for name, variable in fields.items() if name in given}
    return dist, explicit


def _components(profiles, vocabulary: Vocabulary) -> list[list[str]]:
    """Groups of base variables tied by a joint marginal or a seed in any profile (union-find)."""
    parent = {v: v for v in BASE_VARIABLES}

    def find(v):
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    def tie(variables):
        variables = list(variables)
        for other in variables[1:]:
            parent[find(other)] = find(variables[0])

    for p in profiles:
        for m in p.marginals:
            tie(vocabulary.variable(m.variable).parts)
        if p.seed:
            tie([k for k in p.seed[0] if k != "weight"])
    groups: dict[str, list[str]] = {}
    for v in BASE_VARIABLES:
        groups.setdefault(find(v), []).append(v)
    return list(groups.values())


def _rake_component(profile, variables, dist, explicit, vocabulary: Vocabulary) -> RakeResult:
    sizes = [len(vocabulary.base[v]) for v in variables]
    seed = np.ones(sizes)
    seed_vars = [k for k in (profile.seed[0] if profile.seed else {}) if k != "weight"]
    if seed_vars and set(seed_vars) <= set(variables):
        table = np.zeros([len(vocabulary.base[v]) for v in seed_vars])
        for row in profile.seed:
            table[tuple(vocabulary.base[v].index(row[v]) for v in seed_vars)] += row["weight"]
        table /= table.sum()
        order = [seed_vars.index(v) for v in variables if v in seed_vars]
        shape = [sizes[a] if v in seed_vars else 1 for a, v in enumerate(variables)]
        seed = np.broadcast_to(table.transpose(order).reshape(shape), sizes).copy()
    for axis, v in enumerate(variables):
        if v in seed_vars:
            continue
        default = np.array([dist[v][c] for c in vocabulary.base[v]])
        marginal = (1.0 - SEED_FLOOR) * default + SEED_FLOOR / len(default)
        shape = [1] * len(variables)
        shape[axis] = len(default)
        seed = seed * marginal.reshape(shape)
    constrained = set()
    constraints = []
    for m in profile.marginals:
        var = vocabulary.variable(m.variable)
        if not set(var.parts) <= set(variables):
            continue
        axes = tuple(variables.index(b) for b in var.parts)
        constraints.append(shares_constraint(m.variable, axes, var.groups, var.categories, m.shares, m.source))
        constrained |= set(var.parts)
    for axis, v in enumerate(variables):
        if v in explicit or v not in constrained:
            cats = vocabulary.base[v]
            source = "profile" if v in explicit else "default"
            constraints.insert(0, shares_constraint(v, (axis,), list(range(len(cats))), cats, dict(dist[v]), source))
    return rake(seed, constraints)


def compile_population(scenario, graph) -> Profiles:
    """Raked tables for every profile, the profile of every node, and mean risk and trust per node."""
    vocabulary = Vocabulary.for_scenario(scenario)
    n = graph.n_nodes
    base = next((p for p in scenario.population if p.nodes is None), None)
    profiles = [base or PopulationProfile()] + [p for p in scenario.population if p is not base]
    of_node = np.zeros(n, dtype=np.int32)
    for k, profile in enumerate(profiles[1:], start=1):
        for node_id in profile.nodes or []:
            of_node[graph.index(node_id)] = k
    components = _components(profiles, vocabulary)
    sizes = [int(np.prod([len(vocabulary.base[v]) for v in comp])) for comp in components]
    offset = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    codes = np.full((sum(sizes), len(BASE_VARIABLES)), -1, dtype=np.int16)
    for comp, start, size in zip(components, offset, sizes, strict=True):
        shape = [len(vocabulary.base[v]) for v in comp]
        grid = np.indices(shape).reshape(len(shape), -1)
        for axis, v in enumerate(comp):
            codes[start : start + size, BASE_VARIABLES.index(v)] = grid[axis]
    cdf = np.zeros((len(profiles), sum(sizes)))
    fits = []
    for k, profile in enumerate(profiles):
        dist, explicit = _explicit_distributions(profile, vocabulary)
        results = []
        for comp, start, size in zip(components, offset, sizes, strict=True):
            result = _rake_component(profile, comp, dist, explicit, vocabulary)
            results.append(result)
            table = np.cumsum(result.table.ravel())
            table[-1] = 1.0
            cdf[k, start : start + size] = table
        index = next((i for i, p in enumerate(scenario.population) if p is profile), -1)
        fits.append(ProfileFit(index, profile.nodes, results))
    node_profiles = [profiles[i] for i in of_node]
    draws = any(p.destinations or any("intended_destination" in m.variable for m in p.marginals) for p in profiles)
    return Profiles(
        profile_of_node=of_node,
        offset=offset,
        size=np.array(sizes, dtype=np.int64),
        cdf=cdf,
        codes=codes,
        risk_mean=np.array([100.0 * p.risk_perception for p in node_profiles]),
        trust_mean=np.array([[100.0 * p.trust.get(c, DEFAULT_TRUST[c]) for c in CHANNELS] for p in node_profiles]),
        destination_countries=tuple(vocabulary.destination_countries) if draws else (),
        components=components,
        fits=fits,
    )

"""Rulesets: which behaviour rules move the agents.

``engine`` is migsim's own ruleset (the body of :meth:`MigrationModel.step`);
``flee`` reproduces Flee 3's default rules (:mod:`simulator.flee.ruleset`).
A ruleset other than the engine's is an object with ``name``, ``start(model)``
(after the initial stocks are placed), ``step(model)`` (one whole day),
``state()`` and ``load(arrays)`` (checkpoints).
"""

from __future__ import annotations

from collections.abc import Callable

from simulator.errors import ScenarioError, suggestion

ENGINE = "engine"
RULESETS = (ENGINE, "flee")


def check_ruleset(name: str, error: Callable[[str], ScenarioError]) -> str:
    """``name`` if it is a known ruleset, else raise ``error(message)``."""
    if name not in RULESETS:
        raise error(f"unknown ruleset '{name}'{suggestion(name, RULESETS)} (rulesets: {', '.join(RULESETS)})")
    return name


def ruleset_name(requested: str | None, scenario) -> str:
    """The ruleset a run uses: the one requested, else the scenario's default, else the engine's."""
    name = requested if requested is not None else (scenario.ruleset or ENGINE)
    return check_ruleset(name, lambda msg: ScenarioError(msg, field="ruleset"))


def make_ruleset(name: str, model):
    """The ruleset object of a run (None for the engine's own rules)."""
    if name == ENGINE:
        return None
    from simulator.flee.ruleset import FleeRuleset

    return FleeRuleset(model)

"""The Python API of one run: ``run_scenario`` returns a :class:`RunResult`."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from simulator.model import MigrationModel
from simulator.results import RunResult, run_record, summarise
from simulator.scenario import Scenario


def run_model(model: MigrationModel, progress: Callable[[int], Any] | None = None) -> RunResult:
    """Run ``model`` to its last day and collect its results."""
    started = time.perf_counter()
    model.run(progress=progress)
    return RunResult(
        tables=model.tables(),
        summary=summarise(model),
        record=run_record(model, time.perf_counter() - started),
        event_log=list(model.event_log),
        scenario=model.scenario.to_dict(),
    )


def run_scenario(
    scenario: str | Path | Scenario | Mapping | None = None,
    *,
    seed: int | None = None,
    scale: int | None = None,
    days: int | None = None,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
    ruleset: str | None = None,
    out: str | Path | None = None,
    progress: Callable[[int], Any] | None = None,
) -> RunResult:
    """Run a scenario (default: the embedded Venezuelan scenario) and return its results.

    ``scale`` is persons per agent; every table is in persons.  ``ruleset``
    is ``"engine"`` (migsim's own rules) or ``"flee"`` (Flee 3's default
    rules); default: the scenario's ``ruleset``, else the engine's.  With
    ``out``, the results folder is also written (atomically).
    """
    model = MigrationModel(scenario=scenario, seed=seed, scale=scale, days=days, parameters=parameters, ruleset=ruleset)
    result = run_model(model, progress)
    del model  # the agents are not needed to write the results
    if out is not None:
        result.write(out)
    return result

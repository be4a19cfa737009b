"""migsim's engine: one run of a scenario, from YAML to results.

Public API::

    from simulator import MigrationModel, load_scenario, run_scenario, read_results

    result = run_scenario("scenarios/venezuela_2024.yaml", scale=100, days=30)
    result.countries  # pandas DataFrame, persons per day and country
"""

from simulator.api import run_model, run_scenario
from simulator.errors import MigsimError, ScenarioError
from simulator.model import MigrationModel
from simulator.results import RunResult, read_results
from simulator.scenario import DEFAULT_SCENARIO, Scenario, load_scenario
from simulator.version import __version__

__all__ = [
    "DEFAULT_SCENARIO",
    "MigrationModel",
    "MigsimError",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "__version__",
    "load_scenario",
    "read_results",
    "run_model",
    "run_scenario",
]

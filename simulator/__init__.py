"""migsim's engine: one run of a scenario, from YAML to results.

Public API::

    from simulator import MigrationModel, load_scenario, run_scenario, read_results

    result = run_scenario("scenarios/venezuela_2024.yaml", scale=100, days=30)
    result.countries  # pandas DataFrame, persons per day and country

Many runs::

    from simulator import compare_variants, run_ensemble, run_sweep, sweep_report, Cluster

    bands = run_ensemble("scenarios/venezuela_2024.yaml", replicates=20, scale=100).bands
    table = compare_variants("scenarios/mesoamerica_transit.yaml", replicates=20, scale=100).table
    run_sweep("scenarios/sweeps/mesoamerica_crossing_behaviour.yaml", "sweeps/demo", cluster=Cluster(workers=2))
    runs = sweep_report("sweeps/demo").runs
"""

from simulator.api import run_model, run_scenario
from simulator.compare import ComparisonResult, compare_variants
from simulator.ensemble import EnsembleResult, replicate_seeds, run_ensemble
from simulator.errors import MigsimError, ScenarioError
from simulator.model import MigrationModel
from simulator.results import RunResult, read_results
from simulator.runner import Cluster
from simulator.scenario import DEFAULT_SCENARIO, Scenario, load_scenario
from simulator.sweep.analysis import SweepReport, sweep_report
from simulator.sweep.run import SweepStatus, run_sweep
from simulator.sweep.spec import Sweep, load_sweep
from simulator.version import __version__

__all__ = [
    "DEFAULT_SCENARIO",
    "Cluster",
    "ComparisonResult",
    "EnsembleResult",
    "Sweep",
    "SweepReport",
    "SweepStatus",
    "compare_variants",
    "load_sweep",
    "replicate_seeds",
    "run_ensemble",
    "run_sweep",
    "sweep_report",
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

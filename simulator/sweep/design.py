"""Points of a sweep in parameter space: full grid, Latin hypercube, Sobol sequence, Saltelli.

Latin hypercube and Sobol points come from ``scipy.stats.qmc`` (scrambled,
seeded by the sweep's design seed); Saltelli points from SALib, so that Sobol
sensitivity indices can be computed from them.  The same sweep file always
gives the same points.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from simulator.sweep.spec import Parameter, Sweep


def salib_problem(parameters: list[Parameter]) -> dict:
    """The SALib problem definition (names and bounds, on the sampling scale)."""
    bounds = [[np.log(p.low), np.log(p.high)] if p.log else [p.low, p.high] for p in parameters]
    return {"num_vars": len(parameters), "names": [p.label for p in parameters], "bounds": bounds}


def _levels(p: Parameter) -> np.ndarray:
    if p.values is not None:
        return np.array(p.values)
    if p.log:
        return np.geomspace(p.low, p.high, p.levels)
    return np.linspace(p.low, p.high, p.levels)


def _scale(unit: np.ndarray, parameters: list[Parameter]) -> np.ndarray:
    """Unit-cube points to parameter values (log-uniform where asked)."""
    out = np.empty_like(unit)
    for j, p in enumerate(parameters):
        if p.log:
            out[:, j] = np.exp(np.log(p.low) + unit[:, j] * (np.log(p.high) - np.log(p.low)))
        else:
            out[:, j] = p.low + unit[:, j] * (p.high - p.low)
    return out


def design_points(sweep: Sweep) -> pd.DataFrame:
    """One row per point, one column per parameter (``module.name``), in the sweep's order."""
    from scipy.stats import qmc

    parameters = sweep.parameters
    d = len(parameters)
    if sweep.design == "grid":
        values = np.array(list(itertools.product(*(_levels(p) for p in parameters))), dtype=np.float64)
    elif sweep.design == "lhs":
        values = _scale(qmc.LatinHypercube(d=d, seed=sweep.design_seed).random(sweep.samples), parameters)
    elif sweep.design == "sobol":
        values = _scale(qmc.Sobol(d=d, scramble=True, seed=sweep.design_seed).random(sweep.samples), parameters)
    elif sweep.design == "saltelli":
        from SALib.sample import sobol as saltelli

        problem = salib_problem(parameters)
        raw = saltelli.sample(problem, sweep.samples, calc_second_order=sweep.second_order, seed=sweep.design_seed)
        values = raw.copy()
        for j, p in enumerate(parameters):
            if p.log:
                values[:, j] = np.exp(raw[:, j])
    else:  # the loader only lets known designs through
        raise ValueError(f"unknown design {sweep.design}")
    for j, p in enumerate(parameters):
        if p.integer:
            values[:, j] = np.rint(values[:, j])
        values[:, j] = np.clip(values[:, j], p.low, p.high)
    return pd.DataFrame(values, columns=[p.label for p in parameters])


def point_parameters(sweep: Sweep, row: pd.Series) -> dict[str, dict[str, float]]:
    """``{"movement": {"stock_weight": 0.4}, ...}`` for one point."""
    out: dict[str, dict[str, float]] = {}
    for p in sweep.parameters:
        value = row[p.label]
        out.setdefault(p.module, {})[p.name] = int(value) if p.integer else float(value)
    return out

"""Raking (iterative proportional fitting) of a joint distribution to marginals, with residuals.

A joint table over some variables (a seed: independent defaults, or a sample)
is scaled, constraint after constraint, until every constraint's shares are
met.  A constraint names the table axes it covers and maps each combination
of their categories to one of its groups (a category of a single variable, of
a coarser grouping such as ``minor``, or of a joint variable such as
``sex*minor``), with a target share per group.  Consistent marginals are met to
the tolerance; conflicting ones cannot all be met, and the result reports, per
constraint and group, how far the fit is from its target.  Cells the seed
holds at zero stay zero, so a target on them is reported as unreachable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Constraint:
    """Target shares over groups of combinations of some table axes.

    ``groups`` has one entry per combination of the categories of ``axes``
    (row-major): the index of the group it belongs to.  ``targets[g]`` is the
    share group ``g`` must hold (the targets sum to 1).
    """

    name: str
    axes: tuple[int, ...]
    groups: np.ndarray
    targets: np.ndarray
    labels: tuple[str, ...]
    source: str = ""


@dataclass
class RakeResult:
    """The fitted table (shares summing to 1) and, per constraint, fitted minus target per group."""

    table: np.ndarray
    residuals: list[np.ndarray]
    iterations: int
    converged: bool
    constraints: list[Constraint] = field(default_factory=list)

    @property
    def max_residual(self) -> float:
        """The largest absolute gap between a fitted and a target share."""
        return max((float(np.abs(r).max()) for r in self.residuals if len(r)), default=0.0)

    def rows(self) -> list[dict]:
        """One row per constraint and group: variable, category, target, fitted, residual, source."""
        out = []
        for c, residual in zip(self.constraints, self.residuals, strict=True):
            for g, label in enumerate(c.labels):
                out.append(
                    {
                        "variable": c.name,
                        "category": label,
                        "target": float(c.targets[g]),
                        "fitted": float(c.targets[g] + residual[g]),
                        "residual": float(residual[g]),
                        "source": c.source,
                    }
                )
        return out


def _cell_groups(shape: Sequence[int], constraint: Constraint) -> np.ndarray:
    """The group of every cell of the table (flat), from the constraint's groups over its axes."""
    grids = np.indices(shape).reshape(len(shape), -1)
    sizes = [shape[a] for a in constraint.axes]
    combination = np.ravel_multi_index(tuple(grids[a] for a in constraint.axes), sizes) if sizes else np.zeros(grids.shape[1])
    return np.asarray(constraint.groups, dtype=np.int64)[combination.astype(np.int64)]


def rake(seed: np.ndarray, constraints: Sequence[Constraint], tolerance: float = 1e-12, max_sweeps: int = 5000) -> RakeResult:
    """Fit ``seed`` (any non-negative array) to ``constraints`` by iterative proportional fitting.

    Stops when every target is met within ``tolerance``, or when a sweep over
    all constraints no longer changes the table (conflicting marginals: the
    residuals then say by how much they conflict), or after ``max_sweeps``.
    """
    seed = np.asarray(seed, dtype=np.float64)
    if np.any(seed < 0) or not np.all(np.isfinite(seed)):
        raise ValueError("the seed must be finite and non-negative")
    total = seed.sum()
    table = (seed / total if total > 0 else np.full(seed.shape, 1.0 / seed.size)).ravel().copy()
    cells = [_cell_groups(seed.shape, c) for c in constraints]
    targets = [np.asarray(c.targets, dtype=np.float64) for c in constraints]
    sweeps, converged = 0, not constraints
    while not converged and sweeps < max_sweeps:
        sweeps += 1
        before = table.copy()
        for groups, target in zip(cells, targets, strict=True):
            current = np.bincount(groups, weights=table, minlength=len(target))
            factor = np.divide(target, current, out=np.zeros(len(target)), where=current > 0)
            table *= factor[groups]
        worst = max(
            float(np.abs(np.bincount(g, weights=table, minlength=len(t)) - t).max()) for g, t in zip(cells, targets, strict=True)
        )
        converged = worst <= tolerance
        if not converged and np.abs(table - before).max() <= tolerance * 1e-3:
            break  # a cycle between conflicting constraints: the residuals say by how much
    if table.sum() > 0:
        table /= table.sum()
    residuals = [np.bincount(g, weights=table, minlength=len(t)) - t for g, t in zip(cells, targets, strict=True)]
    return RakeResult(table.reshape(seed.shape), residuals, sweeps, converged, list(constraints))


def shares_constraint(
    name: str, axes: tuple[int, ...], base_groups: Sequence[int], categories: Sequence[str], shares: dict[str, float], source=""
) -> Constraint:
    """A constraint from the shares of some of a variable's categories.

    ``base_groups`` maps each combination of the axes' categories to the
    variable's category index (``categories``).  Categories without a share
    form one remainder group holding ``1 - sum(shares)``.
    """
    named = [categories.index(c) for c in shares]
    labels = list(shares)
    remainder = len(named) < len(categories)
    index_of = {cat: k for k, cat in enumerate(named)}
    rest = len(named)
    groups = np.array([index_of.get(g, rest) for g in base_groups], dtype=np.int64)
    targets = [float(shares[c]) for c in shares]
    if remainder:
        labels.append("(other categories)")
        targets.append(max(0.0, 1.0 - sum(targets)))
    elif abs(sum(targets) - 1.0) > 1e-9 and sum(targets) > 0:
        targets = [t / sum(targets) for t in targets]
    return Constraint(name, axes, groups, np.array(targets), tuple(labels), source)

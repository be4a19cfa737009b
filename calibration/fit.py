"""The two fits: a best point by differential evolution, and a posterior by ABC.

**Best fit.** scipy's differential evolution over the parameters' bounds (on a
log10 scale where asked), a generation at a time (``vectorized``, deferred
updating), without the gradient polish that noise would mislead.  Every point
runs the same replicate seeds (common random numbers), so two points differ by
their parameters and not by their luck, and its loss is the summed deviance of
the fitted targets over its pooled replicates.

**Posterior.** Adaptive population Monte Carlo ABC (Lenormand, Jabot &
Deffuant 2013, *Computational Statistics* 28:2777): the first generation draws
``particles`` points from the prior; each later one keeps the ``keep`` share
with the smallest distances (the tolerance is their largest), proposes the
rest from them with a Gaussian kernel of twice their weighted covariance,
weights new particles by prior over proposal density, and stops once fewer
than ``min_acceptance`` of the new particles beat the previous tolerance or
after ``generations``.  The distance is the same summed deviance; each particle
runs its own seeds, so the posterior carries the model's noise.  Proposals use
``numpy.random.default_rng((seed, generation))``: not per-agent randomness, so
outside the counter-based generator, and deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import differential_evolution

from calibration.evaluate import Evaluator
from models.rng import _mix_py

LARGE_LOSS = 1e12  # stands for a failed point in the optimiser (scipy needs finite energies)


@dataclass
class Evaluation:
    """One point of one generation: where, its loss and its per-target scores."""

    stage: str
    generation: int
    point: int
    internal: np.ndarray
    loss: float
    scores: dict


@dataclass
class DEResult:
    """The best point and the history of the differential evolution."""

    best: np.ndarray
    best_loss: float
    evaluations: list[Evaluation] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)
    runs_read: int = 0


def run_differential_evolution(evaluator: Evaluator, seeds: list[int], spec) -> DEResult:
    """Differential evolution with common random numbers; every generation is one persisted batch."""
    targets = evaluator.targets
    bounds = [p.bounds for p in targets.parameters]
    evaluations: list[Evaluation] = []
    history: list[dict] = []
    generation = [0]

    def objective(x: np.ndarray) -> np.ndarray:
        points = np.atleast_2d(np.asarray(x, dtype=float).T)
        gen = generation[0]
        generation[0] += 1
        batch = evaluator.batch("de", gen, points, [list(seeds)] * len(points))
        losses = []
        for k, (value, scores) in enumerate(evaluator.point_scores(batch.frame)):
            evaluations.append(Evaluation("de", gen, k, points[k], value, scores))
            losses.append(value if np.isfinite(value) else LARGE_LOSS)
        best_so_far = min(e.loss for e in evaluations)
        history.append(
            {
                "stage": "de",
                "generation": gen,
                "evaluations": len(points),
                "runs": len(points) * len(seeds),
                "best_loss": float(min(losses)),
                "median_loss": float(np.median(losses)),
                "best_so_far": float(best_so_far),
                "epsilon": np.nan,
                "acceptance": np.nan,
            }
        )
        return np.array(losses)

    result = differential_evolution(
        objective,
        bounds,
        maxiter=spec.generations,
        popsize=spec.population,
        tol=spec.tolerance,
        rng=spec.seed,
        polish=False,
        init="latinhypercube",
        updating="deferred",
        vectorized=True,
    )
    best = min(evaluations, key=lambda e: e.loss)
    del result  # the best evaluation is the same point; kept from our own record for its scores
    return DEResult(best.internal, best.loss, evaluations, history)


@dataclass
class Posterior:
    """ABC's final particles (internal scale), their weights and distances, and the history."""

    particles: np.ndarray
    weights: np.ndarray
    distances: np.ndarray
    origin: list[tuple[int, int]]
    evaluations: list[Evaluation] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)


def _particle_seeds(seed: int, generation: int, count: int, replicates: int) -> list[list[int]]:
    from simulator.ensemble import replicate_seeds

    out = []
    for j in range(count):
        base = _mix_py(_mix_py(_mix_py(int(seed)) ^ (generation + 1)) ^ (j + 1)) & ((1 << 63) - 1)
        out.append(replicate_seeds(base, replicates))
    return out


def _log_prior(parameters, x: np.ndarray) -> np.ndarray:
    total = np.zeros(len(x))
    for j, p in enumerate(parameters):
        total = total + p.log_prior(x[:, j])
    return total


def _kernel_log_density(x: np.ndarray, centres: np.ndarray, weights: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """log sum_j w_j N(x; centre_j, cov) for every row of x."""
    inv = np.linalg.inv(cov)
    _, logdet = np.linalg.slogdet(cov)
    d = x[:, None, :] - centres[None, :, :]
    quad = np.einsum("nkd,de,nke->nk", d, inv, d)
    log_n = -0.5 * (quad + logdet + x.shape[1] * np.log(2 * np.pi))
    with np.errstate(divide="ignore"):
        log_w = np.log(weights / weights.sum())
    m = (log_n + log_w).max(axis=1, keepdims=True)
    return (m + np.log(np.exp(log_n + log_w - m).sum(axis=1, keepdims=True)))[:, 0]


def _weighted_cov(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    w = w / w.sum()
    mean = (w[:, None] * x).sum(axis=0)
    d = x - mean
    cov = (w[:, None, None] * d[:, :, None] * d[:, None, :]).sum(axis=0)
    return np.atleast_2d(cov)


def run_abc(evaluator: Evaluator, spec) -> Posterior:
    """Adaptive population Monte Carlo ABC; every generation is one persisted batch."""
    parameters = evaluator.targets.parameters
    dim = len(parameters)
    n = spec.particles
    n_keep = max(2, int(np.ceil(spec.keep * n)))
    evaluations: list[Evaluation] = []
    history: list[dict] = []

    def simulate(generation: int, points: np.ndarray) -> np.ndarray:
        seeds = _particle_seeds(spec.seed, generation, len(points), spec.replicates)
        batch = evaluator.batch("abc", generation, points, seeds)
        out = []
        for k, (value, scores) in enumerate(evaluator.point_scores(batch.frame)):
            evaluations.append(Evaluation("abc", generation, k, points[k], value, scores))
            out.append(value)
        return np.array(out)

    rng = np.random.default_rng([spec.seed, 0])
    x = np.column_stack([p.sample_prior(rng, n) for p in parameters])
    d = simulate(0, x)
    order = np.argsort(d, kind="stable")[:n_keep]
    kept, kept_d, kept_w = x[order], d[order], np.ones(n_keep)
    origin = [(0, int(k)) for k in order]
    epsilon = float(kept_d.max())
    history.append(_abc_history(0, n, spec.replicates, d, epsilon, np.nan))
    lows = np.array([p.bounds[0] for p in parameters])
    highs = np.array([p.bounds[1] for p in parameters])
    for generation in range(1, spec.generations):
        rng = np.random.default_rng([spec.seed, generation])
        cov = 2.0 * _weighted_cov(kept, kept_w)
        cov = cov + np.eye(dim) * 1e-12 * max(1.0, float(np.abs(cov).max()))
        m = n - n_keep
        proposals = np.empty((m, dim))
        filled = 0
        for _ in range(1000):
            parents = rng.choice(n_keep, size=m - filled, p=kept_w / kept_w.sum())
            draws = kept[parents] + rng.multivariate_normal(np.zeros(dim), cov, size=m - filled, method="cholesky")
            ok = np.all((draws >= lows) & (draws <= highs), axis=1) & np.isfinite(_log_prior(parameters, draws))
            take = draws[ok]
            proposals[filled : filled + len(take)] = take
            filled += len(take)
            if filled == m:
                break
        if filled < m:  # a posterior pressed against a bound: the rest are drawn from the prior
            proposals[filled:] = np.column_stack([p.sample_prior(rng, m - filled) for p in parameters])
        # Importance weights prior / proposal; the first generation's prior draws weigh 1 on the same scale.
        new_w = np.exp(_log_prior(parameters, proposals) - _kernel_log_density(proposals, kept, kept_w, cov))
        new_d = simulate(generation, proposals)
        acceptance = float(np.mean(new_d < epsilon))
        pool_x = np.vstack([kept, proposals])
        pool_d = np.concatenate([kept_d, new_d])
        pool_w = np.concatenate([kept_w, new_w])
        pool_origin = origin + [(generation, k) for k in range(m)]
        order = np.argsort(pool_d, kind="stable")[:n_keep]
        kept, kept_d, kept_w = pool_x[order], pool_d[order], pool_w[order]
        origin = [pool_origin[k] for k in order]
        epsilon = float(kept_d.max())
        history.append(_abc_history(generation, m, spec.replicates, new_d, epsilon, acceptance))
        if acceptance < spec.min_acceptance:
            break
    finite = np.isfinite(kept_d)
    weights = np.where(finite, kept_w, 0.0)
    if weights.sum() <= 0:
        weights = np.ones(len(kept_w))
    return Posterior(kept, weights / weights.sum(), kept_d, origin, evaluations, history)


def _abc_history(generation: int, simulated: int, replicates: int, distances, epsilon: float, acceptance: float) -> dict:
    finite = distances[np.isfinite(distances)]
    return {
        "stage": "abc",
        "generation": generation,
        "evaluations": simulated,
        "runs": simulated * replicates,
        "best_loss": float(finite.min()) if len(finite) else np.inf,
        "median_loss": float(np.median(finite)) if len(finite) else np.inf,
        "best_so_far": np.nan,
        "epsilon": epsilon,
        "acceptance": acceptance,
    }


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The q-quantile of weighted values (interpolated on the weights' cumulative midpoints)."""
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    keep = np.isfinite(values) & (weights > 0)
    values, weights = values[keep], weights[keep]
    if not len(values):
        return float("nan")
    order = np.argsort(values)
    values, weights = values[order], weights[order]
    cumulative = (np.cumsum(weights) - 0.5 * weights) / weights.sum()
    return float(np.interp(q, cumulative, values))

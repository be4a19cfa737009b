"""How well simulated values explain observed ones: deviances and standardised residuals.

Survey marginals. A survey of n respondents reported shares p of some
categories of a variable (the rest, 1 - sum(p), is one more category).  Given
the simulated shares q (the simulated survey's, pooled over replicates), the
observed counts x = n p are

* multinomial (``binomial`` with one category): log L = sum x log q; or
* Dirichlet-multinomial (``dirichlet_multinomial``), for cluster samples whose
  variance is ``design_effect`` d times a simple random sample's: concentration
  a = (n - d) / (d - 1), log L = lgamma(a) - lgamma(n + a) + sum[lgamma(x + a q) - lgamma(a q)].

Simulated shares are kept off 0 and 1 by half a respondent (q in
[0.5 / (m + 1), 1 - 0.5 / (m + 1)], m simulated respondents), so a category
the simulated sample missed is unlikely, not impossible.  A simulated survey
with no respondent scores as if every reported category were nearly empty.

Stocks and flows. The observed figure y has a log-normal error of coefficient
of variation cv around the simulated x (mean over replicates; at least half an
agent): log y ~ N(log x, s^2), s^2 = log(1 + cv^2).

The *deviance* of a target is 2 (log L at the observation - log L at the
simulation): 0 for a perfect fit, about the squared number of standard errors
otherwise.  The fit minimises the sum over fitted targets; ABC uses it as its
distance.  The standardised residual z (per category for marginals: the
observed minus simulated share over the standard error of the observation and
of the simulated sample) is what the report's verdicts read.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

from calibration.targets import CountTarget, MarginalTarget


def _with_remainder(shares: np.ndarray) -> np.ndarray:
    rest = 1.0 - float(np.sum(shares))
    return np.append(shares, max(rest, 0.0)) if rest > 1e-9 else np.asarray(shares, dtype=float)


def _clip(q: np.ndarray, respondents: float) -> np.ndarray:
    eps = 0.5 / (respondents + 1.0)
    q = np.clip(q, eps, 1.0 - eps)
    return q / q.sum()


def _loglik(x: np.ndarray, q: np.ndarray, n: float, likelihood: str, design_effect: float) -> float:
    if likelihood == "binomial" or design_effect <= 1.0:
        return float(np.sum(x * np.log(q)))
    a = max((n - design_effect) / (design_effect - 1.0), 1e-3)
    return float(gammaln(a) - gammaln(n + a) + np.sum(gammaln(x + a * q) - gammaln(a * q)))


def marginal_fit(target: MarginalTarget, simulated: np.ndarray, respondents: float) -> tuple[float, np.ndarray]:
    """Deviance and per-category z of a survey marginal given simulated shares of its categories."""
    p = _with_remainder(np.asarray(target.observed, dtype=float))
    n = float(target.n)
    if respondents <= 0:
        simulated = np.zeros(len(target.observed))
        respondents = 2.0 * n + 1.0  # every reported category nearly empty
    q = np.asarray(simulated, dtype=float)
    if len(p) > len(q):
        q = np.append(q, max(0.0, 1.0 - float(q.sum())))
    q = _clip(q, respondents)
    x = n * p
    p_ref = _clip(p, n)
    deviance = 2.0 * (
        _loglik(x, p_ref, n, target.likelihood, target.design_effect) - _loglik(x, q, n, target.likelihood, target.design_effect)
    )
    d = target.design_effect if target.likelihood == "dirichlet_multinomial" else 1.0
    k = len(target.observed)
    variance = q[:k] * (1.0 - q[:k]) * (d / n + 1.0 / max(respondents, 1.0))
    z = (p[:k] - q[:k]) / np.sqrt(variance)
    return float(deviance), z


def count_fit(target: CountTarget, simulated: float, scale: int) -> tuple[float, float]:
    """Deviance and z of a stock or flow given its simulated value (persons)."""
    sigma = np.sqrt(np.log1p(target.error_cv**2))
    x = max(float(simulated), 0.5 * scale)
    z = (np.log(target.observed) - np.log(x)) / sigma
    return float(z * z), float(z)


def error_model_text(target) -> str:
    """The error model of a target, in words, for the report."""
    if isinstance(target, CountTarget):
        return f"log-normal, cv {target.error_cv:g}"
    if target.likelihood == "binomial":
        return f"{'binomial' if len(target.categories) == 1 else 'multinomial'}, n {target.n}"
    return f"Dirichlet-multinomial, n {target.n}, design effect {target.design_effect:g}"

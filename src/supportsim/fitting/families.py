"""Maximum-likelihood fits of work times, with right-censored observations, and the choice among families.

The families are those a scenario can hold: exponential, lognormal, gamma and Weibull, each written as
``{dist, mean, cv}``. An observation is a time ``x`` and whether it ended (``event``) or was still running when
the export ended (right-censored: it contributes the probability of lasting at least ``x``, never a short
time). Parameters are fitted on an unconstrained scale (logs); intervals come from the observed information
(the numerical Hessian of the log-likelihood) and the delta method onto mean and cv, which is what the
scenario holds. The family with the lowest AIC is chosen.

Goodness of fit: the Kolmogorov-Smirnov distance between the fitted distribution and the (Kaplan-Meier)
empirical one, with a p-value from a parametric bootstrap (draw from the fit, censor alike, refit, measure
again), since the textbook p-value is wrong when the parameters were fitted to the same data. At 10^5
observations any model is "rejected"; the distance itself and the error in mean and p90 say how much it
matters.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import optimize, special, stats

FAMILIES = ("exponential", "lognormal", "gamma", "weibull")
Z95 = 1.959963984540054


@dataclass
class Fit:
    family: str
    theta: np.ndarray            # the unconstrained parameters
    loglik: float
    n: int                       # observations
    events: int                  # of which ended (not censored)
    mean: float
    cv: float
    mean_ci: tuple[float, float]
    cv_ci: tuple[float, float]
    aic: float = math.nan
    gof: dict = field(default_factory=dict)

    def dist(self) -> dict:
        """The scenario's distribution (hours)."""
        if self.family == "exponential":
            return {"dist": "exponential", "mean": self.mean}
        return {"dist": self.family, "mean": self.mean, "cv": self.cv}


# ---- log-likelihoods, vectorised, on the unconstrained parameters ------------------------------------------
class Sample:
    """Times and whether each ended, with what the likelihoods need precomputed: the ended observations enter
    through sufficient statistics (sums of x, log x, (log x)^2), so each evaluation costs O(censored)."""

    def __init__(self, x: np.ndarray, event: np.ndarray):
        self.x = np.asarray(x, dtype=float)
        self.event = np.asarray(event, dtype=bool)
        self.done = self.x[self.event]
        self.cens = self.x[~self.event]
        self.d = len(self.done)
        logs = np.log(self.done)
        self.logs = logs
        self.sum_x = float(self.done.sum())
        self.sum_log = float(logs.sum())
        self.sum_log2 = float((logs * logs).sum())
        self.total = float(self.x.sum())
        self.log_all = np.log(self.x)


def loglik_sample(family: str, theta: np.ndarray, s: Sample) -> float:
    d, c = s.d, s.cens
    if family == "exponential":
        m = math.exp(theta[0])
        value = -d * theta[0] - s.total / m
    elif family == "lognormal":
        mu, sigma = theta[0], math.exp(theta[1])
        ssq = s.sum_log2 - 2 * mu * s.sum_log + d * mu * mu
        value = -0.5 * ssq / sigma**2 - s.sum_log - d * theta[1] - 0.5 * d * math.log(2 * math.pi)
        if len(c):
            value += float(special.log_ndtr(-(np.log(c) - mu) / sigma).sum())
    elif family == "gamma":
        k, scale = math.exp(theta[0]), math.exp(theta[1])
        value = (k - 1) * s.sum_log - s.sum_x / scale - d * (special.gammaln(k) + k * theta[1])
        if len(c):
            with np.errstate(divide="ignore"):
                value += float(np.log(special.gammaincc(k, c / scale)).sum())
    elif family == "weibull":
        k = math.exp(theta[0])
        value = (d * (theta[0] - k * theta[1]) + (k - 1) * s.sum_log
                 - float(np.exp(k * (s.log_all - theta[1])).sum()))
    else:
        raise ValueError(family)
    return value if math.isfinite(value) else -1e300


def loglik(family: str, theta: np.ndarray, x: np.ndarray, event: np.ndarray) -> float:
    return loglik_sample(family, theta, Sample(x, event))


def moments(family: str, theta: np.ndarray) -> tuple[float, float]:
    """(mean, cv) of the distribution."""
    if family == "exponential":
        return math.exp(theta[0]), 1.0
    if family == "lognormal":
        s2 = math.exp(2 * theta[1])
        return math.exp(theta[0] + s2 / 2), math.sqrt(math.expm1(min(s2, 700)))
    if family == "gamma":
        k = math.exp(theta[0])
        return k * math.exp(theta[1]), 1 / math.sqrt(k)
    k = math.exp(theta[0])
    g1, g2 = math.gamma(1 + 1 / k), math.gamma(1 + 2 / k)
    return math.exp(theta[1]) * g1, math.sqrt(max(g2 / g1**2 - 1, 0.0))


def _start(family: str, s: Sample) -> np.ndarray:
    done = s.done if s.d else s.x
    mean = max(s.total / max(s.d, 1), 1e-12)
    logs = np.log(done)
    if family == "lognormal":
        return np.array([logs.mean(), math.log(max(logs.std(), 1e-3))])
    cv = max(float(done.std() / max(done.mean(), 1e-12)), 0.05)
    k = 1 / cv**2
    return np.array([math.log(k), math.log(mean / k)])


def _weibull_theta(s: Sample) -> np.ndarray:
    """Weibull MLE: for a shape k the scale has a closed form (scale^k = sum x^k / ended), so only k is searched."""
    def profile(logk: float) -> float:
        k = math.exp(logk)
        # log(sum x^k) computed stably
        a = k * s.log_all
        top = a.max()
        log_sum = top + math.log(float(np.exp(a - top).sum()))
        log_scale = (log_sum - math.log(max(s.d, 1))) / k
        return -loglik_sample("weibull", np.array([logk, log_scale]), s)

    res = optimize.minimize_scalar(profile, bounds=(math.log(0.05), math.log(50.0)), method="bounded",
                                   options={"xatol": 1e-8})
    k = math.exp(res.x)
    a = k * s.log_all
    top = a.max()
    log_scale = (top + math.log(float(np.exp(a - top).sum())) - math.log(max(s.d, 1))) / k
    return np.array([res.x, log_scale])


def fit_family(family: str, x: np.ndarray, event: np.ndarray) -> Fit:
    """The maximum-likelihood fit of one family to positive times ``x`` (``event`` False: right-censored)."""
    s = Sample(x, event)
    if family == "exponential":  # closed form: total time over ended observations
        theta = np.array([math.log(max(s.total, 1e-300) / max(s.d, 1))])
    elif family == "lognormal" and not len(s.cens):
        theta = np.array([s.logs.mean(), math.log(max(s.logs.std(), 1e-9))])
    elif family == "weibull":
        theta = _weibull_theta(s)
    else:
        res = optimize.minimize(lambda th: -loglik_sample(family, th, s), _start(family, s),
                                method="Nelder-Mead", options={"xatol": 1e-7, "fatol": 1e-7, "maxiter": 2000})
        theta = res.x
    ll = loglik_sample(family, theta, s)
    mean, cv = moments(family, theta)
    mean_ci, cv_ci = _intervals(family, theta, s, mean, cv)
    k = len(theta)
    return Fit(family, theta, ll, len(s.x), s.d, mean, cv, mean_ci, cv_ci, aic=2 * k - 2 * ll)


def _intervals(family: Any, theta: np.ndarray, s: Sample, mean: float, cv: float
               ) -> tuple[tuple[float, float], tuple[float, float]]:
    """95% Wald intervals of mean and cv: observed information on the log scale, delta method, then back."""
    h = _hessian(lambda th: loglik_sample(family, th, s), theta)
    try:
        cov = np.linalg.inv(-h)
    except np.linalg.LinAlgError:
        return (math.nan, math.nan), (math.nan, math.nan)

    def interval(f: Callable[[np.ndarray], float], value: float) -> tuple[float, float]:
        g = _gradient(lambda th: math.log(max(f(th), 1e-300)), theta)
        var = float(g @ cov @ g)
        if not (var >= 0 and math.isfinite(var)):
            return (math.nan, math.nan)
        half = Z95 * math.sqrt(var)
        return (value * math.exp(-half), value * math.exp(half))  # on the log scale: stays positive

    mean_ci = interval(lambda th: moments(family, th)[0], mean)
    cv_ci = (1.0, 1.0) if family == "exponential" else interval(lambda th: moments(family, th)[1], cv)
    return mean_ci, cv_ci


def _gradient(f: Callable[[np.ndarray], float], theta: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    g = np.zeros(len(theta))
    for i in range(len(theta)):
        e = np.zeros(len(theta))
        e[i] = eps
        g[i] = (f(theta + e) - f(theta - e)) / (2 * eps)
    return g


def _hessian(f: Callable[[np.ndarray], float], theta: np.ndarray, eps: float = 1e-4) -> np.ndarray:
    n = len(theta)
    h = np.zeros((n, n))
    f0 = f(theta)
    for i in range(n):
        for j in range(i, n):
            ei, ej = np.zeros(n), np.zeros(n)
            ei[i], ej[j] = eps, eps
            if i == j:
                h[i, i] = (f(theta + ei) - 2 * f0 + f(theta - ei)) / eps**2
            else:
                h[i, j] = h[j, i] = (f(theta + ei + ej) - f(theta + ei - ej) - f(theta - ei + ej)
                                     + f(theta - ei - ej)) / (4 * eps**2)
    return h


def choose(x: np.ndarray, event: np.ndarray, families: Any = FAMILIES) -> tuple[Fit, dict[str, Fit]]:
    """Fit every family; the one with the lowest AIC first."""
    fits = {family: fit_family(family, x, event) for family in families}
    best = min(fits.values(), key=lambda f: f.aic)
    return best, fits


# ---- the fitted distribution as numbers ---------------------------------------------------------------------
def frozen(fit: Fit) -> Any:
    """The fit as a scipy frozen distribution (for CDF, quantiles and drawing)."""
    th = fit.theta
    if fit.family == "exponential":
        return stats.expon(scale=math.exp(th[0]))
    if fit.family == "lognormal":
        return stats.lognorm(s=math.exp(th[1]), scale=math.exp(th[0]))
    if fit.family == "gamma":
        return stats.gamma(a=math.exp(th[0]), scale=math.exp(th[1]))
    return stats.weibull_min(c=math.exp(th[0]), scale=math.exp(th[1]))


def kaplan_meier(x: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(times, survival just after each time) of the Kaplan-Meier estimate, at the ended observations."""
    order = np.argsort(x, kind="stable")
    xs, ev = x[order], event[order]
    at_risk = len(xs) - np.arange(len(xs))
    factor = np.where(ev, 1 - 1 / at_risk, 1.0)
    surv = np.cumprod(factor)
    keep = ev.copy()
    keep[:-1] &= xs[:-1] != xs[1:]  # one step per distinct time: the last of ties holds the survival after it
    return xs[keep], surv[keep]


def km_mean_quantile(x: np.ndarray, event: np.ndarray, q: float) -> float:
    times, surv = kaplan_meier(x, event)
    below = np.flatnonzero(surv <= 1 - q)
    return float(times[below[0]]) if len(below) else math.nan


def ks_distance(fit: Fit, x: np.ndarray, event: np.ndarray) -> float:
    """sup |F_KM - F_fit| at the steps of the Kaplan-Meier estimate (both sides of each step)."""
    times, surv = kaplan_meier(x, event)
    if len(times) == 0:
        return math.nan
    cdf = frozen(fit).cdf(times)
    after = 1 - surv
    before = np.r_[0.0, after[:-1]]
    return float(max(np.abs(after - cdf).max(), np.abs(before - cdf).max()))


def goodness_of_fit(fit: Fit, x: np.ndarray, event: np.ndarray, rng: np.random.Generator, draws: int = 99,
                    size: int = 2000) -> dict:
    """Parametric-bootstrap KS p-value (on a subsample of ``size``), and effect sizes on all the data."""
    x, event = np.asarray(x, float), np.asarray(event, bool)
    sub = rng.choice(len(x), size=min(size, len(x)), replace=False)
    xs, es = x[sub], event[sub]
    observed = ks_distance(fit_family(fit.family, xs, es), xs, es)
    censor = np.where(es, np.inf, xs)  # an ended observation's censoring time is unknown but later: never censor
    dist = frozen(fit)
    exceed = 0
    for _ in range(draws):
        y = dist.rvs(size=len(xs), random_state=rng)
        c = censor[rng.integers(0, len(xs), len(xs))]
        yb, eb = np.minimum(y, c), y <= c
        yb = np.maximum(yb, 1e-12)
        exceed += ks_distance(fit_family(fit.family, yb, eb), yb, eb) >= observed
    p90_observed = km_mean_quantile(x, event, 0.9)
    p90_fitted = float(dist.ppf(0.9))
    times, surv = kaplan_meier(x, event)
    return {"ks_distance": ks_distance(fit, x, event), "p_value": (1 + exceed) / (draws + 1), "draws": draws,
            "subsample": len(xs), "p90_observed": p90_observed, "p90_fitted": p90_fitted,
            "p90_error": p90_fitted / p90_observed - 1 if p90_observed else math.nan,
            "mean_observed": _km_mean(times, surv, x, event),
            "mean_error": fit.mean / _km_mean(times, surv, x, event) - 1}


def _km_mean(times: np.ndarray, surv: np.ndarray, x: np.ndarray, event: np.ndarray) -> float:
    """Restricted mean of the Kaplan-Meier estimate up to the longest observation (the plain mean without
    censoring)."""
    if event.all():
        return float(x.mean())
    grid = np.r_[0.0, times, x.max()]
    s = np.r_[1.0, surv]
    return float((np.diff(grid) * s).sum())

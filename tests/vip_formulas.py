"""Exact M/M/c results the VIP strategy tests compare against (see the project's theory notes).

A small helper of the tests' own, so that these tests do not depend on ``supportsim.theory`` (written on
another branch); once that is merged the two can be checked against each other and this file dropped.
Rates per hour, results in hours.
"""

from __future__ import annotations

import math

import numpy as np


def erlang_c(c: int, a: float) -> float:
    """Probability of waiting in M/M/c with offered load a (Erlang B by recursion, then C)."""
    b = 1.0
    for n in range(1, c + 1):
        b = a * b / (n + a * b)
    return c * b / (c - a * (1 - b))


def mmc_wait(lam: float, mu: float, c: int) -> float:
    """Mean queue wait of M/M/c, first come first served."""
    assert lam < c * mu, "unstable"
    return erlang_c(c, lam / mu) / (c * mu - lam)


def cobham_waits(lams: list[float], mu: float, c: int) -> list[float]:
    """Non-preemptive priority M/M/c, equal service rates, class 0 first: mean wait per class."""
    w0 = erlang_c(c, sum(lams) / mu) / (c * mu)
    out, sigma = [], 0.0
    for lam in lams:
        before, sigma = sigma, sigma + lam / (c * mu)
        out.append(w0 / ((1 - before) * (1 - sigma)))
    return out


def preemptive_sojourns(lams: list[float], mu: float, c: int) -> list[float]:
    """Preemptive-resume priority M/M/c, equal service rates, class 0 first: mean sojourn per class."""
    out, total, present_before = [], 0.0, 0.0
    for lam in lams:
        total += lam
        present = total * (mmc_wait(total, mu, c) + 1 / mu)
        out.append((present - present_before) / lam)
        present_before = present
    return out


def assert_matches(values, exact: float, what: str, z: float = 5.0, resolution: float = 0.2,
                   scale: float | None = None) -> None:
    """The mean of per-replication values agrees with an exact value within ``z`` standard errors.

    Replications are independent, so their mean has standard error s/sqrt(n); a correct simulator lands
    beyond 5 of them about once in 10^4 (with 20 replications, Student t), so the test does not flake. The
    check must also be able to fail: the tolerance has to be tighter than ``resolution`` times ``scale``
    (default: the exact value itself).
    """
    scale = abs(exact) if scale is None else scale
    values = np.asarray(values, dtype=float)
    mean = values.mean()
    se = values.std(ddof=1) / math.sqrt(len(values))
    assert z * se < resolution * scale, f"{what}: too noisy to test (se {se:.4g} vs scale {scale:.4g})"
    assert abs(mean - exact) <= z * se, f"{what}: simulated {mean:.4g} +- {se:.2g} (se), exact {exact:.4g}"

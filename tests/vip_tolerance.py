"""The tolerance rule the VIP policy tests use against exact results (formulas: ``supportsim.theory``)."""

from __future__ import annotations

import math

import numpy as np


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

"""Work-time distributions: sampled moments agree with the declared ones (law of large numbers, 6-sigma bounds)."""

import math

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from supportsim.distributions import Distribution

ADAPTER = TypeAdapter(Distribution)
SPECS = [
    {"dist": "exponential", "mean": "1h"},
    {"dist": "lognormal", "mean": "3h", "cv": 1.2},
    {"dist": "gamma", "mean": "40m", "cv": 0.5},
    {"dist": "weibull", "mean": "40m", "cv": 0.6},
    {"dist": "weibull", "mean": "2h", "cv": 1.5},
    {"dist": "deterministic", "mean": "5m"},
    {"dist": "uniform", "low": "10m", "high": "50m"},
    {"dist": "triangular", "low": "10m", "mode": "20m", "high": "1h"},
    {"dist": "empirical", "values": ["10m", "20m", "2h"]},
]


@pytest.mark.parametrize("spec", SPECS, ids=[s["dist"] for s in SPECS])
def test_sample_mean_and_second_moment_match_the_declared_ones(spec):
    dist = ADAPTER.validate_python(spec)
    n = 400_000
    x = dist.sample(np.random.default_rng(7), n)
    assert len(x) == n and (x >= 0).all()
    variance = dist.second_moment - dist.mean_hours**2
    # the sample mean is within 6 standard errors of the truth (a false alarm has probability ~1e-9)
    assert abs(x.mean() - dist.mean_hours) <= 6 * math.sqrt(variance / n) + 1e-12
    # the second moment is checked with a bound from the sample's own fourth moment
    se2 = math.sqrt(np.var(x**2) / n)
    assert abs(np.mean(x**2) - dist.second_moment) <= 6 * se2 + 1e-12


def test_cv_is_the_ratio_of_standard_deviation_to_mean():
    dist = ADAPTER.validate_python({"dist": "lognormal", "mean": "2h", "cv": 0.8})
    assert math.sqrt(dist.second_moment - dist.mean_hours**2) / dist.mean_hours == pytest.approx(0.8)


@pytest.mark.parametrize("spec, fragment", [
    ({"dist": "lognormal", "mean": "1h"}, "cv"),
    ({"dist": "exponential", "mean": 1}, "bare number"),
    ({"dist": "uniform", "low": "2h", "high": "1h"}, "high must be greater than low"),
    ({"dist": "triangular", "low": "1h", "mode": "3h", "high": "2h"}, "low <= mode <= high"),
    ({"dist": "pareto", "mean": "1h"}, "pareto"),
    ({"dist": "weibull", "mean": "1h"}, "cv"),
    ({"dist": "exponential", "mean": "0h"}, "greater than 0"),
])
def test_bad_distributions_are_refused(spec, fragment):
    with pytest.raises(ValidationError, match=fragment):
        ADAPTER.validate_python(spec)

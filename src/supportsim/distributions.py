"""Work-time distributions, declared in scenario files and sampled in bulk.

A distribution is data (``{dist: lognormal, mean: 3h, cv: 1.2}``), never a closure, so a scenario can be
validated, written back resolved, and compared. Each model knows its mean and second moment (what the
queueing formulas need) and draws many values at once from a numpy Generator.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, Self

import numpy as np
from pydantic import BeforeValidator, Field, PlainSerializer, model_validator

from .limits import MAX_CV, MAX_LIST, MIN_CV
from .model import Model
from .units import format_duration, parse_duration

Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str),
]
"""A duration in hours, read from strings such as '15m' and written back the same way."""


class _Dist(Model):
    @property
    def mean_hours(self) -> float:
        raise NotImplementedError

    @property
    def second_moment(self) -> float:
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        raise NotImplementedError


class Exponential(_Dist):
    """Memoryless work time: the M in M/M/c."""

    dist: Literal["exponential"] = "exponential"
    mean: Duration = Field(gt=0, description="Mean work time.")

    @property
    def mean_hours(self) -> float:
        return self.mean

    @property
    def second_moment(self) -> float:
        return 2 * self.mean**2

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean, size)


class _MeanCV(_Dist):
    mean: Duration = Field(gt=0, description="Mean work time.")
    cv: float = Field(ge=MIN_CV, le=MAX_CV, description="Coefficient of variation (standard deviation / mean).")

    @property
    def mean_hours(self) -> float:
        return self.mean

    @property
    def second_moment(self) -> float:
        return self.mean**2 * (1 + self.cv**2)


class Lognormal(_MeanCV):
    """Right-skewed work time typical of IT tickets: most are short, a few take very long."""

    dist: Literal["lognormal"] = "lognormal"

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        sigma2 = math.log1p(self.cv**2)
        mu = math.log(self.mean) - sigma2 / 2
        return rng.lognormal(mu, math.sqrt(sigma2), size)


class Gamma(_MeanCV):
    dist: Literal["gamma"] = "gamma"

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        shape = 1 / self.cv**2
        return rng.gamma(shape, self.mean / shape, size)


class Weibull(_MeanCV):
    """Work time with a tail between gamma's and lognormal's; ``cv: 1`` is exponential."""

    dist: Literal["weibull"] = "weibull"

    @property
    def shape(self) -> float:
        return weibull_shape(self.cv)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        k = self.shape
        return self.mean / math.gamma(1 + 1 / k) * rng.weibull(k, size)


def weibull_shape(cv: float) -> float:
    """The Weibull shape k whose coefficient of variation is ``cv`` (cv falls as k grows)."""
    def cv_of(k: float) -> float:
        g1, g2 = math.gamma(1 + 1 / k), math.gamma(1 + 2 / k)
        return math.sqrt(max(g2 / g1**2 - 1, 0.0))

    low, high = 0.05, 500.0  # cv from ~1e4 down to ~0.003; bisection on log k
    for _ in range(100):
        mid = math.sqrt(low * high)
        if cv_of(mid) > cv:
            low = mid
        else:
            high = mid
    return math.sqrt(low * high)


class Deterministic(_Dist):
    dist: Literal["deterministic"] = "deterministic"
    mean: Duration = Field(ge=0, description="The fixed work time.")

    @property
    def mean_hours(self) -> float:
        return self.mean

    @property
    def second_moment(self) -> float:
        return self.mean**2

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, self.mean)


class Uniform(_Dist):
    dist: Literal["uniform"] = "uniform"
    low: Duration = Field(ge=0, description="Shortest work time.")
    high: Duration = Field(description="Longest work time.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.high <= self.low:
            raise ValueError("high must be greater than low")
        return self

    @property
    def mean_hours(self) -> float:
        return (self.low + self.high) / 2

    @property
    def second_moment(self) -> float:
        return (self.low**2 + self.low * self.high + self.high**2) / 3

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)


class Triangular(_Dist):
    dist: Literal["triangular"] = "triangular"
    low: Duration = Field(ge=0, description="Shortest work time.")
    mode: Duration = Field(description="Most likely work time.")
    high: Duration = Field(description="Longest work time.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError("need low <= mode <= high and low < high")
        return self

    @property
    def mean_hours(self) -> float:
        return (self.low + self.mode + self.high) / 3

    @property
    def second_moment(self) -> float:
        a, c, b = self.low, self.mode, self.high
        var = (a * a + b * b + c * c - a * b - a * c - b * c) / 18
        return var + self.mean_hours**2

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, size)


class Empirical(_Dist):
    """Resample observed work times (for example from a ticket export) with equal weight."""

    dist: Literal["empirical"] = "empirical"
    values: list[Duration] = Field(min_length=1, max_length=MAX_LIST,
                                   description="Observed work times, each with a unit.")

    @model_validator(mode="after")
    def _non_negative(self) -> Self:
        if min(self.values) < 0:
            raise ValueError("values must not be negative")
        if max(self.values) <= 0:
            raise ValueError("at least one value must be positive")
        return self

    @property
    def mean_hours(self) -> float:
        return float(np.mean(self.values))

    @property
    def second_moment(self) -> float:
        return float(np.mean(np.square(self.values)))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values, dtype=float), size)


Distribution = Annotated[
    Exponential | Lognormal | Gamma | Weibull | Deterministic | Uniform | Triangular | Empirical,
    Field(discriminator="dist"),
]


def _fixed(value: Any) -> Any:
    return {"dist": "deterministic", "mean": value} if isinstance(value, str | int | float) else value


FixedOrDistribution = Annotated[Distribution, BeforeValidator(_fixed)]
"""A distribution, or a duration ('10m') as shorthand for a fixed time ``{dist: deterministic, mean: 10m}``."""

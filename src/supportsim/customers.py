"""Customers: a population per segment, as labels on tickets (see docs/contracts.md).

A segment may declare its customers::

    segments:
      standard: {share: 0.8, customers: {count: 200, sizes: {large: 0.1, medium: 0.5, small: 0.4},
                                         rate_factor: {large: 4, medium: 1, small: 0.3}}}

Customers are labels, not a finite source: the arrival process stays as declared, and each ticket of the
segment is written by one of its customers, chosen with probability proportional to the rate factor of the
customer's size. The choice inverts the ticket's ``customer`` uniform (drawn for every ticket whatever the
scenario), so declaring a population changes no other draw. Customer k of a segment's population is of the
size whose block holds k: the first ``round(count * share)`` customers are of the first size, and so on.

Balances (points) and cards are per customer; the ``personal`` strategy gives the VIP segments' customers
their named engineers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from pydantic import Field

from .model import Model

MAX_CUSTOMERS = 1_000_000
"""Customers of one segment: more than a million named customers is a typo."""


class Population(Model):
    count: int = Field(ge=1, le=MAX_CUSTOMERS, description="Customers in the segment.")
    sizes: dict[str, float] = Field(
        default_factory=lambda: {"all": 1.0}, min_length=1,
        description="Size classes (large, medium, small...) -> share of the customers (summing to 1).")
    rate_factor: dict[str, float] = Field(
        default_factory=dict, description="Size class -> how many tickets a customer of that size writes "
                                          "relative to others (default 1).")


@dataclass(frozen=True)
class Customers:
    """Every declared customer, numbered across segments in declared order: customer c is of ``segment[c]``
    and size class ``size[c]`` (an index into ``size_names``), and is number ``local[c]`` of its segment."""

    segment: np.ndarray      # int64 [customers]
    size: np.ndarray         # int64 [customers]
    local: np.ndarray        # int64 [customers]
    size_names: tuple[str, ...]
    first: dict[int, int]    # segment index -> its first customer
    count: dict[int, int]    # segment index -> its customers
    cumulative: dict[int, np.ndarray]  # segment index -> cumulative choice probabilities of its customers

    def __len__(self) -> int:
        return len(self.segment)

    def label(self, segment_names: list[str], customer: int) -> str:
        """A customer's name in tables: its segment and number ('standard-17')."""
        return f"{segment_names[int(self.segment[customer])]}-{int(self.local[customer])}"

    def assign(self, segment: np.ndarray, uniform: np.ndarray) -> np.ndarray:
        """The customer of each ticket (-1 where its segment declares no population), from its segment and
        its ``customer`` uniform."""
        out = np.full(len(segment), -1, dtype=np.int64)
        for s, cumulative in self.cumulative.items():
            mine = segment == s
            k = np.searchsorted(cumulative, uniform[mine], side="right")
            out[mine] = self.first[s] + np.minimum(k, self.count[s] - 1)
        return out


def size_counts(population: Population) -> dict[str, int]:
    """Customers of each size class: the shares of ``count`` rounded by largest remainder (they add up)."""
    names = list(population.sizes)
    shares = np.array([population.sizes[n] for n in names], dtype=float)
    exact = population.count * shares / (shares.sum() or 1.0)
    counts = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - counts), kind="stable")[:population.count - int(counts.sum())]:
        counts[i] += 1
    return dict(zip(names, counts.tolist()))


def customers_of(populations: Mapping[str, Population | None]) -> Customers | None:
    """The customers of the segments (segment name -> population, None where none is declared), or None when
    no segment declares any."""
    if not any(p is not None for p in populations.values()):
        return None
    size_names: list[str] = []
    for population in populations.values():
        size_names += [n for n in (population.sizes if population else {}) if n not in size_names]
    segment: list[int] = []
    size: list[int] = []
    local: list[int] = []
    first: dict[int, int] = {}
    count: dict[int, int] = {}
    cumulative: dict[int, np.ndarray] = {}
    for s, population in enumerate(populations.values()):
        if population is None:
            continue
        first[s], count[s] = len(segment), population.count
        sizes = [size_names.index(name) for name, n in size_counts(population).items() for _ in range(n)]
        factors = np.array([population.rate_factor.get(size_names[k], 1.0) for k in sizes])
        cumulative[s] = np.cumsum(factors) / factors.sum()
        segment += [s] * population.count
        size += sizes
        local += range(population.count)
    return Customers(np.array(segment, dtype=np.int64), np.array(size, dtype=np.int64),
                     np.array(local, dtype=np.int64), tuple(size_names), first, count, cumulative)


def position(customers: Customers, customer: np.ndarray) -> np.ndarray:
    """Each labelled ticket's customer as a point in [0, 1) of its segment, (k + 1/2) / count: what the
    ``customer`` attribute of a ticket holds once its segment has a population (so that floor(u * count) = k)."""
    count = np.array([customers.count[int(s)] for s in customers.segment[customer]], dtype=float)
    return (customers.local[customer] + 0.5) / count

"""Benchmark model R1 written four ways, and its exact answer.

R1 is one group of ``c`` engineers, Poisson arrivals, exponential work (mean 1h), a share of VIP tickets served
first without preemption (M/M/c with two non-preemptive priority classes). Cobham's formula gives the exact mean
wait of each class, so every implementation here is checked against the truth as well as timed.

- :func:`run_supportsim`: the scenario as data through the public API, full ticket records kept.
- :func:`run_ciw`: Ciw 3.x with ``priority_classes`` (what an analyst would pick off the shelf).
- :func:`run_simpy`: the textbook SimPy model: a ``PriorityResource`` and one process per ticket.
- :func:`run_floor`: a hand-written ``heapq`` event loop with two FIFO lists; no framework, no records: the
  floor for pure Python.

Every runner draws its own random numbers inside the timed call, so each figure is "draw + simulate". Each
returns a :class:`Waits` (tickets simulated, mean wait per class) and is timed by the caller.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..records import ReplicationRecord
    from ..scenario import Scenario

Tickets = tuple[list[float], list[int], list[float]]
"""Arrival times, class (0 VIP, 1 other) and work of each ticket, as :func:`draw` gives them."""

CLASSES = ("vip", "standard")
"""Class 0 is served first."""


@dataclass(frozen=True)
class R1:
    """The R1 model: ``engineers`` at 90% load by default, ``tickets`` expected arrivals."""

    engineers: int = 10
    tickets: int = 200_000
    load: float = 0.9
    vip_share: float = 0.2
    mean_work: float = 1.0  # hours
    seed: int = 1

    @property
    def rate(self) -> float:
        """Arrivals per hour."""
        return self.load * self.engineers / self.mean_work

    @property
    def horizon(self) -> float:
        return self.tickets / self.rate

    @property
    def class_rates(self) -> tuple[float, float]:
        return self.vip_share * self.rate, (1 - self.vip_share) * self.rate


@dataclass(frozen=True)
class Waits:
    tickets: int
    mean_wait: dict[str, float]  # per class, hours


# ---- the exact answer ---------------------------------------------------------------------------------------
def erlang_c(engineers: int, offered: float) -> float:
    """Probability that an arriving ticket waits in M/M/c (Erlang B by recursion, then C)."""
    b = 1.0
    for n in range(1, engineers + 1):
        b = offered * b / (n + offered * b)
    return engineers * b / (engineers - offered * (1 - b))


def cobham_waits(model: R1) -> dict[str, float]:
    """Exact mean wait per class of non-preemptive priority M/M/c with equal work (Cobham)."""
    mu = 1 / model.mean_work
    c = model.engineers
    w0 = erlang_c(c, model.rate / mu) / (c * mu)
    out, sigma_before = {}, 0.0
    for name, rate in zip(CLASSES, model.class_rates):
        sigma = sigma_before + rate / (c * mu)
        out[name] = w0 / ((1 - sigma_before) * (1 - sigma))
        sigma_before = sigma
    return out


# ---- supportsim -------------------------------------------------------------------------------------------
def scenario_dict(model: R1) -> dict:
    """R1 as a supportsim scenario, written as a user would write the YAML file."""
    return {
        "name": f"r1-c{model.engineers}",
        "description": "Benchmark R1: M/M/c, VIP tickets first (non-preemptive).",
        "horizon": f"{model.horizon!r}h",
        "replications": 1,
        "seed": model.seed,
        "segments": {"vip": {"share": model.vip_share, "vip": True},
                     "standard": {"share": round(1 - model.vip_share, 12)}},
        "arrivals": {"rate": f"{model.rate!r}/h"},
        "groups": {"desk": {"staff": model.engineers,
                            "work": {"dist": "exponential", "mean": f"{model.mean_work!r}h"}}},
        "policy": "priority",
    }


def run_supportsim(model: R1, scenario: Scenario | None = None) -> ReplicationRecord:
    """Draw and simulate one replication; returns the engine's record (every ticket's times are in it)."""
    from ..admit import load_scenario
    from ..api import run_replications

    scenario = scenario or load_scenario(scenario_dict(model))
    return run_replications(scenario, 1, model.seed)[0]


def supportsim_waits(scenario: Scenario, record: ReplicationRecord) -> Waits:
    """Mean wait per segment, as the summary reports it (the statistics step, timed separately)."""
    from ..results import SimulationResult

    summary = SimulationResult(scenario, {"base": [record]}, record.replication).summary()
    segments = summary["variants"]["base"]["segments"]
    return Waits(len(record.tickets), {c: segments[c]["reaction"]["mean"]["value"] for c in CLASSES})


# ---- the competitors ----------------------------------------------------------------------------------------
def draw(model: R1) -> tuple[list[float], list[int], list[float]]:
    """Arrival times, class (0 VIP, 1 standard) and work of ``model.tickets`` tickets, drawn in bulk."""
    rng = np.random.default_rng(model.seed)
    arrived = np.cumsum(rng.exponential(1 / model.rate, model.tickets))
    klass = (rng.random(model.tickets) >= model.vip_share).astype(np.int64)
    work = rng.exponential(model.mean_work, model.tickets)
    return arrived.tolist(), klass.tolist(), work.tolist()


def _waits(total: list[float], count: list[int]) -> Waits:
    return Waits(sum(count), {c: total[k] / count[k] if count[k] else math.nan for k, c in enumerate(CLASSES)})


def run_floor(model: R1, tickets: Tickets | None = None) -> Waits:
    """The hand-written floor: one heap of events, two FIFO queues, running sums instead of records."""
    arrived, klass, work = tickets or draw(model)
    n = len(arrived)
    queues: tuple[deque[int], deque[int]] = (deque(), deque())
    total, count = [0.0, 0.0], [0, 0]
    free = model.engineers
    events = [(arrived[0], 0)] if n else []  # (time, ticket) for an arrival, (time, -1) for work ending
    pop, push = heapq.heappop, heapq.heappush
    while events:
        now, ticket = pop(events)
        if ticket >= 0:
            if ticket + 1 < n:
                push(events, (arrived[ticket + 1], ticket + 1))
            count[klass[ticket]] += 1
            if free:
                free -= 1
                push(events, (now + work[ticket], -1))
            else:
                queues[klass[ticket]].append(ticket)
        else:
            queue = queues[0] or queues[1]
            if queue:
                ticket = queue.popleft()
                total[klass[ticket]] += now - arrived[ticket]
                push(events, (now + work[ticket], -1))
            else:
                free += 1
    return _waits(total, count)


def run_simpy(model: R1, tickets: Tickets | None = None) -> Waits:
    """The textbook SimPy model: one process per ticket requesting a PriorityResource."""
    import simpy

    arrived, klass, work = tickets or draw(model)
    env = simpy.Environment()
    desk = simpy.PriorityResource(env, capacity=model.engineers)
    waits: tuple[list[float], list[float]] = ([], [])

    def ticket(k: int, w: float) -> Generator[Any, Any, None]:
        start = env.now
        with desk.request(priority=k) as request:
            yield request
            waits[k].append(env.now - start)
            yield env.timeout(w)

    def source() -> Generator[Any, Any, None]:
        for a, k, w in zip(arrived, klass, work):
            yield env.timeout(a - env.now)
            env.process(ticket(k, w))

    env.process(source())
    env.run()
    return _waits([sum(w) for w in waits], [len(w) for w in waits])


def run_ciw(model: R1) -> Waits:
    """Ciw 3.x: two customer classes with ``priority_classes``; tickets are the completed records."""
    import ciw

    vip_rate, standard_rate = model.class_rates
    mu = 1 / model.mean_work
    network = ciw.create_network(
        arrival_distributions={"vip": [ciw.dists.Exponential(rate=vip_rate)],
                               "standard": [ciw.dists.Exponential(rate=standard_rate)]},
        service_distributions={"vip": [ciw.dists.Exponential(rate=mu)],
                               "standard": [ciw.dists.Exponential(rate=mu)]},
        number_of_servers=[model.engineers],
        priority_classes={"vip": 0, "standard": 1},
    )
    ciw.seed(model.seed)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(model.horizon)
    total, count = [0.0, 0.0], [0, 0]
    for record in simulation.get_all_records():
        k = CLASSES.index(record.customer_class)
        total[k] += record.waiting_time
        count[k] += 1
    return _waits(total, count)

"""How much work a command takes on, estimated from the scenario before anything is simulated.

A typo such as ``horizon: 1e5h`` or a burst of 100,000 tickets every second passes every schema bound on its
own and then asks for hours of simulation and tens of GiB. :func:`estimate` gives the expected tickets, visits,
events and memory of a run from the scenario alone (rates, horizon, bursts, a trace's rows, escalation), and
:func:`refuse_beyond` turns an estimate over the limit into a one-line error that states it (see
docs/limits.md). The estimate is an expectation: a run may simulate somewhat more or fewer tickets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .limits import BYTES_PER_VISIT, MAX_TICKETS
from .loader import ScenarioError
from .scenario import Scenario

EVENTS_PER_VISIT = 3   # arrival or escalation, start of work, end of work


@dataclass(frozen=True)
class Estimate:
    tickets: float          # over every replication, variant and point
    visits: float
    largest_replication: float   # visits of the largest single replication (held in memory while it runs)

    def __add__(self, other: Estimate) -> Estimate:
        return Estimate(self.tickets + other.tickets, self.visits + other.visits,
                        max(self.largest_replication, other.largest_replication))

    @property
    def events(self) -> float:
        return self.visits * EVENTS_PER_VISIT

    def memory(self, kept: bool) -> float:
        """Bytes: every visit's record when results are kept per ticket (``run``), else one replication's."""
        return (self.visits if kept else self.largest_replication) * BYTES_PER_VISIT


def tickets_per_replication(scenario: Scenario) -> float:
    """Expected tickets of one replication: the rate (and bursts) over the horizon, or the trace's rows."""
    tickets = scenario.mean_arrival_rate * scenario.horizon
    if scenario.arrivals.trace is not None:
        from .trace import load_trace
        tickets += len(load_trace(scenario).arrived)
    return tickets


def visits_per_ticket(scenario: Scenario) -> float:
    visits = float(scenario.visits_per_ticket().sum()) + len(scenario.extra_visits())
    return max(visits, 1.0)


def estimate(variants: Iterable[Scenario], replications: int) -> Estimate:
    total = Estimate(0.0, 0.0, 0.0)
    for scenario in variants:
        tickets = tickets_per_replication(scenario)
        visits = tickets * visits_per_ticket(scenario)
        total = total + Estimate(tickets * replications, visits * replications, visits)
    return total


def refuse_beyond(found: Estimate, source: str, max_tickets: int | None = None, kept: bool = True,
                  what: str = "the run", lines: Mapping[str, int] | None = None) -> None:
    """A ScenarioError naming the estimate when it is over ``max_tickets`` (default :data:`MAX_TICKETS`)."""
    limit = MAX_TICKETS if max_tickets is None else max_tickets
    if found.tickets <= limit:
        return
    raise ScenarioError([("", f"{what} would simulate about {found.tickets:.3g} tickets ({found.events:.3g} "
                              f"events, about {_bytes(found.memory(kept))} of memory), more than the limit of "
                              f"{limit:,} tickets: shorten the horizon, lower the rates or replications, or "
                              f"raise the limit with --max-tickets (see docs/limits.md)")], source, lines)


def _bytes(count: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if count < 1024 or unit == "TiB":
            return f"{count:.3g} {unit}"
        count /= 1024
    return f"{count:.3g} TiB"

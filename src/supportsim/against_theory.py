"""The simulator against exact queueing results: cases, exact figures, and how a simulated figure is judged.

(Input checking is something else: ``supportsim validate``, see :mod:`supportsim.loader`.)

Each :class:`Case` is a scenario (a plain dict, as a user would write it in YAML) for which queueing theory
gives exact stationary answers (:mod:`supportsim.theory`), and the :class:`ExactFigure` s that compare a simulated
figure with its exact value. The test suite (``tests/test_against_theory.py``) and the script that writes
``docs/against-theory.md`` (``scripts/against_theory.py``) both take their cases from :data:`CASES`, so the published
table is always about the models the tests check.

How a check decides
-------------------
A figure is reported as the mean over ``R`` independent replications with a 95% Student-t interval of half-width
``h = t(0.975, R-1) * s / sqrt(R)``. A check passes when ``|simulated - exact| <= max(TOLERANCE_FACTOR * h,
floor)``. With ``R = 40`` and a factor of 2 that is ``4.0`` standard errors: a correct engine fails one check
with probability about 2.4e-4 (Student t with 39 degrees of freedom), so the suite does not flake even when the
random streams change. A bare 95% interval would fail one correct check in twenty.

The run lengths make ``2h`` about 5% of the exact value for the waiting-time figures (less for the others), so a
systematic error of 5% fails each check about half the time, and one of 8% or more fails it almost surely (2h
plus two standard errors). A real bias of the engine moves every case the same way, and the cases use
independent seeds, so a 5% bias fails the suite with probability about 1 - 0.5^5 > 95%; and the pooled check
(:class:`PooledOutcome`), whose tolerance is about 2% for the mean relative error of the cases' main figures,
fails it for sure. The small absolute ``floor`` only matters for figures whose interval is almost zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import t as t_dist

from . import theory
from .api import simulate
from .results import SimulationResult
from .stats import estimate

Key = tuple[str, ...]

REPLICATIONS = 40     # more replications give a steadier interval width for the same number of tickets
WARMUP_HOURS = 200.0   # about five relaxation times of the busiest queue below (M/M/10 at rho 0.9: ~40h)
TOLERANCE_FACTOR = 2.0
POOLED_STANDARD_ERRORS = 4.0   # the pooled mean has ~200 degrees of freedom: P(|Z| > 4) = 6e-5
LITTLE_FLOOR = 0.001   # relative: Little's law is an identity up to edge effects, so only a tiny floor


@dataclass(frozen=True)
class ExactFigure:
    """One simulated figure against its exact value."""

    label: str                  # what is compared, for people: "mean wait", "P(wait > 6m)"
    key: Key                    # the figure in supportsim.stats (summary.json path within the variant)
    exact: float
    complement: bool = False    # the figure is 1 - the exact quantity (SLA attainment against P(wait > t))
    floor: float = 1e-3         # smallest tolerance, in the figure's unit (hours or a fraction)
    headline: bool = False      # the case's main figure, pooled with the other cases' (see pooled_outcome)


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    model: str                  # markdown: the model and where its exact results come from
    scenario: dict[str, Any]
    figures: tuple[ExactFigure, ...]


@dataclass(frozen=True)
class Outcome:
    case: str
    figure: ExactFigure
    value: float
    low: float
    high: float
    tolerance: float

    @property
    def error(self) -> float:
        return self.value - self.figure.exact

    @property
    def passed(self) -> bool:
        return abs(self.error) <= self.tolerance


@dataclass(frozen=True)
class LittleOutcome:
    """Little's law for one group: a time-average count against arrival rate x mean time, per replication.

    On every sample path the two differ only by edge effects (tickets in the group when the observation window
    opens or closes), which average out, so the mean over replications of the difference is checked against
    zero with the same rule as the exact values: within twice its 95% half-width, or a 0.1% floor.
    """

    case: str
    group: str
    measure: str                # "tickets present" (L = lambda T) or "queue length" (Lq = lambda Wq)
    count: float                # mean over replications of the time-average count
    rate_times_time: float      # mean over replications of arrival rate x mean time
    difference: float           # mean over replications of count - rate x time
    half_width: float

    @property
    def tolerance(self) -> float:
        return max(TOLERANCE_FACTOR * self.half_width, LITTLE_FLOOR * abs(self.count))

    @property
    def passed(self) -> bool:
        return abs(self.difference) <= self.tolerance


@dataclass(frozen=True)
class PooledOutcome:
    """The headline figures of all cases together: their mean relative error against its standard error.

    The cases have independent seeds, so the relative errors (simulated - exact) / exact of their headline
    figures are independent, and their mean has standard error sqrt(sum se_i^2) / n, about 1/sqrt(n) of one
    case's. A bias of the engine that shows in every case (a few percent in every waiting time) fails this
    check even when it hides inside each case's own tolerance.
    """

    labels: tuple[str, ...]
    relative_error: float
    standard_error: float

    @property
    def tolerance(self) -> float:
        return POOLED_STANDARD_ERRORS * self.standard_error

    @property
    def passed(self) -> bool:
        return abs(self.relative_error) <= self.tolerance


def _scenario(name: str, horizon: float, seed: int, rate: float, groups: dict, *, policy: str = "fifo",
              vip_share: float | None = None, sla: dict | None = None, entry: str | None = None) -> dict:
    if vip_share is None:
        segments = {"customers": {"share": 1.0}}
    else:
        segments = {"vip": {"share": vip_share, "vip": True}, "standard": {"share": round(1 - vip_share, 12)}}
    scenario = {
        "name": name, "horizon": f"{horizon:g}h", "warmup": f"{WARMUP_HOURS:g}h",
        "replications": REPLICATIONS, "seed": seed, "segments": segments,
        "arrivals": {"rate": f"{rate:g}/h"}, "groups": groups, "policy": policy,
    }
    if entry:
        scenario["entry"] = entry
    if sla:
        scenario["sla"] = sla
    return scenario


def _exponential_desk(staff: int, mean_hours: float = 1.0, **extra: Any) -> dict:
    return {"staff": staff, "work": {"dist": "exponential", "mean": f"{mean_hours:g}h"}, **extra}


def _fmt_minutes(hours: float) -> str:
    return f"{hours * 60:g}m"


def mmc_case(rho: float, horizon: float, seed: int, sla_hours: float, staff: int = 10) -> Case:
    """M/M/c FIFO at load rho: Erlang C for the mean wait, the tail P(W > t), the 90th percentile."""
    lam, mu, c = rho * staff, 1.0, staff
    pct = round(rho * 100)
    t = _fmt_minutes(sla_hours)
    scenario = _scenario(f"mmc-rho{pct}", horizon, seed, lam, {"desk": _exponential_desk(c)},
                         sla={"customers": {"reaction": t}})
    all_ = ("segments", "all")
    return Case(
        name=f"mmc-rho{pct}",
        title=f"M/M/{c} first come first served, rho = {rho:g}",
        model=(f"One group of c = {c} engineers, Poisson arrivals at {lam:g}/h, exponential work with mean 1h, "
               f"served in order of arrival: the M/M/c queue. Erlang C gives the probability of waiting "
               f"C = {theory.erlang_c(c, lam / mu):.4f}, the mean wait C/(c mu - lambda), the tail "
               f"P(W > t) = C exp(-(c mu - lambda) t) (checked through SLA attainment with a reaction target t = {t}) "
               f"and the quantile t_q = ln(C/(1-q))/(c mu - lambda). The simulated p90 is the 90th percentile of "
               f"each replication's waits, averaged over replications; with this many tickets per replication it "
               f"converges to t_0.9. The group figures check the time averages: utilization rho, mean queue "
               f"length Lq = lambda E[W] and mean number present L = lambda (E[W] + 1/mu)."),
        scenario=scenario,
        figures=(
            ExactFigure("mean wait (h)", (*all_, "reaction", "mean"), theory.mmc_mean_wait(lam, mu, c), headline=True),
            ExactFigure(f"P(wait > {t})", (*all_, "sla", "reaction_met"),
                        theory.mmc_wait_exceeds(lam, mu, c, sla_hours),
                        complement=True),
            ExactFigure("p90 wait (h)", (*all_, "reaction", "p90"), theory.mmc_wait_quantile(lam, mu, c, 0.9)),
            ExactFigure("utilization", ("groups", "desk", "utilization"), rho),
            ExactFigure("mean queue length", ("groups", "desk", "queue_length"),
                        theory.mmc_mean_queue_length(lam, mu, c)),
            ExactFigure("mean tickets present", ("groups", "desk", "tickets_present"),
                        theory.mmc_mean_present(lam, mu, c)),
        ),
    )


def priority_case(rho: float, horizon: float, seed: int, vip_share: float = 0.2, staff: int = 10) -> Case:
    """Non-preemptive VIP-first priority on M/M/c: Cobham's per-class waits and Kleinrock's conservation law."""
    lam, mu, c = rho * staff, 1.0, staff
    lams = [vip_share * lam, (1 - vip_share) * lam]
    vip, standard = theory.priority_mean_waits(lams, mu, c)
    return Case(
        name=f"priority-rho{round(rho * 100)}",
        title=f"M/M/{c} non-preemptive priority, VIP share {vip_share:g}, rho = {rho:g}",
        model=(f"The M/M/{c} desk at {lam:g}/h with policy `priority`: {vip_share:.0%} of tickets come from a VIP "
               f"segment and a free engineer takes the oldest VIP ticket before any other; work in progress is "
               f"never interrupted. Cobham's formula gives each class's mean wait "
               f"E[W_k] = W0/((1 - sigma_(k-1))(1 - sigma_k)) with W0 = C/(c mu). By Kleinrock's conservation "
               f"law the mean wait over all tickets stays the FIFO (Erlang C) value."),
        scenario=_scenario(f"priority-rho{round(rho * 100)}", horizon, seed, lam, {"desk": _exponential_desk(c)},
                           policy="priority", vip_share=vip_share),
        figures=(
            ExactFigure("VIP mean wait (h)", ("segments", "vip", "reaction", "mean"), vip),
            ExactFigure("standard mean wait (h)", ("segments", "standard", "reaction", "mean"), standard,
                        headline=True),
            ExactFigure("all tickets mean wait (h)", ("segments", "all", "reaction", "mean"),
                        theory.mmc_mean_wait(lam, mu, c)),
        ),
    )


def preemptive_case(rho: float, horizon: float, seed: int, vip_share: float = 0.2, staff: int = 10) -> Case:
    """Preemptive-resume VIP-first priority on M/M/c: per-class mean resolution (sojourn)."""
    lam, mu, c = rho * staff, 1.0, staff
    lams = [vip_share * lam, (1 - vip_share) * lam]
    vip, standard = theory.preemptive_mean_sojourns(lams, mu, c)
    return Case(
        name=f"preemptive-rho{round(rho * 100)}",
        title=f"M/M/{c} preemptive-resume priority, VIP share {vip_share:g}, rho = {rho:g}",
        model=(f"The M/M/{c} desk at {lam:g}/h with policy `preemptive`: an arriving VIP ticket that finds every "
               f"engineer busy interrupts a standard ticket, which later resumes with the work already done. "
               f"VIP tickets never see standard ones, so they alone form an M/M/c queue; all tickets together "
               f"form the FIFO M/M/c in number (equal work rates, work-conserving). With "
               f"N_k = Lambda_k (E[W](Lambda_k) + 1/mu) the mean number of class 1..k tickets present, the mean "
               f"resolution of class k is (N_k - N_(k-1))/lambda_k by Little's law."),
        scenario=_scenario(f"preemptive-rho{round(rho * 100)}", horizon, seed, lam, {"desk": _exponential_desk(c)},
                           policy="preemptive", vip_share=vip_share),
        figures=(
            ExactFigure("VIP mean resolution (h)", ("segments", "vip", "resolution", "mean"), vip),
            ExactFigure("standard mean resolution (h)", ("segments", "standard", "resolution", "mean"), standard,
                        headline=True),
            ExactFigure("mean tickets present", ("groups", "desk", "tickets_present"),
                        theory.mmc_mean_present(lam, mu, c)),
        ),
    )


def tandem_case(rate: float, horizon: float, seed: int, escalation: float, staff: tuple[int, int]) -> Case:
    """L1 -> L2 with escalation probability p: two M/M/c queues (Burke's theorem, Jackson network)."""
    c1, c2 = staff
    lam2 = rate * escalation
    w1, w2 = theory.mmc_mean_wait(rate, 1.0, c1), theory.mmc_mean_wait(lam2, 1.0, c2)
    groups = {"L1": _exponential_desk(c1, escalate={"L2": escalation}), "L2": _exponential_desk(c2)}
    return Case(
        name="tandem",
        title=f"L1 (c = {c1}) -> L2 (c = {c2}), escalation probability {escalation:g}",
        model=(f"Tickets arrive at L1 ({c1} engineers) at {rate:g}/h; after work there a fraction p = {escalation:g} "
               f"is escalated to L2 ({c2} engineers), independently of everything else. Work is exponential with "
               f"mean 1h in both groups, FIFO. By Burke's theorem the departures of a stable M/M/c queue form a "
               f"Poisson process, and random thinning keeps it Poisson, so L2 is an M/M/{c2} queue with rate "
               f"p lambda = {lam2:g}/h (a Jackson network): each group's mean wait is Erlang C with its own "
               f"arrival rate, and the mean resolution is E[W1] + 1 + p (E[W2] + 1)."),
        scenario=_scenario("tandem", horizon, seed, rate, groups, entry="L1"),
        figures=(
            ExactFigure("L1 mean queue wait (h)", ("groups", "L1", "queue_wait", "mean"), w1),
            ExactFigure("L2 mean queue wait (h)", ("groups", "L2", "queue_wait", "mean"), w2, headline=True),
            ExactFigure("L2 utilization", ("groups", "L2", "utilization"), lam2 / c2),
            ExactFigure("mean resolution (h)", ("segments", "all", "resolution", "mean"),
                        w1 + 1.0 + escalation * (w2 + 1.0)),
        ),
    )


CASES: tuple[Case, ...] = (
    mmc_case(0.7, horizon=10_300, seed=1, sla_hours=0.1),
    mmc_case(0.9, horizon=11_000, seed=2, sla_hours=1.0),
    priority_case(0.85, horizon=12_700, seed=3),
    preemptive_case(0.9, horizon=5_200, seed=4),
    tandem_case(8.0, horizon=9_500, seed=5, escalation=0.25, staff=(10, 3)),
)
"""Every case against theory. Horizons are set from the variance per ticket measured for each figure, so that twice
the 95% half-width of the waiting-time figures is 4-5% of the exact value; about 16 million tickets in all.
Each case has its own seed: with one seed, cases at similar rates would share most arrivals and work times
(common random numbers) and their errors would move together; with distinct seeds they are independent
evidence."""


def case_named(name: str) -> Case:
    for case in CASES:
        if case.name == name:
            return case
    raise KeyError(f"no case against theory {name!r}; cases are {', '.join(c.name for c in CASES)}")


def run(case: Case, jobs: int = 1) -> SimulationResult:
    """Simulate the case (``jobs`` worker processes; the result does not depend on it)."""
    return simulate(case.scenario, jobs=jobs)


def evaluate(case: Case, result: SimulationResult) -> list[Outcome]:
    """Each exact figure of the case against the result's estimates (mean over replications with 95% interval)."""
    estimates = result.estimates()
    outcomes = []
    for figure in case.figures:
        estimate = estimates[figure.key]
        value, (low, high) = estimate["value"], estimate["ci95"]
        if figure.complement:
            value, low, high = 1.0 - value, 1.0 - high, 1.0 - low
        half = (high - low) / 2.0
        outcomes.append(Outcome(case.name, figure, value, low, high, max(TOLERANCE_FACTOR * half, figure.floor)))
    return outcomes


def pooled_outcome(outcomes: list[Outcome]) -> PooledOutcome:
    """Pool the headline checks (one per case, independent seeds) into one relative-error check."""
    headline = [o for o in outcomes if o.figure.headline]
    t_quantile = float(t_dist.ppf(0.975, REPLICATIONS - 1))
    relative = [o.error / o.figure.exact for o in headline]
    variances = [((o.high - o.low) / 2.0 / t_quantile / o.figure.exact) ** 2 for o in headline]
    return PooledOutcome(tuple(f"{o.case}: {o.figure.label}" for o in headline), float(np.mean(relative)),
                         float(np.sqrt(np.sum(variances)) / len(headline)))


def little_outcomes(case: Case, result: SimulationResult) -> list[LittleOutcome]:
    """Little's law per group, on the group figures of :func:`supportsim.stats.group_figures`:
    tickets present = arrival rate x time in group, and queue length = arrival rate x mean queue wait."""
    pairs = (("tickets present", ("tickets_present",), ("time_in_group",)),
             ("queue length", ("queue_length",), ("queue_wait", "mean")))
    per_replication = result.figures["base"]
    out = []
    for group in result.scenario.group_names:
        for measure, count_key, time_key in pairs:
            counts = [f[("groups", group, *count_key)] for f in per_replication]
            products = [f[("groups", group, "arrival_rate")] * f[("groups", group, *time_key)]
                        for f in per_replication]
            difference = estimate(c - p for c, p in zip(counts, products))
            low, high = difference["ci95"]
            out.append(LittleOutcome(case.name, group, measure, float(np.mean(counts)), float(np.mean(products)),
                                     difference["value"], (high - low) / 2.0))
    return out


def tickets_in(case: Case) -> float:
    """Expected number of tickets the case simulates (all replications), for budgeting runtime."""
    horizon = float(case.scenario["horizon"].rstrip("h"))
    rate = float(case.scenario["arrivals"]["rate"].split("/")[0])
    return rate * horizon * case.scenario["replications"]

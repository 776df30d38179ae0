"""Exact queueing results: the oracles the simulator is validated against.

Small pure functions of the model parameters, for stationary 24x7 models (see ``theory.md`` in the project's
shared notes and any queueing text, e.g. Gross & Harris, *Fundamentals of Queueing Theory*; Kleinrock,
*Queueing Systems* vol. 2). Notation: arrival rate ``lam``, service rate ``mu`` (mean work ``1/mu``), ``c``
engineers, offered load ``a = lam/mu``, utilisation ``rho = a/c``. All functions take rates per hour and return
hours, so they compare directly with supportsim's figures. Waits are queue waits (reaction); sojourn is wait
plus work (resolution). Every function needs a stable system (``rho < 1``) where a stationary answer exists
and raises ``ValueError`` otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def _check_stable(lam: float, mu: float, c: int) -> float:
    if lam < 0 or mu <= 0 or c < 1:
        raise ValueError(f"need lam >= 0, mu > 0, c >= 1; got lam={lam}, mu={mu}, c={c}")
    if lam >= c * mu:
        raise ValueError(f"unstable: lam={lam} >= c*mu={c * mu} (rho={lam / (c * mu):.3f})")
    return lam / mu


# ---- Erlang B / C: M/M/c, first come first served ------------------------------------------------------------

def erlang_b(c: int, a: float) -> float:
    """Blocking probability of M/M/c/c with offered load ``a``: B_0 = 1, B_n = a B_{n-1} / (n + a B_{n-1}).

    The recursion is numerically stable for any c, unlike the textbook ratio of sums.
    """
    if c < 0 or a < 0:
        raise ValueError(f"need c >= 0 and a >= 0, got c={c}, a={a}")
    b = 1.0
    for n in range(1, c + 1):
        b = a * b / (n + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """Probability that an arriving ticket waits in M/M/c: C = c B_c / (c - a (1 - B_c)), for a < c."""
    if a >= c:
        raise ValueError(f"unstable: offered load a={a} >= c={c}")
    b = erlang_b(c, a)
    return c * b / (c - a * (1.0 - b))


def mmc_mean_wait(lam: float, mu: float, c: int) -> float:
    """M/M/c FIFO mean queue wait E[W] = C / (c mu - lam)."""
    a = _check_stable(lam, mu, c)
    return erlang_c(c, a) / (c * mu - lam) if lam > 0 else 0.0


def mmc_mean_queue_length(lam: float, mu: float, c: int) -> float:
    """M/M/c mean number waiting E[Lq] = lam E[W] (Little's law)."""
    return lam * mmc_mean_wait(lam, mu, c)


def mmc_mean_present(lam: float, mu: float, c: int) -> float:
    """M/M/c mean number present (waiting or in work) E[L] = lam (E[W] + 1/mu)."""
    return lam * (mmc_mean_wait(lam, mu, c) + 1.0 / mu)


def mmc_wait_exceeds(lam: float, mu: float, c: int, t: float) -> float:
    """M/M/c FIFO P(W > t) = C exp(-(c mu - lam) t) for t >= 0; the service level SL(t) is one minus this."""
    a = _check_stable(lam, mu, c)
    if t < 0:
        return 1.0
    return erlang_c(c, a) * math.exp(-(c * mu - lam) * t) if lam > 0 else 0.0


def mmc_wait_quantile(lam: float, mu: float, c: int, q: float) -> float:
    """M/M/c FIFO wait quantile: t_q = ln(C / (1 - q)) / (c mu - lam) when q > 1 - C, else 0.

    Waits have an atom at zero of mass 1 - C (tickets that find a free engineer).
    """
    if not 0.0 <= q < 1.0:
        raise ValueError(f"q must be in [0, 1), got {q}")
    a = _check_stable(lam, mu, c)
    wait_probability = erlang_c(c, a) if lam > 0 else 0.0
    if q <= 1.0 - wait_probability:
        return 0.0
    return math.log(wait_probability / (1.0 - q)) / (c * mu - lam)


# ---- priorities: M/M/c with equal service rate ---------------------------------------------------------------

def priority_mean_waits(lams: Sequence[float], mu: float, c: int) -> list[float]:
    """Non-preemptive priority (Cobham), M/M/c, equal service rate; class 1 (first) served first.

    sigma_k = sum_{i<=k} lam_i / (c mu), W0 = C(c, a) / (c mu) with the total load a, and
    E[W_k] = W0 / ((1 - sigma_{k-1}) (1 - sigma_k)), sigma_0 = 0. Returns E[W_k] per class.
    """
    total = sum(lams)
    a = _check_stable(total, mu, c)
    w0 = erlang_c(c, a) / (c * mu) if total > 0 else 0.0
    waits, sigma = [], 0.0
    for lam in lams:
        previous, sigma = sigma, sigma + lam / (c * mu)
        waits.append(w0 / ((1.0 - previous) * (1.0 - sigma)))
    return waits


def preemptive_mean_sojourns(lams: Sequence[float], mu: float, c: int) -> list[float]:
    """Preemptive-resume priority, M/M/c, equal service rate; class 1 (first) highest. Mean sojourn per class.

    Classes 1..k together see an M/M/c with rate Lambda_k = lam_1 + ... + lam_k (lower classes are invisible
    to them), so N_k = Lambda_k (E[W_MMc](Lambda_k) + 1/mu) tickets of classes 1..k are present on average and
    E[T_k] = (N_k - N_{k-1}) / lam_k (Little's law on class k alone).
    """
    _check_stable(sum(lams), mu, c)
    sojourns, cumulative, present_before = [], 0.0, 0.0
    for lam in lams:
        if lam <= 0:
            raise ValueError(f"every class needs a positive arrival rate, got {lam}")
        cumulative += lam
        present = mmc_mean_present(cumulative, mu, c)
        sojourns.append((present - present_before) / lam)
        present_before = present
    return sojourns


def mg1_preemptive_mean_sojourns(lams: Sequence[float], means: Sequence[float],
                                 second_moments: Sequence[float]) -> list[float]:
    """Preemptive-resume priority, M/G/1; class 1 (first) highest. Mean sojourn per class:

    E[T_k] = E[S_k] / (1 - sigma_{k-1}) + (sum_{i<=k} lam_i E[S_i^2] / 2) / ((1 - sigma_{k-1}) (1 - sigma_k)),
    with sigma_k = sum_{i<=k} lam_i E[S_i].
    """
    if sum(lam * mean for lam, mean in zip(lams, means)) >= 1.0:
        raise ValueError("unstable: total load >= 1")
    out, sigma, residual = [], 0.0, 0.0
    for lam, mean, second in zip(lams, means, second_moments):
        previous = sigma
        sigma += lam * mean
        residual += lam * second / 2.0
        out.append(mean / (1.0 - previous) + residual / ((1.0 - previous) * (1.0 - sigma)))
    return out


# ---- M/G/1 ---------------------------------------------------------------------------------------------------

def pk_mean_wait(lam: float, mean: float, second_moment: float) -> float:
    """Pollaczek-Khinchine mean wait of M/G/1 FIFO: E[W] = lam E[S^2] / (2 (1 - rho)), rho = lam E[S]."""
    rho = lam * mean
    if rho >= 1.0:
        raise ValueError(f"unstable: rho={rho:.3f} >= 1")
    return lam * second_moment / (2.0 * (1.0 - rho))


def lognormal_second_moment(mean: float, cv: float) -> float:
    """E[S^2] = m^2 (1 + cv^2) for work with mean m and coefficient of variation cv (any distribution)."""
    return mean * mean * (1.0 + cv * cv)


# ---- Kleinrock's conservation law ----------------------------------------------------------------------------

def arrival_weighted_mean(lams: Sequence[float], waits: Sequence[float]) -> float:
    """Mean wait over all tickets, sum lam_k W_k / sum lam_k. By Kleinrock's conservation law this equals the
    FIFO mean wait for any work-conserving, non-preemptive discipline that ignores work content, when every
    class has the same work distribution."""
    total = sum(lams)
    return sum(lam * wait for lam, wait in zip(lams, waits)) / total


def conservation_partner_change(vip_share: float, vip_change: float) -> float:
    """Change in the non-VIP mean wait that balances a change ``vip_change`` in the VIP mean wait, with no
    extra staff: dW_nonVIP = -(p / (1 - p)) dW_VIP (the arrival-weighted mean wait is conserved)."""
    if not 0.0 <= vip_share < 1.0:
        raise ValueError(f"vip_share must be in [0, 1), got {vip_share}")
    return -(vip_share / (1.0 - vip_share)) * vip_change


# ---- Erlang A and square-root staffing -----------------------------------------------------------------------

def erlang_a(lam: float, mu: float, c: int, theta: float, tail: float = 1e-15) -> dict[str, float]:
    """M/M/c+M (abandonment at rate theta while waiting): the probability of waiting, of abandoning, and the
    mean queue length and wait (of all tickets, abandoning ones up to when they leave).

    pi_n is proportional to prod_{k<=n} lam / (min(k, c) mu + max(k - c, 0) theta); P(abandon) = theta E[Lq]/lam.
    The sum over n runs until the terms fall below ``tail`` relative to the total; it is stable for any load
    when theta > 0.
    """
    if theta <= 0:
        raise ValueError(f"theta must be > 0 (without abandonment use Erlang C), got {theta}")
    if lam <= 0 or mu <= 0 or c < 1:
        raise ValueError(f"need lam > 0, mu > 0, c >= 1; got lam={lam}, mu={mu}, c={c}")
    term, total, waiting, queue = 1.0, 1.0, 0.0, 0.0
    n = 0
    while True:
        n += 1
        term *= lam / (min(n, c) * mu + max(n - c, 0) * theta)
        total += term
        if n >= c:
            waiting += term           # an arrival that finds n >= c present waits
            queue += (n - c) * term
        if n > c and term < tail * total:
            break
    mean_queue = queue / total
    return {
        "wait_probability": waiting / total,
        "abandon_probability": theta * mean_queue / lam,
        "mean_queue_length": mean_queue,
        "mean_wait": mean_queue / lam,
    }


def halfin_whitt_wait_probability(beta: float) -> float:
    """Heavy-traffic limit of the probability of waiting with c = a + beta sqrt(a):
    [1 + beta Phi(beta) / phi(beta)]^-1. A first guess for staffing, not an exact result."""
    if beta <= 0:
        raise ValueError(f"beta must be > 0, got {beta}")
    phi = math.exp(-beta * beta / 2.0) / math.sqrt(2.0 * math.pi)
    big_phi = 0.5 * (1.0 + math.erf(beta / math.sqrt(2.0)))
    return 1.0 / (1.0 + beta * big_phi / phi)


def mg1_setup_mean_wait(lam: float, work_mean: float, work_second_moment: float, setup_mean: float,
                        setup_second_moment: float) -> float:
    """Mean wait until work starts in an M/G/1 queue whose server needs a setup (an on-call engineer's call-out)
    at the start of each busy period, setup included (Welch 1964; Takagi, Queueing Analysis vol. 1, 2.5):
    W = lam E[B^2] / (2 (1 - rho)) + (2 E[S] + lam E[S^2]) / (2 (1 + lam E[S]))."""
    rho = lam * work_mean
    if rho >= 1:
        raise ValueError(f"unstable: rho = {rho:.3f} >= 1")
    return (lam * work_second_moment / (2 * (1 - rho))
            + (2 * setup_mean + lam * setup_second_moment) / (2 * (1 + lam * setup_mean)))

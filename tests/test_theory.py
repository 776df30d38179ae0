"""The exact formulas, against textbook values and closed forms of special cases (these are truth, not seeds)."""

import math

import pytest

from supportsim import theory


def test_erlang_b_textbook_values():
    # Erlang B tables: B(5 lines, 3 Erlang) = 0.1101, B(10, 5) = 0.01838; one line: a / (1 + a)
    assert theory.erlang_b(5, 3.0) == pytest.approx(0.1101, abs=1e-4)
    assert theory.erlang_b(10, 5.0) == pytest.approx(0.01838, abs=1e-5)
    assert theory.erlang_b(1, 0.7) == pytest.approx(0.7 / 1.7)
    assert theory.erlang_b(0, 3.0) == 1.0


def test_erlang_b_recursion_survives_large_systems():
    # the ratio-of-sums form overflows here (a^c / c!); the recursion must not
    assert 0.0 < theory.erlang_b(2000, 1900.0) < 0.02


def test_erlang_c_textbook_values():
    assert theory.erlang_c(10, 9.0) == pytest.approx(0.6687, abs=1e-4)
    assert theory.erlang_c(10, 7.0) == pytest.approx(0.2217, abs=1e-4)


def test_mm1_waits_with_probability_rho():
    for rho in (0.3, 0.8, 0.95):
        assert theory.erlang_c(1, rho) == pytest.approx(rho)
        # M/M/1: E[W] = rho / (mu - lam)
        assert theory.mmc_mean_wait(rho * 2.0, 2.0, 1) == pytest.approx(rho / (2.0 - 2.0 * rho))


def test_mm2_closed_form():
    # M/M/2: P(wait) = 2 rho^2 / (1 + rho)
    for rho in (0.5, 0.9):
        assert theory.erlang_c(2, 2 * rho) == pytest.approx(2 * rho * rho / (1 + rho))


def test_wait_tail_and_quantile_are_inverse():
    lam, mu, c = 9.0, 1.0, 10
    wait_probability = theory.erlang_c(c, lam / mu)
    assert theory.mmc_wait_exceeds(lam, mu, c, 0.0) == pytest.approx(wait_probability)
    for q in (0.5, 0.9, 0.95):
        t = theory.mmc_wait_quantile(lam, mu, c, q)
        assert t > 0
        assert theory.mmc_wait_exceeds(lam, mu, c, t) == pytest.approx(1 - q)
    # below the atom at zero (1 - C of tickets never wait) the quantile is 0
    assert theory.mmc_wait_quantile(7.0, 1.0, 10, 0.7) == 0.0
    # the mean is the integral of the tail: C / (c mu - lam)
    assert theory.mmc_mean_wait(lam, mu, c) == pytest.approx(wait_probability / (c * mu - lam))


def test_little_law_in_the_formulas():
    lam, mu, c = 9.0, 2.0, 6
    assert theory.mmc_mean_queue_length(lam, mu, c) == pytest.approx(lam * theory.mmc_mean_wait(lam, mu, c))
    assert theory.mmc_mean_present(lam, mu, c) == pytest.approx(theory.mmc_mean_queue_length(lam, mu, c) + lam / mu)


def test_unstable_systems_are_refused():
    with pytest.raises(ValueError, match="unstable"):
        theory.mmc_mean_wait(10.0, 1.0, 10)
    with pytest.raises(ValueError, match="unstable"):
        theory.priority_mean_waits([5.0, 6.0], 1.0, 10)
    with pytest.raises(ValueError, match="unstable"):
        theory.pk_mean_wait(1.0, 1.0, 2.0)


def test_cobham_obeys_the_conservation_law():
    # arrival-weighted mean wait under non-preemptive priority = FIFO mean wait (Kleinrock)
    lams, mu, c = [1.8, 3.0, 4.2], 1.0, 10
    waits = theory.priority_mean_waits(lams, mu, c)
    assert waits[0] < waits[1] < waits[2]
    assert theory.arrival_weighted_mean(lams, waits) == pytest.approx(theory.mmc_mean_wait(sum(lams), mu, c))


def test_cobham_single_class_is_fifo_and_mm1_matches_pk():
    assert theory.priority_mean_waits([9.0], 1.0, 10)[0] == pytest.approx(theory.mmc_mean_wait(9.0, 1.0, 10))
    # M/M/1 two classes, lam = 0.3 + 0.5, mu = 1: W0 = rho / mu = 0.8, W1 = 0.8 / 0.7, W2 = 0.8 / (0.7 * 0.2)
    w1, w2 = theory.priority_mean_waits([0.3, 0.5], 1.0, 1)
    assert w1 == pytest.approx(0.8 / 0.7)
    assert w2 == pytest.approx(0.8 / (0.7 * 0.2))


def test_conservation_partner_change():
    # VIP share 20%: VIP saving one hour costs everyone else a quarter hour
    assert theory.conservation_partner_change(0.2, -1.0) == pytest.approx(0.25)
    lams, mu, c = [1.8, 7.2], 1.0, 10
    fifo = theory.mmc_mean_wait(9.0, mu, c)
    vip, rest = theory.priority_mean_waits(lams, mu, c)
    assert rest - fifo == pytest.approx(theory.conservation_partner_change(0.2, vip - fifo))


def test_preemptive_top_class_sees_an_mmc_of_its_own():
    lams, mu, c = [1.8, 7.2], 1.0, 10
    t1, t2 = theory.preemptive_mean_sojourns(lams, mu, c)
    assert t1 == pytest.approx(theory.mmc_mean_wait(1.8, mu, c) + 1 / mu)
    # all tickets together: the same number present as M/M/c FIFO (work-conserving, equal rates)
    assert theory.arrival_weighted_mean(lams, [t1, t2]) == pytest.approx(theory.mmc_mean_wait(9.0, mu, c) + 1 / mu)


def test_preemptive_mm1_agrees_with_mg1_formula():
    lams, mu = [0.3, 0.5], 2.0
    mmc = theory.preemptive_mean_sojourns(lams, mu, 1)
    mg1 = theory.mg1_preemptive_mean_sojourns(lams, [1 / mu] * 2, [2 / mu**2] * 2)  # exponential E[S^2] = 2/mu^2
    assert mmc == pytest.approx(mg1)


def test_pollaczek_khinchine():
    # exponential work: E[S^2] = 2 m^2 gives M/M/1; deterministic work halves the wait (M/D/1)
    lam, m = 0.8, 1.0
    assert theory.pk_mean_wait(lam, m, 2 * m * m) == pytest.approx(theory.mmc_mean_wait(lam, 1 / m, 1))
    assert theory.pk_mean_wait(lam, m, m * m) == pytest.approx(0.5 * theory.mmc_mean_wait(lam, 1 / m, 1))
    assert theory.lognormal_second_moment(2.0, 1.0) == pytest.approx(8.0)


def test_erlang_a_limits():
    lam, mu, c = 9.0, 1.0, 10
    # patience rate = service rate: the number present is Poisson(a), as in M/M/infinity
    a = lam / mu
    result = theory.erlang_a(lam, mu, c, theta=mu)
    poisson_tail = 1 - sum(math.exp(-a) * a**n / math.factorial(n) for n in range(c))
    assert result["wait_probability"] == pytest.approx(poisson_tail)
    mean_queue = sum((n - c) * math.exp(-a + n * math.log(a) - math.lgamma(n + 1)) for n in range(c, 200))
    assert result["mean_queue_length"] == pytest.approx(mean_queue)
    # almost infinite patience: Erlang C
    patient = theory.erlang_a(lam, mu, c, theta=1e-7)
    assert patient["wait_probability"] == pytest.approx(theory.erlang_c(c, a), rel=1e-5)
    assert patient["mean_wait"] == pytest.approx(theory.mmc_mean_wait(lam, mu, c), rel=1e-5)
    # with abandonment an overloaded desk is still stable
    assert 0 < theory.erlang_a(15.0, 1.0, 10, theta=0.5)["abandon_probability"] < 1


def test_halfin_whitt_reference_betas():
    for beta, wait_probability in ((0.506, 0.5), (1.062, 0.2), (1.42, 0.1)):
        assert theory.halfin_whitt_wait_probability(beta) == pytest.approx(wait_probability, abs=1e-3)


def test_setup_wait_without_setup_is_the_pollaczek_khinchine_wait():
    lam, mu = 0.8, 1.0
    assert theory.mg1_setup_mean_wait(lam, 1 / mu, 2 / mu**2, 0.0, 0.0) == pytest.approx(theory.mmc_mean_wait(lam, mu, 1))
    # at a vanishing arrival rate every ticket finds the engineer at home: the wait is the setup
    assert theory.mg1_setup_mean_wait(1e-9, 1.0, 2.0, 0.25, 0.0625) == pytest.approx(0.25)

"""``supportsim staff --by-hour``: the iterative staffing algorithm against theory on a sinusoidal M(t)/M/s_t.

For exponential work the ISA's staffing should follow the square-root rule applied to the *lagged* offered load
m(t) (m' = lambda(t) - mu m), not to each hour's own arrival rate, and give about the same delay probability
in every hour (measured figures in the tests below and in docs/staffing.md).
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from scipy.optimize import brentq

from supportsim.admit import admit
from supportsim.engine import simulate_replication
from supportsim.scenario import Scenario
from supportsim.staffing import settings_for
from supportsim.staffing_by_hour import (
    SAMPLES_PER_HOUR,
    by_hour,
    delays,
    lagged_offered_load,
    presence,
    requirement,
    staffed_by_interval,
)
from supportsim.stats import overlap
from supportsim.theory import halfin_whitt_wait_probability

ALPHA = 0.1
CHECK_REPLICATIONS = 10
RATE, WORK, AMPLITUDE = 20.0, 1.0, 0.5     # tickets/h on average, hours of work, relative swing over the day


def sinusoidal(horizon: str = "9w", replications: int = 6, seed: int = 1) -> Scenario:
    hours = {f"{h:02d}-{h + 1:02d}": round(1 + AMPLITUDE * math.sin(2 * math.pi * (h + 0.5) / 24), 4)
             for h in range(24)}
    return admit({"name": "sine", "horizon": horizon, "warmup": "1w", "replications": replications, "seed": seed,
                  "segments": {"std": {"share": 1}},
                  "arrivals": {"rate": f"{RATE:g}/h", "profile": {"hours": hours}},
                  "groups": {"desk": {"staff": 40, "work": {"dist": "exponential", "mean": f"{WORK:g}h"}}}}).scenario


def square_root_rule(load: np.ndarray, alpha: float) -> np.ndarray:
    beta = brentq(lambda b: halfin_whitt_wait_probability(b) - alpha, 1e-6, 10.0)
    return np.ceil(load + beta * np.sqrt(load))


def delay_by_hour_of_day(staffing: np.ndarray, seed: int) -> np.ndarray:
    """Share of tickets that waited, per hour of the day (the profile's period), simulated on other tickets
    than those the staffing was found on."""
    check = staffed_by_interval(sinusoidal(seed=seed + 1000), {"desk": staffing}, 1)
    counted = [delays(simulate_replication(check, r), "desk") for r in range(CHECK_REPLICATIONS)]
    arrivals, waited = sum(c[0] for c in counted), sum(c[1] for c in counted)
    return waited.reshape(7, 24).sum(axis=0) / arrivals.reshape(7, 24).sum(axis=0)


def measured(seed: int) -> dict[str, np.ndarray]:
    scenario = sinusoidal(seed=seed)
    answer = by_hour(scenario, [], settings_for(scenario), alpha=ALPHA)
    rates = scenario.total_rate * scenario.arrivals.profile.table()
    own = square_root_rule(rates * WORK, ALPHA).astype(np.int64)
    return {"staff": answer.staffing["desk"], "lagged": square_root_rule(lagged_offered_load(rates, WORK), ALPHA),
            "own": own, "delay": delay_by_hour_of_day(answer.staffing["desk"], seed),
            "own_delay": delay_by_hour_of_day(own, seed), "iterations": np.array(len(answer.iterations))}


@pytest.fixture(scope="module")
def isa_answer() -> dict[str, np.ndarray]:
    return measured(int(os.environ.get("SUPPORTSIM_ISA_SEED", "1")))


def test_requirement_is_the_alpha_quantile_of_presence() -> None:
    counts = np.array([[0, 0, 5, 3, 2], [10, 0, 0, 0, 0]], dtype=float)   # L = 2, 3, 4 and L = 0
    assert requirement(counts, 0.2).tolist() == [4, 1]    # P(L >= 4) = 0.2; with nobody there, one (s = 0: all wait)
    assert requirement(counts, 0.5).tolist() == [3, 1]    # P(L >= 3) = 0.5


def test_presence_counts_tickets_in_work_or_waiting() -> None:
    scenario = sinusoidal(horizon="2w")
    record = simulate_replication(scenario, 0)
    counts = presence(record, "desk")
    mean = (counts * np.arange(counts.shape[1])).sum() / counts.sum()
    # the time average of the tickets present over the window, exactly: their time in it over its length
    exact = overlap(record.queued, record.ended, scenario.warmup, scenario.horizon) / (scenario.horizon
                                                                                      - scenario.warmup)
    assert mean == pytest.approx(exact, rel=0.01)
    assert counts.sum() == pytest.approx(SAMPLES_PER_HOUR * (scenario.horizon - scenario.warmup))


def test_isa_is_time_stable(isa_answer: dict[str, np.ndarray]) -> None:
    """The delay probability stays near alpha in every hour of the day, though arrivals swing by +-50%.
    Measured with seeds 1-5: per hour of the day between 0.017 and 0.123, mean 0.064-0.077 (integer staff
    keeps it at or below alpha = 0.1 but for sampling noise)."""
    delay = isa_answer["delay"]
    assert np.all(delay >= 0.01), delay
    assert np.all(delay <= ALPHA + 0.05), delay
    assert 0.04 <= delay.mean() <= ALPHA


def test_isa_follows_the_lagged_square_root_rule(isa_answer: dict[str, np.ndarray]) -> None:
    """Within one engineer of ceil(m + beta sqrt(m)) on the lagged load in most hours of the week, and much more
    often than the same rule on each hour's own arrival rate. Measured with seeds 1-5: 85-91% of the 168 hours
    against 38-43%; the ISA settled in 5-6 iterations."""
    staff = isa_answer["staff"]
    lagged = np.mean(np.abs(staff - isa_answer["lagged"]) <= 1)
    own = np.mean(np.abs(staff - isa_answer["own"]) <= 1)
    assert lagged >= 0.75
    assert lagged >= own + 0.25


@pytest.mark.parametrize("at_shift_end", ["pause", "finish"])
def test_at_shift_end_finish_lets_the_engineer_finish_the_ticket_in_hand(at_shift_end: str) -> None:
    scenario = admit({"name": "shifts", "horizon": "2w", "replications": 1,
                      "calendars": {"day": {"hours": "09:00-17:00"}}, "segments": {"std": {"share": 1}},
                      "arrivals": {"rate": "1/h"},
                      "groups": {"desk": {"staff": [{"count": 3, "calendar": "day"}], "at_shift_end": at_shift_end,
                                          "work": {"dist": "exponential", "mean": "2h"}}}}).scenario
    record = simulate_replication(scenario, 0)
    day_hour = np.mod(record.ended, 24.0)
    started_hour = np.mod(record.started, 24.0)
    if at_shift_end == "pause":   # work in hand at 17:00 waits for the same engineer at 09:00
        assert len(record.pauses) > 0
        assert not np.any((day_hour > 17.0) & (record.ended - record.started < 8.0))
    else:                         # finished after 17:00 by the engineer who had it; nobody starts work off duty
        assert len(record.interruptions) == 0
        assert np.any(day_hour > 17.0)
        assert np.all((started_hour >= 9.0 - 1e-9) & (started_hour <= 17.0 + 1e-9))
    assert np.all(np.isfinite(record.ended))

"""One convention for changes (issue 14): ratios only where both means are well away from zero."""

from __future__ import annotations

from supportsim.wording import NEAR_ZERO, time_change


def test_a_ratio_near_zero_is_said_as_no_wait_or_an_absolute_difference():
    # "1864.1x faster" of a VIP reaction near zero: 2 s against an hour is no wait, not a factor
    assert time_change(2 / 3600, 2 / 3600, 1.0) == "no wait"
    assert time_change(56 / 0.03, 56 / 3600, 0.03 / 3600) == "no wait in either"
    assert time_change(1800.0, 0.5, 0.5 / 1800) == "30.0m more"
    assert time_change(0.0, 0.0, 1.0) == "no wait"


def test_away_from_zero_a_factor_from_one_and_a_half_a_percentage_below_and_about_the_same_under_one_percent():
    assert time_change(1 / 6.1, 0.05, 0.305) == "6.1x faster"
    assert time_change(2.0, 1.0, 0.5) == "2.0x slower"
    assert time_change(0.67, 0.67, 1.0) == "33% faster"
    assert time_change(1.10, 1.1, 1.0) == "10% slower"
    assert time_change(1.004, 1.004, 1.0) == "about the same"
    assert time_change(None) == "-" and NEAR_ZERO == 1 / 60

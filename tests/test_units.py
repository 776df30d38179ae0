"""Durations and rates: the units people write, and clear refusals of ambiguous input."""

import pytest

from supportsim.units import format_duration, human_duration, parse_duration, parse_rate


@pytest.mark.parametrize("text, hours", [
    ("15m", 0.25), ("15min", 0.25), ("2.5h", 2.5), ("3d", 72.0), ("1w", 168.0), ("90s", 0.025), (" 30 m ", 0.5),
    (".5h", 0.5), ("1e1m", 10 / 60), ("0h", 0.0),
])
def test_durations_in_hours(text, hours):
    assert parse_duration(text) == pytest.approx(hours)


@pytest.mark.parametrize("text, per_hour", [("9/h", 9.0), ("48/d", 2.0), ("168/w", 1.0), ("1/min", 60.0), ("0.5 / h", 0.5)])
def test_rates_per_hour(text, per_hour):
    assert parse_rate(text) == pytest.approx(per_hour)


@pytest.mark.parametrize("value, fragment", [
    (8, "bare number is ambiguous"), (2.5, "add a unit"), ("8", "cannot read duration"), ("8 hours", "unknown time unit"),
    ("-5m", "must not be negative, got '-5m'"), (None, "expected a duration"), (True, "expected a duration"), ("5y", "unknown time unit"),
])
def test_bad_durations_say_what_to_write(value, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_duration(value)


@pytest.mark.parametrize("value, fragment", [(9, "bare number"), ("9", "cannot read rate"), ("9/y", "unknown time unit")])
def test_bad_rates_say_what_to_write(value, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_rate(value)


@pytest.mark.parametrize("hours", [0.25, 1.0, 2.5, 72.0, 168.0, 1 / 3600, 0.0, 1 / 7])
def test_format_duration_round_trips(hours):
    assert parse_duration(format_duration(hours)) == pytest.approx(hours, rel=1e-9)


def test_human_duration_picks_readable_units():
    assert human_duration(0.5) == "30.0m"
    assert human_duration(5) == "5.00h"
    assert human_duration(72) == "3.00d"

"""Calendars: reading them as people write them, and on-duty time that is exact however it is asked for."""

from datetime import date, datetime
from itertools import islice

import numpy as np
import pytest

from supportsim.calendar import (
    ALWAYS,
    Calendar,
    build_calendar,
    parse_days,
    parse_hours,
    parse_offset,
    parse_week_table,
    profile_table,
)

MONDAY = datetime(2027, 1, 4)  # a Monday


def office(**extra):
    return build_calendar(start=MONDAY, days="mon-fri", hours="09:00-18:00", **extra)


@pytest.mark.parametrize("text, days", [
    ("mon-fri", (0, 1, 2, 3, 4)), ("sat,sun", (5, 6)), ("daily", tuple(range(7))), ("fri-mon", (0, 4, 5, 6)),
    (["sun", "Monday", "tue"], (0, 1, 6)), ("mon wed", (0, 2)),
])
def test_days_as_written(text, days):
    assert parse_days(text) == days


@pytest.mark.parametrize("text, ranges", [
    ("09:00-18:00", ((9, 18),)), ("22:00-06:00", ((22, 30),)), ("00:00-24:00", ((0, 24),)),
    (["08:30-12:00", "13-17"], ((8.5, 12), (13, 17))),
])
def test_hours_as_written(text, ranges):
    assert parse_hours(text) == ranges


@pytest.mark.parametrize("parse, value, fragment", [
    (parse_days, "mon-fry", "unknown day 'fry'"),
    (parse_days, 5, "expected days"),
    (parse_hours, "9 to 5", "cannot read hours"),
    (parse_hours, "25:00-26:00", "out of range"),
    (parse_hours, "09:00-09:00", "empty"),
    (parse_hours, "24:00-06:00", "out of range"),
    (parse_hours, "09:75-10:00", "out of range"),
    (parse_week_table, {"mon": "1111"}, "24 characters"),
    (parse_week_table, {"mon": "1" * 24, "monday": "0" * 24}, "given twice"),
    (parse_offset, "seven", "cannot read offset"),
])
def test_bad_calendar_values_say_what_is_wrong(parse, value, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse(value)


def test_office_hours_by_hand():
    cal = office()
    assert cal.hours_per_week == 45
    assert list(islice(cal.shifts(0.0), 3)) == [(9, 18), (33, 42), (57, 66)]
    # Friday 17:30 to Monday 09:30 is half an hour on Friday and half an hour on Monday
    assert cal.business_hours(4 * 24 + 17.5, 7 * 24 + 9.5) == 1.0
    assert cal.business_hours(0, 168 * 10) == 450
    assert cal.on_duty(9.0) and not cal.on_duty(18.0) and not cal.on_duty(5 * 24 + 10)
    assert cal.next_change(0.0) == 9.0 and cal.next_change(9.0) == 18.0
    assert not cal.is_always and ALWAYS.is_always


def test_a_night_shift_is_one_interval_across_midnight_and_across_the_end_of_the_week():
    night = build_calendar(start=MONDAY, days=["sun", "mon", "tue", "wed", "thu"], hours="22:00-06:00")
    # Sunday 22:00 to Monday 06:00 is one shift, and at time 0 (Monday 00:00) it is already running
    assert list(islice(night.shifts(0.0), 3)) == [(-2.0, 6.0), (22.0, 30.0), (46.0, 54.0)]
    week_two = list(islice(night.shifts(0.0), 6))[-2:]  # no Friday or Saturday night
    assert week_two == [(94.0, 102.0), (166.0, 174.0)]
    assert night.hours_per_week == 40
    assert night.business_hours(0, 168) == 40  # the Sunday-night shift gives 6h at the start and 2h at the end


def test_holidays_take_whole_dates():
    cal = office(holidays=[date(2027, 1, 6)])  # the Wednesday
    assert list(islice(cal.shifts(0.0), 3)) == [(9, 18), (33, 42), (81, 90)]
    assert cal.business_hours(0, 168) == 36
    assert cal.business_hours(24 + 17.5, 3 * 24 + 9.5) == 1.0
    # a 24x7 calendar with a holiday is no longer always on
    open_all_week = build_calendar(start=MONDAY, holidays=[date(2027, 1, 5)])
    assert not open_all_week.is_always
    assert list(open_all_week.shifts(0.0)) == [(-np.inf, 24.0), (48.0, np.inf)]


def test_the_start_need_not_be_a_monday_midnight():
    cal = build_calendar(start=datetime(2027, 1, 8, 17, 30), days="mon-fri", hours="09:00-18:00")  # a Friday
    assert next(cal.shifts(0.0)) == (-8.5, 0.5)
    assert cal.business_hours(0.0, 64.0) == 1.0  # to Monday 09:30


def test_an_offset_moves_a_calendar_against_the_scenario_clock():
    # engineers 7 hours ahead work 09:00-18:00 on their clock: 02:00-11:00 on ours
    asia = build_calendar(start=MONDAY, days="mon-fri", hours="09:00-18:00", offset="+7h")
    assert next(asia.shifts(0.0)) == (2.0, 11.0)
    assert parse_offset("-5h30m") == -5.5 and parse_offset("+05:30") == 5.5


def test_an_hour_of_week_table():
    table = {"mon": "000000001111111100000000", "sat": "........####............"}
    cal = build_calendar(start=MONDAY, week=table)
    assert cal.hours_per_week == 12
    assert list(islice(cal.shifts(0.0), 2)) == [(8.0, 16.0), (5 * 24 + 8.0, 5 * 24 + 12.0)]
    assert cal.hour_of_week_share()[8] == 1 and cal.hour_of_week_share()[7] == 0


def test_business_hours_agree_with_the_shifts_they_come_from():
    """Two ways to the same number: the cumulative table (vectorized) and the list of shifts."""
    rng = np.random.default_rng(3)
    calendars = [
        office(holidays=[date(2027, 1, 6), date(2027, 2, 1)]),
        build_calendar(start=datetime(2027, 1, 6, 13, 15), days="sun-thu", hours=["22:00-06:00", "12:00-13:30"]),
        build_calendar(start=MONDAY, days="daily", hours="00:00-24:00", holidays=[date(2027, 1, 20)]),
    ]
    for cal in calendars:
        a = rng.uniform(-50, 3000, 200)
        b = a + rng.exponential(200, 200)
        vectorized = cal.business_hours(a, b)
        by_shifts = [sum(off - on for on, off in cal.intervals(x, y)) for x, y in zip(a, b)]
        assert np.allclose(vectorized, by_shifts, atol=1e-9)
    assert np.isnan(office().business_hours(np.array([np.nan]), np.array([5.0]))).all()


def test_profile_table_keeps_the_weekly_mean():
    table = profile_table({"mon": 2.0, "sun": 0.0}, {"09-12": 3.0, "22-02": 0.5})
    assert table.shape == (168,) and table.mean() == pytest.approx(1.0)
    # Monday 10:00 against Tuesday 10:00 and Tuesday 01:00 (inside the range that wraps past midnight)
    assert table[10] / table[34] == pytest.approx(2.0)
    assert table[24 + 1] / table[24 + 5] == pytest.approx(0.5)
    assert np.all(table[144:] == 0)


def test_calendar_folds_intervals_past_the_week_end():
    cal = Calendar(week=np.array([[160.0, 172.0]]))
    assert cal.week.tolist() == [[0.0, 4.0], [160.0, 168.0]]

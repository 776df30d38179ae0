"""Arrivals on the customers' calendar: holidays that stop (or thin) arrivals, special days, rates per working
day, growth. Counts against their exact expectations (chi-square at a significance no correct sampler reaches,
with fixed seeds, so the tests do not flake)."""

from datetime import date

import numpy as np
import pytest
from scipy import stats

from supportsim import load_scenario
from supportsim.arrival_calendar import expected_count, parse_growth
from supportsim.loader import ScenarioError
from supportsim.tickets import arrival_plan, draw_tickets

START = date(2027, 1, 4)   # a Monday


def scenario(calendar: dict | None = None, arrivals: dict | None = None, horizon: str = "12w", seed: int = 5, **extra):
    data = {"name": "arr", "start": "2027-01-04T00:00", "horizon": horizon, "seed": seed, "segments": {"a": {}},
            "calendars": {"customers": calendar or {"days": "mon-fri", "hours": "09:00-18:00"}},
            "arrivals": {"rate": "200/d", "calendar": "customers", **(arrivals or {})},
            "groups": {"L1": {"staff": 20, "work": {"dist": "exponential", "mean": "1m"}}}, **extra}
    return load_scenario(data)


def poisson_fit(counts: np.ndarray, expected: np.ndarray) -> float:
    """p-value of independent Poisson counts against their exact means: sum (O - E)^2 / E is chi-square with
    one degree of freedom per count (the total is not fitted)."""
    statistic = float(((counts - expected) ** 2 / expected).sum())
    return float(stats.chi2.sf(statistic, len(counts)))


def per_day(times: np.ndarray, days: int) -> np.ndarray:
    return np.bincount(np.floor(times / 24).astype(int), minlength=days)[:days]


def test_a_holiday_with_factor_zero_has_no_arrivals_and_the_days_around_it_are_untouched():
    s = scenario({"days": "mon-fri", "holidays": [{"dates": "2027-01-11..2027-01-15", "arrivals": 0}]})
    counts = np.array([per_day(draw_tickets(s, r).arrived, 84) for r in range(5)])
    assert counts[:, 7:12].sum() == 0                       # Monday 11 to Friday 15: none
    assert counts[:, 5:7].min() > 100 and counts[:, 12:14].min() > 100   # the weekends around it: as usual
    # and the engineers' calendar, if it were this one, would have no working time on those days
    cal = s.calendar("customers")
    assert cal.business_hours(7 * 24.0, 12 * 24.0) == 0.0


def test_a_holiday_at_factor_03_gets_three_tenths_of_the_usual_count():
    """Eight holiday days at 0.3 in each of 40 replications: their counts against 0.3 x 200 a day, and every
    day's count against its expectation (chi-square)."""
    s = scenario({"days": "mon-fri", "holidays": [{"dates": "2027-01-01..2027-01-08", "arrivals": 0.3}]},
                 horizon="3w", start="2027-01-01T00:00")
    edges, rates, beta = arrival_plan(s)
    expected = np.array([expected_count(edges, rates, beta, 24.0 * d, 24.0 * (d + 1)) for d in range(21)])
    assert expected[:8] == pytest.approx(0.3 * 200) and expected[8:] == pytest.approx(200)
    counts = np.array([per_day(draw_tickets(s, r).arrived, 21) for r in range(40)]).sum(axis=0)
    assert poisson_fit(counts, 40 * expected) > 1e-6
    holiday = counts[:8].sum()
    assert abs(holiday - 40 * 8 * 60) < 6 * np.sqrt(40 * 8 * 60)
    assert abs(holiday / counts[8:16].sum() - 0.3) < 0.02   # eight ordinary days: 0.3 of them


def test_a_holiday_without_a_factor_gets_the_sunday_profile_and_a_special_day_its_factor():
    profile = {"weekdays": {"mon": 1.5, "sat": 0.3, "sun": 0.2}, "hours": {"09-18": 3.0}}
    s = scenario({"days": "mon-fri", "holidays": ["2027-01-06"], "special_days": {"release": {"dates": "2027-01-07", "arrivals": 2.5}}},
                 arrivals={"profile": profile}, horizon="2w")
    edges, rates, beta = arrival_plan(s)
    hourly = [expected_count(edges, rates, beta, h, h + 1) for h in range(14 * 24)]
    sunday, wednesday, thursday = 6 * 24, 2 * 24, 3 * 24
    assert hourly[wednesday:wednesday + 24] == pytest.approx(hourly[sunday:sunday + 24])   # the holiday
    assert hourly[thursday:thursday + 24] == pytest.approx([2.5 * h for h in hourly[thursday + 168:thursday + 192]])
    assert hourly[wednesday + 168:wednesday + 192] != pytest.approx(hourly[sunday:sunday + 24])


def test_holidays_are_on_the_customers_calendar_clock():
    """A customers' calendar three hours ahead: its holiday of 2027-01-11 is 2027-01-10 21:00 to 2027-01-11
    21:00 on the scenario's clock."""
    s = scenario({"offset": "+3h", "holidays": [{"dates": "2027-01-11", "arrivals": 0}]}, horizon="3w")
    arrived = np.concatenate([draw_tickets(s, r).arrived for r in range(3)])
    assert not ((arrived >= 7 * 24 - 3) & (arrived < 8 * 24 - 3)).any()
    assert ((arrived >= 7 * 24 - 4) & (arrived < 7 * 24 - 3)).sum() > 10


def test_a_rate_per_working_day_is_the_mean_count_of_a_working_day():
    """120/working_day on Monday to Friday with quiet weekends: the weekly total is 120 x 5 x (sum of day
    weights) / (weight of the working days), and the mean count of a working day is 120."""
    profile = {"weekdays": {"mon": 1.3, "tue": 1.1, "fri": 0.9, "sat": 0.2, "sun": 0.2}}
    s = scenario(arrivals={"rate": "120/working_day", "profile": profile}, horizon="40w", seed=9)
    weights = np.array([1.3, 1.1, 1, 1, 0.9, 0.2, 0.2])
    assert s.total_rate * 168 == pytest.approx(120 * 5 * weights.sum() / weights[:5].sum())
    counts = per_day(draw_tickets(s, 0).arrived, 280)
    working = counts.reshape(40, 7)[:, :5]
    assert abs(working.mean() - 120) < 6 * np.sqrt(120 / working.size)
    # an engineers' calendar with other days does not change the customers' working days
    assert s.total_rate == scenario(arrivals={"rate": "120/working_day", "profile": profile}, horizon="40w",
                                    groups={"L1": {"staff": [{"count": 20, "calendar": "customers"}],
                                                   "work": {"dist": "exponential", "mean": "1m"}}}).total_rate


def test_growth_follows_the_trend_month_by_month():
    """+15%/y over two years: counts per 30-day month against the integral of rate x 1.15^(t/year); and a flat
    rate is rejected by the same counts (the test has the power to see the trend)."""
    s = scenario(arrivals={"rate": "100/d", "growth": "+15%/y"}, horizon=f"{24 * 30 * 24}h", seed=2)
    edges, rates, beta = arrival_plan(s)
    months = 24
    expected = np.array([expected_count(edges, rates, beta, 720.0 * m, 720.0 * (m + 1)) for m in range(months)])
    assert expected[-1] / expected[0] == pytest.approx(1.15 ** (23 * 720 / 8766), rel=1e-9)
    counts = np.bincount(np.floor(draw_tickets(s, 0).arrived / 720).astype(int), minlength=months)[:months]
    assert poisson_fit(counts, expected) > 1e-6
    flat = np.full(months, counts.sum() / months)
    assert stats.chisquare(counts, flat).pvalue < 1e-6


def test_growth_words():
    assert parse_growth("+15%/y") == pytest.approx(0.15)
    assert parse_growth("-2%/month") == pytest.approx(0.98 ** 12 - 1)
    with pytest.raises(ValueError, match="write a percentage per year"):
        parse_growth("15%")
    tiny = parse_growth("+1e-08%/y")  # the form a tiny growth is written back in (scenario.resolved.yaml)
    assert tiny == pytest.approx(1e-10)
    with pytest.raises(ValueError, match=r"a year compounded: out of range \(at most \+1000%/y\)"):
        parse_growth("+900%/month")  # +900% a month is 1e14% a year: refused as said, not as its yearly form


@pytest.mark.parametrize("change, path, fragment", [
    ({"arrivals": {"rate": "120/working_day"}}, "arrivals.rate", "needs arrivals.calendar"),
    ({"arrivals": {"rate": "1/h", "calendar": "nope"}}, "arrivals.calendar", "unknown calendar 'nope'"),
    ({"arrivals": {"rate": "1/h", "growth": "lots"}}, "arrivals.growth", "cannot read growth"),
    ({"arrivals": {"rate": "1/h", "growth": "+900%/month"}}, "arrivals.growth", "out of range"),
    ({"calendars": {"c": {"holidays": ["2027-01-08..2027-01-01"]}}}, "calendars.c.holidays.0", "ends before it starts"),
    ({"calendars": {"c": {"holidays": ["2027-01-01..2029-01-01"]}}}, "calendars.c.holidays.0", "at most 366"),
    ({"calendars": {"c": {"holidays": [{"dates": "2027-01-01", "arrivals": -1}]}}}, "calendars.c.holidays.0.arrivals", ">= 0"),
    ({"calendars": {"c": {"tz": "Europe/Moscow", "offset": "+3h"}}}, "calendars.c.tz", "not both"),
])
def test_bad_arrival_calendar_keys_name_their_path(change, path, fragment):
    data = {"name": "x", "start": "2027-01-04T00:00", "horizon": "1w", "segments": {"a": {}}, "arrivals": {"rate": "1/h"},
            "groups": {"L1": {"staff": 1, "work": {"dist": "exponential", "mean": "1m"}}}}
    data.update(change)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(data)
    assert f"{path}:" in str(caught.value) and fragment in str(caught.value)


def test_holiday_ranges_stop_engineers_on_every_day_of_the_range():
    s = scenario({"days": "mon-fri", "hours": "09:00-18:00", "holidays": ["2027-01-11..2027-01-13", date(2027, 1, 15)]})
    cal = s.calendar("customers")
    week2 = [(a - 168, b - 168) for a, b in cal.intervals(168, 2 * 168)]
    assert week2 == [(3 * 24 + 9, 3 * 24 + 18)]   # only Thursday 14th is worked
    assert load_scenario(s.model_dump(mode="json", exclude_none=True)) == s   # written back, read the same


def test_validate_warns_of_arrival_factors_on_a_calendar_customers_do_not_follow(tmp_path, capsys):
    import yaml

    from supportsim.cli import main

    data = {"name": "x", "start": "2027-01-04T00:00", "horizon": "1w", "segments": {"a": {}},
            "arrivals": {"rate": "1/h"},
            "calendars": {"office": {"days": "mon-fri", "holidays": [{"dates": "2027-01-06", "arrivals": 0.5}],
                                     "special_days": {"release": {"dates": "2027-01-07", "arrivals": 2}}}},
            "groups": {"L1": {"staff": [{"count": 2, "calendar": "office"}], "work": {"dist": "exponential", "mean": "1m"}}}}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data))
    assert main(["validate", str(tmp_path / "s.yaml")]) == 0
    err = capsys.readouterr().err
    assert "calendars.office.holidays.0.arrivals: changes nothing: arrivals follow no calendar; set arrivals.calendar: office" in err
    assert "calendars.office.special_days.release: changes nothing" in err


def test_a_replayed_trace_is_read_in_the_scenario_zone_across_a_daylight_saving_change(tmp_path):
    """Berlin moves its clocks on 2027-03-28: from Monday 2027-03-22 00:00 to Monday 2027-03-29 09:00 on the wall
    clock is 7 days and 9 hours, but one hour less of elapsed time."""
    (tmp_path / "t.csv").write_text("arrived\n2027-03-29T09:00\n2027-03-23T09:00\n")
    s = load_scenario({"name": "x", "start": "2027-03-22T00:00", "tz": "Europe/Berlin", "horizon": "2w",
                       "segments": {"a": {}}, "arrivals": {"trace": str(tmp_path / "t.csv")},
                       "groups": {"L1": {"staff": 1, "work": {"dist": "exponential", "mean": "1m"}}}})
    assert draw_tickets(s, 0).arrived.tolist() == [33.0, 7 * 24 + 8.0]

"""Engineers' skills against truth: disjoint skills are independent Erlang C queues, engineers with every skill
are no skills at all (ticket by ticket), and with overlapping skills (an N-model) the event records show that no
ticket went to an engineer without its skill and no engineer idled while a ticket they could take waited."""

from __future__ import annotations

import numpy as np
import pytest

from supportsim import load_scenario
from supportsim.admit import load_warnings
from supportsim.api import simulate
from supportsim.loader import ScenarioError
from supportsim.skills import abilities, need_classes
from supportsim.theory import mmc_mean_wait, preemptive_mean_sojourns
from vip_tolerance import assert_matches

REPLICATIONS = 20


def desk(staff, *, skills=None, policy="fifo", horizon="3000h", variants=None, **extra) -> dict:
    """One group, exponential work of mean 1h; segment 'a' arrives at 2/h and 'b' at 1.2/h."""
    return {
        "name": "skills", "horizon": horizon, "warmup": "50h", "seed": 5,
        "segments": {"a": {"rate": "2/h"}, "b": {"rate": "1.2/h", "vip": True}},
        "skills": skills if skills is not None else {"language": {"default": {"en": 0.5, "de": 0.5},
                                                                  "by_segment": {"a": {"en": 1}, "b": {"de": 1}}}},
        "groups": {"desk": {"staff": staff, "work": {"dist": "exponential", "mean": "1h"}}},
        "policy": policy, "variants": variants or {}, **extra,
    }


def per_replication(result, *key, variant="base"):
    return [figures[key] for figures in result.figures[variant]]


@pytest.mark.parametrize("policy", ["fifo", "priority"])
def test_disjoint_skills_with_disjoint_engineers_are_independent_erlang_c_queues(policy):
    # 'a' needs en (3 engineers, rho 0.67), 'b' needs de (2 engineers, rho 0.6): M/M/3 and M/M/2 side by side
    staff = [{"count": 3, "skills": ["en"]}, {"count": 2, "skills": ["de"]}]
    result = simulate(desk(staff, policy=policy), replications=REPLICATIONS)
    assert_matches(per_replication(result, "segments", "a", "reaction", "mean"), mmc_mean_wait(2.0, 1.0, 3), "en wait")
    assert_matches(per_replication(result, "segments", "b", "reaction", "mean"), mmc_mean_wait(1.2, 1.0, 2), "de wait")
    record = result.records["base"][0]
    assert set(record.engineer[record.tickets.segment == 0].tolist()) == {0, 1, 2}
    assert set(record.engineer[record.tickets.segment == 1].tolist()) == {3, 4}


@pytest.mark.parametrize("policy", ["fifo", "priority", "preemptive"])
def test_engineers_with_every_skill_are_no_skills_ticket_by_ticket(policy):
    skills = {"language": {"en": 0.6, "de": 0.4}, "product": {"a": 0.5, "b": 0.5}}
    everything = [{"count": 2, "skills": ["en", "de", "a", "b"]}, {"count": 2, "calendar": "day"},
                  {"count": 1, "skills": ["de", "en", "b", "a"]}]
    plain = [{"count": 2}, {"count": 2, "calendar": "day"}, {"count": 1}]
    calendars = {"day": {"days": "mon-fri", "hours": "08:00-18:00"}}
    scenario = desk(everything, skills=skills, policy=policy, horizon="800h", calendars=calendars,
                    variants={"skilled": {}, "plain": {"groups": {"desk": {"staff": plain}}}})
    result = simulate(scenario, replications=2)
    for skilled, unskilled in zip(result.records["skilled"], result.records["plain"]):
        assert len(set(skilled.tickets.need.tolist())) == 4  # the needs are drawn, and every one is taken
        np.testing.assert_array_equal(skilled.started, unskilled.started)
        np.testing.assert_array_equal(skilled.ended, unskilled.ended)
        np.testing.assert_array_equal(skilled.engineer, unskilled.engineer)
        np.testing.assert_array_equal(skilled.interruptions, unskilled.interruptions)
    assert result.records["skilled"][0].pauses.any()  # shifts paused work: the skilled queue resumed it alike


def test_preemptive_with_disjoint_skills_is_preemptive_priority_per_skill():
    # 'en' tickets: VIP 0.6/h and standard 1.2/h on 3 en engineers; 'de': VIP 0.6/h, standard 0.4/h on 2 de engineers
    skills = {"language": {"en": 0.75, "de": 0.25}}
    staff = [{"count": 3, "skills": ["en"]}, {"count": 2, "skills": ["de"]}]
    scenario = desk(staff, skills=skills, policy="preemptive", horizon="4000h")
    scenario["segments"] = {"a": {"rate": "1.2/h"}, "b": {"rate": "1.2/h", "vip": True}}
    scenario["skills"] = {"language": {"default": {"en": 0.5, "de": 0.5}, "by_segment": {"a": {"en": 1.0}}}}
    result = simulate(scenario, replications=REPLICATIONS)
    records = result.records["base"]
    assert all(len(r.interruptions) for r in records)
    # per replication, mean response of each (skill, tier) over counted tickets, against M/M/c preemptive priority
    exact = {("en", 1): preemptive_mean_sojourns([0.6, 1.2], 1.0, 3)[0],
             ("en", 0): preemptive_mean_sojourns([0.6, 1.2], 1.0, 3)[1],
             ("de", 1): preemptive_mean_sojourns([0.6], 1.0, 2)[0]}
    for (skill, vip), value in exact.items():
        means = []
        for record in records:
            t = record.tickets
            need = 0 if skill == "en" else 1
            mine = (t.need == need) & (t.segment == vip) & (t.arrived >= 50.0)
            means.append(float((record.resolved - t.arrived)[mine].mean()))
        assert_matches(means, value, f"{skill} {'VIP' if vip else 'standard'} response")


def _busy_until(record, engineers: int) -> list[np.ndarray]:
    """Per engineer, their pieces of work as rows (start, end), sorted (no preemption: one piece per visit
    unless a shift paused it)."""
    pieces = [[] for _ in range(engineers)]
    for visit in range(len(record.started)):
        pieces[record.engineer[visit]].append((record.resumed[visit], record.ended[visit]))
    for _, engineer, start, end in record.interruptions:
        pieces[int(engineer)].append((start, end))
    return [np.array(sorted(p)) for p in pieces]


def _covered(pieces: np.ndarray, low: float, high: float) -> bool:
    """Whether the pieces cover [low, high) with no gap."""
    reached = low
    for start, end in pieces:
        if start > reached + 1e-9:
            break
        reached = max(reached, end)
        if reached >= high - 1e-9:
            return True
    return reached >= high - 1e-9


@pytest.mark.parametrize("policy", ["fifo", "priority"])
def test_n_model_gives_work_only_to_able_engineers_and_never_idles_one_that_could_help(policy):
    # en tickets: engineers 0-1 (en) and 4 (both); de tickets: 2-3 (de) and 4: an N-model with a shared engineer
    skills = {"language": {"en": 0.6, "de": 0.4}}
    staff = [{"count": 2, "skills": ["en"]}, {"count": 2, "skills": ["de"], "pace": 0.8}, {"count": 1}]
    scenario = desk(staff, skills=skills, policy=policy, horizon="400h")
    record = simulate(scenario, replications=1).records["base"][0]
    loaded = load_scenario(scenario)
    able = abilities(loaded.groups["desk"].blocks, need_classes(loaded.skills))
    assert able is not None
    need = record.tickets.need
    assert all(able[n][e] for n, e in zip(need, record.engineer))
    pieces = _busy_until(record, 5)
    queued = record.queued
    waited = np.flatnonzero(record.started - queued > 1e-9)
    assert len(waited) > 100  # the check has something to check
    for visit in waited:
        for engineer in range(5):
            if able[need[visit]][engineer]:
                assert _covered(pieces[engineer], queued[visit], record.started[visit]), (
                    f"engineer {engineer} idled while ticket {visit} waited for them")
    # pace 0.8: the de engineers work 20% faster, and only they
    work = record.tickets.work
    took = record.ended - record.started
    de = (record.engineer == 2) | (record.engineer == 3)
    np.testing.assert_allclose(took[de], 0.8 * work[de], rtol=1e-9)
    np.testing.assert_allclose(took[~de], work[~de], rtol=1e-9)


@pytest.mark.parametrize(("change", "path", "message"), [
    ({"staff": [{"count": 2, "skills": ["en"]}, {"count": 1, "skills": ["fr"]}]},
     "groups.desk.staff.1.skills", "unknown skill 'fr'; skills: en, de"),
    ({"staff": [{"count": 2, "skills": ["en"]}]},
     "groups.desk.staff", "no engineer has skills de, which 0.375 of tickets need"),
    ({"skills": {"language": {"en": 0.5, "de": 0.4}}}, "skills.language", "shares must sum to 1, got 0.9"),
    ({"skills": {"language": {"en": 0.5, "de": 0.5}, "product": {"en": 1.0}}}, "skills.product",
     "skill 'en' is also in skills.language"),
    ({"skills": {"language": {"default": {"en": 1}, "by_segment": {"c": {"en": 1}}}}},
     "skills.language.by_segment.c", "unknown segment 'c'"),
    ({"policy": "vip_lane"}, "policy", "the vip_lane policy gives tickets to engineers whatever their skills"),
    ({"policy": "contact_first"}, "policy", "use a policy that respects them (fifo, preemptive, priority)"),
])
def test_bad_skills_are_one_line_errors(change, path, message):
    change = dict(change)
    scenario = desk(change.pop("staff", [{"count": 2, "skills": ["en"]}, {"count": 1, "skills": ["de"]}]))
    scenario.update(change)
    assert_one_line_error(scenario, path, message)


def assert_one_line_error(scenario: dict, path: str, message: str) -> None:
    """Loading the scenario fails with one line that names the key path and says the message."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(scenario)
    text = str(caught.value)
    assert f"{path}: " in text and message in text, text
    assert "\n" not in text.strip()


def test_validate_warns_when_a_skill_is_short_though_the_group_copes():
    # 3.2/h of 1h work on 5 engineers is rho 0.64, but 'de' (1.2/h) has one engineer and a shared one at pace 0.9
    short = load_scenario(desk([{"count": 3, "skills": ["en"]}, {"count": 1, "skills": ["de"]},
                                {"count": 1, "pace": 0.9}]))
    overloaded = load_scenario(desk([{"count": 4, "skills": ["en"]}, {"count": 1, "skills": ["de"]}]))
    found = dict(load_warnings(overloaded, {"base": overloaded}))
    assert "needing de: 202 h of work offered per week, 168 engineer-hours" in found["groups.desk.staff"]
    assert "load 1.20" in found["groups.desk.staff"]
    assert load_warnings(short, {"base": short}) == []  # 'de' fits on its two engineers (load 0.57)

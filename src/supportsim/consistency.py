"""Cross-field checks of a scenario: what one field cannot check alone.

Shares summing to 1, groups and segments that exist, escalation that ends (within the engine's visit limit),
calendars that have working time, keys that a replayed trace leaves no room for. Each problem is a (key path,
message) pair for the error messages; the scenario model itself (:mod:`supportsim.scenario`) stays pure data.
"""

from __future__ import annotations

import numpy as np

from . import calendar as cal
from .contract_checks import contract_problems
from .limits import MAX_CUT_SHORT, MAX_VISITS
from .priorities import confusion_problems
from .routing import EntryRule, TicketMatch, in_hours
from .scenario import Scenario, WorkByClass
from .service_targets import placed_targets
from .skills import abilities, need_classes, need_shares, overloaded, skill_problems
from .strategies import strategies, strategy_class
from .ticket_checks import lifecycle_problems, type_problems
from .units import format_duration

RESERVED_SEGMENT_NAMES = {"all": "segments.all is every segment together",
                          "mean": "groups.<g>.queue_wait.mean is over every segment"}
"""Segment names that summary.json uses for totals: a segment so named would overwrite them or be overwritten."""
RESERVED_GROUP_NAMES = {"all": "workforce.all is every group together"}


def consistency_problems(s: Scenario) -> list[tuple[str, str]]:
    """Cross-field checks; each problem is (key path, message)."""
    problems: list[tuple[str, str]] = []
    groups = s.group_names
    if s.warmup >= s.horizon:
        problems.append(("warmup", f"must be shorter than horizon ({format_duration(s.horizon)}), "
                                   f"got {format_duration(s.warmup)}"))
    with_share = [n for n, seg in s.segments.items() if seg.share is not None]
    with_rate = [n for n, seg in s.segments.items() if seg.rate is not None]
    if s.arrivals.trace is not None:
        problems += replay_conflicts(s, with_rate)
    elif s.arrivals.rate is not None:
        if with_rate:
            problems.append((f"segments.{with_rate[0]}.rate",
                             "give either arrivals.rate with segment shares, or a rate per segment, not both"))
        missing = [n for n in s.segments if s.segments[n].share is None]
        if missing and len(s.segments) > 1:
            problems.append((f"segments.{missing[0]}.share",
                             "is missing: every segment needs a share when arrivals.rate is given"))
        elif with_share:
            total: float = sum(s.segments[n].share or 0.0 for n in with_share)
            if abs(total - 1) > 1e-6:
                problems.append(("segments", f"shares must sum to 1, got {total:g}"))
    else:
        if not with_rate:
            problems.append(("arrivals.rate", "is missing: give arrivals.rate (e.g. '9/h') or a rate per segment"))
        elif len(with_rate) < len(s.segments):
            no_rate = [n for n in s.segments if s.segments[n].rate is None][0]
            problems.append((f"segments.{no_rate}.rate",
                             "is missing: without arrivals.rate every segment needs its own rate"))
        if with_share and with_rate:
            problems.append((f"segments.{with_share[0]}.share",
                             "shares need arrivals.rate; with a rate per segment leave shares out"))
    if s.priorities is not None:
        total = sum(s.priority_shares.values())
        if abs(total - 1) > 1e-6:
            problems.append(("priorities", f"shares must sum to 1, got {total:g}"))
        problems += confusion_problems(s.priorities)
    if s.callbacks is not None:
        problems += _callback_problems(s)
    if s.triage is not None:
        if s.triage.group not in s.groups:
            problems.append(("triage.group", f"unknown group {s.triage.group!r}; groups are {', '.join(groups)}"))
        for segment in s.triage.segments or []:
            if segment not in s.segments:
                problems.append(("triage.segments", f"unknown segment {segment!r}"))
    if s.entry is None and len(groups) > 1:
        problems.append(("entry", "is missing: with several groups say where tickets arrive "
                                  f"(one of {', '.join(groups)})"))
    elif isinstance(s.entry, str) and s.entry not in s.groups:
        problems.append(("entry", f"unknown group {s.entry!r}; groups are {', '.join(groups)}"))
    problems += entry_rule_problems(s)
    for g, group in s.groups.items():
        for target in group.escalate:
            if target not in s.groups:
                problems.append((f"groups.{g}.escalate.{target}",
                                 f"unknown group {target!r}; groups are {', '.join(groups)}"))
        for i, rule in enumerate(group.escalate_when):
            problems += _match_problems(s, f"groups.{g}.escalate_when.{i}", rule)
            for target in rule.escalate:
                if target not in s.groups:
                    problems.append((f"groups.{g}.escalate_when.{i}.escalate.{target}",
                                     f"unknown group {target!r}; groups are {', '.join(groups)}"))
            if sum(rule.escalate.values()) > 1 + 1e-9:
                problems.append((f"groups.{g}.escalate_when.{i}.escalate",
                                 f"probabilities sum to {sum(rule.escalate.values()):g}, more than 1"))
        total = sum(group.escalate.values())
        if total > 1 + 1e-9:
            problems.append((f"groups.{g}.escalate", f"probabilities sum to {total:g}, more than 1"))
        if isinstance(group.work, WorkByClass):
            for seg in group.work.by_segment:
                if seg not in s.segments:
                    problems.append((f"groups.{g}.work.by_segment.{seg}", f"unknown segment {seg!r}"))
            for pri in group.work.by_priority:
                if pri not in (s.priorities or {}):
                    problems.append((f"groups.{g}.work.by_priority.{pri}",
                                     f"unknown priority {pri!r}; declare it under priorities"))
    problems += type_problems(s) + lifecycle_problems(s)
    if s.baseline is not None and s.baseline not in s.variants:
        known = ", ".join(s.variants) or "none are defined"
        problems.append(("baseline", f"unknown variant {s.baseline!r}; variants: {known}"))
    for name, override in s.variants.items():
        for key in ("name", "variants", "baseline", "sweep", "checks", "format"):
            if key in override:
                problems.append((f"variants.{name}.{key}", "cannot be changed by a variant"))
    for name, why in RESERVED_SEGMENT_NAMES.items():
        if name in s.segments:
            problems.append((f"segments.{name}", f"the name {name!r} is reserved ({why} in results); choose another"))
    for name, why in RESERVED_GROUP_NAMES.items():
        if name in s.groups:
            problems.append((f"groups.{name}", f"the name {name!r} is reserved ({why} in results); choose another"))
    if not any(p[0].startswith(("groups", "entry")) for p in problems):
        problems += _policy_problems(s)
    for seg in s.sla:
        if seg not in s.segments:
            problems.append((f"sla.{seg}", f"unknown segment {seg!r}; segments are {', '.join(s.segments)}"))
    problems += working_time_problems(s)
    problems += skill_problems(s.skills, s.segment_names, list(s.segment_shares),
                               {g: group.blocks for g, group in s.groups.items()})
    for name, why in RESERVED_GROUP_NAMES.items():
        if name in s.groups:
            problems.append((f"groups.{name}", f"the name {name!r} is reserved ({why} in results); choose another"))
    problems += contract_problems(s)
    if not any(p[0].startswith(("groups", "entry")) for p in problems):
        loop = _closed_loop(s)
        if loop:
            problems.append((f"groups.{loop[0]}.escalate", f"escalation loop {'>'.join(loop + [loop[0]])} never ends: "
                                                           "tickets would never be resolved"))
        else:
            problems += _long_path_problems(s)
    return problems


def skill_load_warnings(s: Scenario, arrival_rate: float | None = None) -> list[tuple[str, str]]:
    """Groups whose engineers cannot keep up with the tickets of some skills over a week, though the group as a
    whole could (see :func:`supportsim.skills.overloaded`). ``arrival_rate``: as in Scenario.weekly_hours."""
    if not s.skills:
        return []
    classes = need_classes(s.skills)
    shares = need_shares(s.skills, s.segment_names, list(s.segment_shares))
    found = []
    for g, (offered, available) in s.weekly_hours(arrival_rate).items():
        blocks = s.groups[g].blocks
        able = abilities(blocks, classes)
        if able is None or offered >= available:  # no skills here, or the group-wide warning says it already
            continue
        capacity = [s.calendar(b.calendar).hours_per_week / b.pace for b in blocks for _ in range(b.count)]
        short = overloaded(shares.tolist(), able, capacity, offered)
        if short is not None:
            needs, work, hours = short
            names = ", ".join("+".join(classes[k]) for k in needs)
            found.append((f"groups.{g}.staff", f"cannot keep up over a week with the tickets needing {names}: "
                                               f"{work:.0f} h of work offered per week, {hours:.0f} engineer-hours "
                                               f"of those able to take them (load {work / hours:.2f}); add "
                                               "engineers with these skills"))
    return found


def _callback_problems(s: Scenario) -> list[tuple[str, str]]:
    calls = s.callbacks
    assert calls is not None
    if calls.group is not None and calls.group not in s.groups:
        return [("callbacks.group", f"unknown group {calls.group!r}; groups are {', '.join(s.groups)}")]
    for segment in calls.segments or []:
        if segment not in s.segments:
            return [("callbacks.segments", f"unknown segment {segment!r}; segments are {', '.join(s.segments)}")]
    if calls.segments is None and not s.vip_segments:
        return [("callbacks", "callbacks go to VIP tickets: mark a segment 'vip: true', or name callbacks.segments")]
    return []


def _long_path_problems(s: Scenario) -> list[tuple[str, str]]:
    """Escalation that takes tickets through more than MAX_VISITS groups, where the engine cuts them short."""
    alive = s.entry_shares()
    matrix = s.routing_matrix()
    for _ in range(MAX_VISITS - 1):  # after the first visit, MAX_VISITS - 1 escalations fit
        alive = alive @ matrix
    cut = float(alive.sum())
    if cut > MAX_CUT_SHORT:
        return [("groups", f"escalation takes {cut:.2%} of tickets through more than {MAX_VISITS} group visits, "
                           "where the simulation would cut them short; lower the escalation probabilities")]
    return []


def _policy_problems(s: Scenario) -> list[tuple[str, str]]:
    """What each policy finds wrong with itself in this scenario (unknown groups, impossible counts...), and
    policies that ignore skills in a group whose engineers carry them."""
    placed = [("policy", s.policy)] + [(f"groups.{g}.policy", grp.policy) for g, grp in s.groups.items() if grp.policy]
    problems = [problem for path, policy in placed for problem in policy.problems(s, path)]
    for g, group in s.groups.items():
        policy = s.policy_of(g)
        found = strategy_class(policy.kind)
        if any(b.skills is not None for b in group.blocks) and found is not None and not found.skills:
            where = f"groups.{g}.policy" if group.policy is not None else "policy"
            takers = ", ".join(k for k, cls in sorted(strategies().items()) if cls.skills)
            problems.append((where, f"the {policy.kind} policy gives tickets to engineers whatever their skills, "
                                    f"but engineers of {g} carry skills; use a policy that respects them ({takers})"))
    return problems


def _closed_loop(s: Scenario) -> list[str] | None:
    """Groups from which a ticket can never leave (escalation probability 1 forever), reachable from entry."""
    names = s.group_names
    matrix = s.routing_matrix()
    escape = (1 - matrix.sum(axis=1)) > 1e-12
    # a group can finish if it lets tickets go, or escalates (with p > 0) to a group that can finish
    can_finish = escape.copy()
    changed = True
    while changed:
        changed = False
        for i in range(len(names)):
            if not can_finish[i] and np.any((matrix[i] > 0) & can_finish):
                can_finish[i] = changed = True
    if can_finish.all():
        return None
    start = int(np.flatnonzero(~can_finish)[0])
    loop, node = [], start
    while names[node] not in loop:
        loop.append(names[node])
        node = int(np.flatnonzero(matrix[node] > 0)[0])
    return loop[loop.index(names[node]):]


def replay_conflicts(s: Scenario, with_rate: list[str]) -> list[tuple[str, str]]:
    """Keys that a replayed trace (``arrivals.trace``) leaves no room for, or needs."""
    problems = []
    if s.arrivals.rate is not None:
        problems.append(("arrivals.rate", "give either a rate or a trace to replay, not both"))
    if with_rate:
        problems.append((f"segments.{with_rate[0]}.rate",
                         "a replayed trace brings its own arrivals; leave segment rates out"))
    if s.arrivals.profile is not None:
        problems.append(("arrivals.profile", "shapes a rate; a replayed trace has its own arrival times"))
    for key in ("calendar", "growth"):
        if getattr(s.arrivals, key) is not None:
            problems.append((f"arrivals.{key}", "shapes a rate; a replayed trace has its own arrival times"))
    if s.start is None:
        problems.append(("start", "is required with arrivals.trace: the trace's times are read against it"))
    if len(s.segments) > 1 and not all(seg.share for seg in s.segments.values()):
        for i, burst in enumerate(s.arrivals.bursts):
            if burst.segment is None:
                problems.append((f"arrivals.bursts.{i}.segment",
                                 "is required with a trace (segments have no shares to draw from)"))
    return problems


def working_time_problems(s: Scenario) -> list[tuple[str, str]]:
    """Calendars that exist and have working time; clocks, bursts and holidays that refer to what exists."""
    problems: list[tuple[str, str]] = []
    known = list(s.calendars) + [n for n in cal.ALWAYS_NAMES if n not in s.calendars]
    for name, spec in s.calendars.items():
        if name in cal.ALWAYS_NAMES and not isinstance(spec, str):
            problems.append((f"calendars.{name}",
                             f"{name!r} is built in (around the clock); give your calendar another name"))
        elif not isinstance(spec, str):
            if (spec.holidays or spec.special_days) and s.start is None:
                key = "holidays" if spec.holidays else "special_days"
                problems.append((f"calendars.{name}.{key}", "need start: the date simulated time 0 stands for"))
            elif spec.tz is not None and s.origin.tzinfo is None:
                problems.append((f"calendars.{name}.tz", "needs a start in a known zone: add tz (the zone of "
                                 "start, e.g. 'tz: Europe/Moscow') at the top, or write start with its offset "
                                 "(2027-01-04T00:00+03:00)"))
            elif s.calendar(name).hours_per_week <= 0:
                problems.append((f"calendars.{name}", "has no working time in the week"))

    def check(path: str, name: str | None) -> None:
        if name is not None and name not in known:
            problems.append((path, f"unknown calendar {name!r}; calendars are {', '.join(known)}"))

    for g, group in s.groups.items():
        if isinstance(group.staff, list):
            for i, block in enumerate(group.staff):
                check(f"groups.{g}.staff.{i}.calendar", block.calendar)
        if group.ola is not None:
            check(f"groups.{g}.ola.clock", group.ola.clock)
    for seg, sla in s.sla.items():
        check(f"sla.{seg}.clock", sla.clock)
        for t, own in sla.by_type.items():
            check(f"sla.{seg}.by_type.{t}.clock", own.clock)
    if s.auto_close is not None:
        check("auto_close.clock", s.auto_close.clock)
    for place in placed_targets(s):
        if place.target.clock is not None:
            check(f"{place.path}.clock", place.target.clock)
    for name, shift in (s.roster.shifts.items() if s.roster is not None else ()):
        check(f"roster.shifts.{name}.calendar", shift.calendar)
        for staffed in shift.groups or ():
            if staffed not in s.groups:
                problems.append((f"roster.shifts.{name}.groups",
                                 f"unknown group {staffed!r}; groups are {', '.join(s.groups)}"))
    problems += _arrival_calendar_problems(s)
    for i, burst in enumerate(s.arrivals.bursts):
        if burst.segment is not None and burst.segment not in s.segments:
            problems.append((f"arrivals.bursts.{i}.segment",
                             f"unknown segment {burst.segment!r}; segments are {', '.join(s.segments)}"))
        if burst.priority is not None and burst.priority not in (s.priorities or {}):
            problems.append((f"arrivals.bursts.{i}.priority",
                             f"unknown priority {burst.priority!r}; declare it under priorities"))
    return problems


def _arrival_calendar_problems(s: Scenario) -> list[tuple[str, str]]:
    """The customers' calendar exists, and a rate per working day has one with working days."""
    from .arrival_calendar import PerWorkingDay
    from .workdays import working_days_per_week

    name = s.arrivals.calendar
    known = list(s.calendars) + [n for n in cal.ALWAYS_NAMES if n not in s.calendars]
    if name is not None and name not in known:
        return [("arrivals.calendar", f"unknown calendar {name!r}; calendars are {', '.join(known)}")]
    if isinstance(s.arrivals.rate, PerWorkingDay):
        if name is None:
            return [("arrivals.rate", "a rate per working day needs arrivals.calendar: the customers' calendar "
                                      "whose working days it counts")]
        try:
            calendar = s.calendar(name)
        except ValueError:  # a calendar that cannot be built: its own problem says why
            return []
        if not working_days_per_week(calendar):
            return [("arrivals.calendar", f"calendar {name!r} has no working days for the rate per working day")]
    return []


def entry_rule_problems(s: Scenario) -> list[tuple[str, str]]:
    """Entry rules that name what exists and end with a rule for every ticket; call-out delays of on-call staff."""
    problems: list[tuple[str, str]] = []
    if isinstance(s.entry, list):
        if not s.entry:
            problems.append(("entry", "has no rules: give a group name or at least one rule"))
        for i, rule in enumerate(s.entry):
            if rule.group not in s.groups:
                problems.append((f"entry.{i}.group", f"unknown group {rule.group!r}; groups are {', '.join(s.groups)}"))
            problems += _match_problems(s, f"entry.{i}", rule)
        if s.entry and not s.entry[-1].matches_all:
            problems.append((f"entry.{len(s.entry) - 1}", "the last rule must take every ticket (only a group: no "
                                                          "segments, in_hours or out_of_hours)"))
    for g, group in s.groups.items():
        for i, block in enumerate(group.blocks):
            if block.call_out is not None and not block.on_call:
                problems.append((f"groups.{g}.staff.{i}.call_out",
                                 "needs on_call: true (staff on site are not called out)"))
    return problems


def _match_problems(s: Scenario, path: str, rule: TicketMatch) -> list[tuple[str, str]]:
    """A rule's segments and calendar that do not exist."""
    problems = []
    known = list(s.calendars) + [n for n in cal.ALWAYS_NAMES if n not in s.calendars]
    for seg in rule.segments or []:
        if seg not in s.segments:
            problems.append((f"{path}.segments", f"unknown segment {seg!r}; segments are {', '.join(s.segments)}"))
    if rule.clock is not None and rule.clock not in known:
        key = "in_hours" if rule.in_hours is not None else "out_of_hours"
        problems.append((f"{path}.{key}", f"unknown calendar {rule.clock!r}; calendars are {', '.join(known)}"))
    return problems


def route_warnings(s: Scenario) -> list[tuple[str, str]]:
    """Entry rules no ticket reaches (an earlier rule takes all their tickets), groups no ticket ever visits, and
    rules that send tickets to a group with nobody on duty at the times the rule applies."""
    found: list[tuple[str, str]] = []
    rules = s.entry_rules
    reached: set[str] = set()
    times = np.arange(0.0, 2 * cal.WEEK, 0.25) + 0.125  # quarter hours of two weeks (a fortnightly rota shows)
    for i, rule in enumerate(rules):
        window = _rule_window(s, rule, times)
        taken = np.zeros(len(times), dtype=bool)  # of this rule's segments, the times earlier rules take them all
        for earlier in rules[:i]:
            if earlier.segments is None or set(rule.segments or s.segments) <= set(earlier.segments):
                taken |= _rule_window(s, earlier, times)
        if isinstance(s.entry, list) and i and window.any() and (taken | ~window).all():
            found.append((f"entry.{i}", "no ticket reaches this rule: the rules before it take all its tickets"))
            continue
        reached.add(rule.group)
        if window.any() and rule.group in s.groups:
            duty = np.zeros(len(times), dtype=bool)
            for _, calendar in s.shifts_of(rule.group):
                duty |= in_hours(calendar, times)
            if not (duty & window).any():
                where = f"entry.{i}" if isinstance(s.entry, list) else "entry"
                found.append((where, f"sends tickets to {rule.group}, where nobody is ever on duty when this rule "
                                     "applies: they all wait for the group's next shift"))
    reached |= {visit.group for visit in s.extra_visits()}
    grown = True
    while grown:  # escalation from what tickets reach
        tables = [table for g in reached if g in s.groups
                  for table in [s.groups[g].escalate] + [rule.escalate for rule in s.groups[g].escalate_when]]
        more = {t for table in tables for t, p in table.items() if p > 0} - reached
        reached |= more
        grown = bool(more)
    for g in s.group_names:
        if g not in reached:
            found.append((f"groups.{g}", "no ticket ever comes here: no entry rule names it and no group "
                                         "escalates to it"))
    return found


def _rule_window(s: Scenario, rule: EntryRule, times: np.ndarray) -> np.ndarray:
    """When the rule applies, on the quarter-hour grid ``times`` (hours from start)."""
    if rule.clock is None or rule.clock not in s.calendars and rule.clock not in cal.ALWAYS_NAMES:
        return np.ones(len(times), dtype=bool)
    inside = in_hours(s.calendar(rule.clock), times)
    return inside if rule.in_hours is not None else ~inside

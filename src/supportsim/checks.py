"""Checks: service targets a scenario must meet, judged on confidence intervals rather than point values.

A check reads ``[variant:] figure OP bound``, for example ``vip.reaction.p90 <= 1h``,
``groups.L1.utilization <= 0.9`` or, for one variant only, ``vip-lane-1h: vip.sla.reaction_met >= 95%``.
The figure is a path into the figures of :mod:`supportsim.stats`: a segment (or ``all``) and then
``tickets``, ``reaction.<stat>``, ``resolution.<stat>`` or ``sla.reaction_met`` / ``sla.resolution_met``;
or ``groups.<group>.`` and a group figure. ``reaction`` alone means ``reaction.mean``.

A check passes when the whole 95% interval of the figure lies on the right side of the bound and fails when
the whole interval lies on the wrong side; otherwise the run cannot tell, and the check is *inconclusive*
(more replications narrow the interval). Inconclusive counts as failed unless the check is lenient, which
judges it on the estimate alone.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .scenario import Scenario
from .stats import Key, estimate, figure_keys
from .units import HOURS_PER_UNIT, human_duration, parse_duration, parse_rate
from .variants import BASE

OPERATORS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt}
_CHECK = re.compile(r"^\s*(?P<figure>[^\s<>=]+)\s*(?P<op><=|>=|<|>)\s*(?P<bound>\S.*?)\s*$")

TIME_METRICS = {"reaction", "resolution", "queue_wait", "time_in_group"}
FRACTION_METRICS = {"sla", "utilization"}
RATE_METRICS = {"arrival_rate"}


def kind_of(key: Key) -> str:
    """How a figure is measured: 'time' (hours), 'fraction', 'rate' (per hour) or 'number'."""
    metric = key[2]
    if metric in TIME_METRICS:
        return "time"
    if metric in FRACTION_METRICS:
        return "fraction"
    return "rate" if metric in RATE_METRICS else "number"


def show(value: float | None, kind: str) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    if kind == "time":
        return human_duration(value)
    if kind == "fraction":
        return f"{100 * value:.2f}%"
    return f"{value:.4g}/h" if kind == "rate" else f"{value:.4g}"


@dataclass(frozen=True)
class Check:
    text: str              # as written, for messages and reports
    variant: str | None    # None: every variant
    key: Key
    op: str
    bound: float           # hours for times, per hour for rates

    @property
    def kind(self) -> str:
        return kind_of(self.key)


@dataclass(frozen=True)
class Verdict:
    check: Check
    variant: str
    value: float | None
    low: float | None
    high: float | None
    outcome: str           # 'pass', 'fail' or 'inconclusive'
    passed: bool           # the outcome, or for a lenient inconclusive check the estimate's side
    reason: str = ""

    @property
    def name(self) -> str:
        return self.check.text if self.variant == BASE else f"{self.variant}: {self.check.text}"


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _bound(text: str, kind: str) -> float:
    if kind == "time":
        number = _number(text)
        return parse_duration(text if number is None else number)  # which explains why a bare number is refused
    if kind == "rate":
        return parse_rate(text)
    percent = kind == "fraction" and text.endswith("%")
    value = _number(text[:-1] if percent else text)
    if value is None:
        if re.sub(r"^[0-9.eE+-]+\s*", "", text) in HOURS_PER_UNIT:
            raise ValueError(f"bound {text!r} has a time unit, but this figure is a {kind}, not a time")
        example = "0.9 or 90%" if kind == "fraction" else "a number such as 5"
        raise ValueError(f"cannot read bound {text!r}: write {example}")
    value = value / 100 if percent else value
    if kind == "fraction" and not 0 <= value <= 1:
        raise ValueError(f"bound {text!r} is outside 0..1 (write 0.9 or 90%)")
    return value


def _figure_key(path: str, scenario: Scenario) -> Key:
    """The figure key a check path names, or ValueError saying what is unknown and what is known."""
    parts = path.split(".")
    if parts[0] in ("groups", "on_call"):
        if len(parts) < 3:
            example = "groups.L1.utilization" if parts[0] == "groups" else "on_call.L3.per_night"
            raise ValueError(f"{path!r}: write {parts[0]}.<group>.<figure>, e.g. {example}")
        if parts[1] not in scenario.groups:
            raise ValueError(f"unknown group {parts[1]!r}; groups are {', '.join(scenario.group_names)}")
        key = (parts[0], *parts[1:])
    else:
        parts = parts[1:] if parts[0] == "segments" else parts
        if len(parts) < 2:
            raise ValueError(f"{path!r}: write <segment>.<figure>, e.g. vip.reaction.p90")
        if parts[0] not in [*scenario.segment_names, "all"]:
            raise ValueError(f"unknown segment {parts[0]!r}; segments are {', '.join(scenario.segment_names)}, all"
                             " (or groups.<group>)")
        key = ("segments", *parts)
    known = figure_keys(scenario)
    if key not in known and (*key, "mean") in known:
        key = (*key, "mean")
    if key not in known:
        here = [".".join(k[2:]) for k in known if k[:2] == key[:2]]
        raise ValueError(f"unknown figure {'.'.join(key[2:])!r} for {key[1]}; known: {', '.join(here)}")
    return key


def parse_check(spec: str | Mapping[str, str], variants: Mapping[str, Scenario]) -> Check:
    """One ``checks:`` entry (ValueError saying what is wrong); its figure must exist in every variant it is for."""
    if isinstance(spec, Mapping):
        if len(spec) != 1:
            raise ValueError("write one check per item: '- variant: figure <= bound'")
        (variant, text), = spec.items()
    else:
        variant, text = None, spec
        head, colon, rest = spec.partition(":")
        if colon and re.fullmatch(r"\s*[A-Za-z0-9_-]+\s*", head) and _CHECK.match(rest):
            variant, text = head.strip(), rest
    match = _CHECK.match(str(text))
    if not match:
        raise ValueError(f"cannot read check {text!r}: write '<figure> <op> <bound>' with op one of "
                         f"{', '.join(OPERATORS)}, e.g. 'vip.reaction.p90 <= 1h'")
    if variant is not None and variant not in variants:
        raise ValueError(f"unknown variant {variant!r}; variants: {', '.join(variants)}")
    keys = {_figure_key(match["figure"], variants[name]) for name in ([variant] if variant else variants)}
    key = keys.pop()  # one path names the same figure in every variant
    return Check(str(text).strip(), variant, key, match["op"], _bound(match["bound"], kind_of(key)))


def parse_checks(scenario: Scenario, variants: Mapping[str, Scenario]) -> tuple[list[Check], list[tuple[str, str]]]:
    """The scenario's checks, and a (key path, message) problem for each one that cannot be read."""
    checks, problems = [], []
    for i, spec in enumerate(scenario.checks):
        try:
            checks.append(parse_check(spec, variants))
        except ValueError as exc:
            problems.append((f"checks.{i}", str(exc)))
    return checks, problems


def judge(checks: list[Check], figures: Mapping[str, Sequence[Mapping[Key, float]]],
          lenient: bool = False) -> list[Verdict]:
    """Each check against each variant it applies to, from per-replication figures."""
    verdicts = []
    for check in checks:
        for variant in [check.variant] if check.variant else list(figures):
            est = estimate(f.get(check.key, math.nan) for f in figures[variant])
            low, high = est["ci95"]
            verdicts.append(_verdict(check, variant, est["value"], low, high, lenient))
    return verdicts


def _verdict(check: Check, variant: str, value: float | None, low: float | None, high: float | None,
             lenient: bool) -> Verdict:
    holds = OPERATORS[check.op]
    if value is None:
        return Verdict(check, variant, None, None, None, "fail", False, "no data: no counted tickets")
    if low is None or high is None:  # the two bounds are None together
        outcome, reason = "inconclusive", "one replication gives no interval: increase replications"
    elif holds(low, check.bound) and holds(high, check.bound):
        outcome, reason = "pass", ""
    elif not holds(low, check.bound) and not holds(high, check.bound):
        outcome, reason = "fail", ""
    else:
        outcome, reason = "inconclusive", "the interval straddles the bound: increase replications"
    passed = outcome == "pass" or (outcome == "inconclusive" and lenient and holds(value, check.bound))
    if outcome == "inconclusive" and lenient:
        reason += f"; lenient: the estimate {'meets' if passed else 'misses'} the bound"
    return Verdict(check, variant, value, low, high, outcome, passed, reason)

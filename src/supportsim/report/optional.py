"""Optional files of a results folder: profiles.json (every run), sweep.csv (sweeps) and checks.json (checks).

Each reader takes the one format documented in docs/report.md and turns it into the report's own types; a file
that does not have that shape adds a note rather than failing the report.
"""

from __future__ import annotations

import csv
import math
from typing import Any

import numpy as np

from ..units import WEEK, parse_duration
from .data import (
    ReportedVerdict,
    ReportError,
    Results,
    Series,
    WeekProfile,
    as_estimate,
    floats,
    is_number,
    number,
    read_json,
)

SWEEP_COLUMNS = ("variant", "scope", "metric", "statistic", "value", "ci95_low", "ci95_high")
"""The columns of sweep.csv after the swept parameters (one column each, named by key path)."""
NOT_PARAMETERS = ("point", "name", "label")


# ---- time profiles: profiles.json (written by every run, see supportsim.profiles) -------------------------

WEEK_METRICS = ("utilization", "queue_length", "engineers_on_duty")
MAX_BACKLOG_POINTS = 600
"""Backlog over time is drawn from at most this many bins (neighbours averaged: still exact time averages)."""


def read_profiles(results: Results) -> None:
    """``variants.<v>``: ``arrivals_per_hour``, ``backlog`` and ``groups.<g>.<metric>`` by hour of week (168
    values, null where undefined), and ``backlog_over_time`` ``{from, bin_hours, values}``."""
    path = results.folder / "profiles.json"
    if not path.exists():
        results.notes.append("profiles.json not found: the week profiles and the backlog over time are left out.")
        return
    variants = read_json(path, expect=dict).get("variants")
    if not isinstance(variants, dict):
        results.notes.append("profiles.json has no 'variants'; the week profiles and backlog are left out.")
        return
    results.files.append(path.name)
    for variant, node in variants.items():
        if not isinstance(node, dict):
            continue
        groups = {str(g): {m: _by_hour_of_week(figures.get(m)) for m in WEEK_METRICS}
                  for g, figures in (node.get("groups") or {}).items() if isinstance(figures, dict)}
        results.week[variant] = WeekProfile(_by_hour_of_week(node.get("arrivals_per_hour")),
                                            _by_hour_of_week(node.get("backlog")), groups)
        over_time = _over_time(node.get("backlog_over_time"))
        if over_time is not None:
            results.backlog[variant] = over_time


def _by_hour_of_week(values: Any) -> np.ndarray | None:
    if not (isinstance(values, list) and len(values) == WEEK):
        return None
    return floats(values)


def _over_time(node: Any) -> Series | None:
    """Bins of ``bin_hours`` from ``from``, merged down to at most MAX_BACKLOG_POINTS; x is each bin's middle."""
    if not isinstance(node, dict) or not isinstance(node.get("values"), list) or not node["values"]:
        return None
    if not (is_number(node.get("bin_hours")) and node["bin_hours"] > 0):
        return None
    values, width = floats(node["values"]), float(node["bin_hours"])
    merge = math.ceil(len(values) / MAX_BACKLOG_POINTS)
    if merge > 1:
        padded = np.full(merge * math.ceil(len(values) / merge), np.nan)
        padded[:len(values)] = values
        with np.errstate(invalid="ignore"):
            values = np.nanmean(padded.reshape(-1, merge), axis=1)  # the last bin may be shorter
        width *= merge
    start = float(node.get("from") or 0.0)
    return Series(start + width * (np.arange(len(values)) + 0.5), values)


# ---- sweeps: sweep.csv in tidy long format ------------------------------------------------------------------

def read_sweep(results: Results) -> None:
    path = results.folder / "sweep.csv"
    if not path.exists():
        return
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReportError(f"{path}: cannot read: {exc}") from None
    missing = [c for c in SWEEP_COLUMNS if c not in header]
    if missing:
        results.notes.append(f"sweep.csv lacks the column(s) {', '.join(missing)}; the sweep section is left out.")
        return
    # the swept keys: not the point's id (a hash), its label, nor "name" (format-1 folders have no label)
    parameters = [c for c in header if c not in SWEEP_COLUMNS and c not in NOT_PARAMETERS]
    parsed: list[dict[str, Any]] = []
    for row in rows:
        value = number(row["value"])
        if not math.isfinite(value):
            continue
        parsed.append({
            "variant": row["variant"], "scope": _scope(row), "metric": row["metric"],
            # a sweep writes scope "segment"/"group" and the name apart; the report keys figures by the name
            "statistic": row["statistic"], "value": value, "low": number(row["ci95_low"]),
            "high": number(row["ci95_high"]), "point": {p: (row.get(p) or "").strip() for p in parameters},
        })
    results.sweep = parsed
    results.sweep_parameters = [p for p in parameters if len({r["point"][p] for r in parsed}) > 1] or parameters
    results.files.append(path.name)


def _scope(row: dict[str, str]) -> str:
    """The figure's owner as the report names it: a segment or group by its name, a tier as 'tier vip'."""
    name = row.get("name")
    if not name:  # written without a name column: the scope is the name
        return row["scope"]
    return name if row["scope"] in ("segment", "group") else f"{row['scope']} {name}"


def parameter_value(text: str) -> float | str:
    """A swept parameter's value for an axis: a number, a duration in hours ('15m'), or the text itself."""
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return parse_duration(text)
    except ValueError:
        return text


# ---- checks: checks.json -------------------------------------------------------------------------------------

CHECK_STATUSES = ("pass", "fail", "inconclusive")


def read_checks(results: Results) -> None:
    """``{"checks": [{"check", "status", "variant"?, "estimate"?: {"value", "ci95"}, "message"?}, ...]}``."""
    path = results.folder / "checks.json"
    if not path.exists():
        return
    node = read_json(path, expect=dict).get("checks")
    if not isinstance(node, list):
        results.notes.append("checks.json has no 'checks' list; the checks section is left out.")
        return
    results.files.append(path.name)
    for item in node:
        if not isinstance(item, dict) or item.get("status") not in CHECK_STATUSES:
            results.notes.append(f"checks.json: an entry without a status of {', '.join(CHECK_STATUSES)} is skipped.")
            continue
        estimate = as_estimate(item.get("estimate"))
        detail = str(item.get("message") or "")
        if not detail and estimate is not None:
            detail = f"estimate {estimate.value:.4g}" + (
                f" [{estimate.low:.4g}, {estimate.high:.4g}]" if estimate.low is not None else "")
        results.checks.append(ReportedVerdict(str(item.get("check") or "check"), item["status"], item.get("variant"),
                                              detail))


def judge_scenario_checks(results: Results) -> None:
    """Without checks.json, the scenario's ``checks:`` judged from summary.json the way ``supportsim check``
    judges them (supportsim.checks: the same figures, the whole 95% interval against the bound), so the report
    counts them on its first screen. One verdict per check and variant."""
    scenario, summary = results.scenario, results.summary or {}
    if results.checks or scenario is None or not scenario.checks or not isinstance(summary.get("variants"), dict):
        return
    from ..checks import judge_summary, parse_checks  # late: reading a folder needs no checks

    checks, problems = parse_checks(scenario, results.variant_scenarios or {"base": scenario})
    for path, message in problems:
        results.notes.append(f"scenario.resolved.yaml {path}: {message}; that check is left out.")
    verdicts = judge_summary(checks, summary["variants"])
    results.checks = [ReportedVerdict(v.check.text, v.outcome, v.variant, v.detail) for v in verdicts]
    results.checks_judged = bool(verdicts)

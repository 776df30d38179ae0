"""Optional files of a results folder: time profiles and backlog (calendars), sweep.csv, checks.

Written by different commands, so each reader accepts a few spellings (all listed in docs/report.md) and turns
them into the report's own types; a file in none of them adds nothing rather than failing the report.
"""

from __future__ import annotations

import csv
import math
from typing import Any

import numpy as np

from .data import Check, ReportError, Results, Series, as_estimate, band, floats, is_number, number, read_json

SWEEP_FIXED_COLUMNS = {"variant", "scope", "metric", "statistic", "value", "ci95_low", "ci95_high", "unit",
                       "point", "point_id", "replications"}


# ---- time profiles (calendars): profiles.json, or the same keys inside summary.json ----------------------

PROFILE_METRICS = {
    "utilization": ("utilization_by_hour", "utilization_by_hour_of_week"),
    "queue_length": ("queue_length_by_hour", "queue_length_by_hour_of_week"),
}
_PROFILE_CONTAINERS = ("by_hour_of_week", "hour_of_week", "by_hour", "profile", "profiles")


def read_profiles(results: Results) -> None:
    sources: list[tuple[str, dict]] = []
    path = results.folder / "profiles.json"
    if path.exists():
        data = read_json(path, expect=dict)
        results.files.append(path.name)
        per_variant = data.get("variants") if isinstance(data.get("variants"), dict) else None
        default = next(iter((results.summary or {}).get("variants", {})), "base")
        sources += list(per_variant.items()) if per_variant else [(default, data)]
    sources += list((results.summary or {}).get("variants", {}).items())
    for variant, node in sources:
        if not isinstance(node, dict):
            continue
        for group, figures in (node.get("groups") or {}).items():
            for metric, series in _profile_metrics(figures).items():
                results.hour_of_week.setdefault(variant, {}).setdefault(group, {}).setdefault(metric, series)
        for name, series in _backlog_series(node.get("backlog")).items():
            results.backlog.setdefault(variant, {}).setdefault(name, series)


def _profile_metrics(figures: Any) -> dict[str, Series]:
    if not isinstance(figures, dict):
        return {}
    found = {}
    for metric, keys in PROFILE_METRICS.items():
        candidates = [figures.get(k) for k in keys]
        candidates += [figures[c].get(metric) for c in _PROFILE_CONTAINERS if isinstance(figures.get(c), dict)]
        for candidate in candidates:
            series = as_series(candidate)
            if series is not None and len(series.value) >= 2:
                found[metric] = series
                break
    return found


def _backlog_series(node: Any) -> dict[str, Series]:
    series = as_series(node)
    if series is not None:
        return {"all": series}
    if isinstance(node, dict):
        named = {str(k): as_series(v) for k, v in node.items()}
        return {k: v for k, v in named.items() if v is not None}
    return {}


def as_series(node: Any) -> Series | None:
    """A curve from one of the accepted spellings (see docs/report.md); None when it is not one.

    - a list of numbers (x = 0, 1, 2, ...: hours of the week for profiles);
    - a list of ``{"value": v, "ci95": [lo, hi]}`` or of ``[x, v]`` pairs;
    - ``{"value": [...], "ci95_low": [...], "ci95_high": [...]}``, with ``ci95`` as a list of pairs or as
      ``[lows, highs]``; x from ``time``/``hours``/``hour``/``t``/``x`` or ``start`` + ``step`` (hours),
      else 0, 1, 2, ... hours.
    """
    if isinstance(node, list) and node:
        if all(is_number(v) for v in node):
            value = np.array(node, dtype=float)
            return Series(np.arange(len(value), dtype=float), value)
        if all(isinstance(v, (list, tuple)) and len(v) == 2 and all(is_number(p) for p in v) for v in node):
            pairs = np.array(node, dtype=float)
            return Series(pairs[:, 0], pairs[:, 1])
        if all(isinstance(v, dict) for v in node):
            estimates = [as_estimate(v) for v in node]
            if any(e is None for e in estimates):
                return None
            value = np.array([e.value for e in estimates])
            low = np.array([math.nan if e.low is None else e.low for e in estimates])
            high = np.array([math.nan if e.high is None else e.high for e in estimates])
            xs = [v.get("time", v.get("hour", i)) for i, v in enumerate(node)]
            x = np.array(xs, dtype=float) if all(is_number(x) for x in xs) else np.arange(len(value), dtype=float)
            return Series(x, value, *(band(low, high)))
        return None
    if not isinstance(node, dict):
        return None
    raw = next((node[k] for k in ("value", "values", "mean", "open", "tickets") if k in node), None)
    if not (isinstance(raw, list) and raw and all(is_number(v) for v in raw)):
        return None
    value = np.array(raw, dtype=float)
    x = next((node[k] for k in ("time", "hours", "hour", "t", "x") if k in node), None)
    if isinstance(x, list) and len(x) == len(value) and all(is_number(v) for v in x):
        x = np.array(x, dtype=float)
    elif is_number(node.get("step")):
        x = float(node.get("start", 0.0) or 0.0) + float(node["step"]) * np.arange(len(value))
    else:
        x = np.arange(len(value), dtype=float)
    low, high = node.get("ci95_low"), node.get("ci95_high")
    pairs = node.get("ci95")
    if isinstance(pairs, list) and len(pairs) == len(value) and all(isinstance(p, (list, tuple)) and len(p) == 2 for p in pairs):
        low, high = [p[0] for p in pairs], [p[1] for p in pairs]
    elif isinstance(pairs, list) and len(pairs) == 2 and all(isinstance(p, list) and len(p) == len(value) for p in pairs):
        low, high = pairs
    if isinstance(low, list) and isinstance(high, list) and len(low) == len(high) == len(value):
        return Series(x, value, *band(floats(low), floats(high)))
    return Series(x, value)


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
    missing = [c for c in ("metric", "value") if c not in header]
    if missing:
        results.notes.append(f"sweep.csv lacks the column(s) {', '.join(missing)}; the sweep section is left out.")
        return
    parameters = [c for c in header if c not in SWEEP_FIXED_COLUMNS]
    parsed = []
    for row in rows:
        value = number(row.get("value", ""))
        if not math.isfinite(value):
            continue
        scope, metric, statistic = _sweep_key(row)
        parsed.append({
            "variant": row.get("variant") or "base", "scope": scope, "metric": metric, "statistic": statistic,
            "value": value, "low": number(row.get("ci95_low", "")), "high": number(row.get("ci95_high", "")),
            "point": {p: (row.get(p) or "").strip() for p in parameters},
        })
    results.sweep = parsed
    results.sweep_parameters = [p for p in parameters if len({r["point"][p] for r in parsed}) > 1] or parameters
    results.files.append(path.name)


def _sweep_key(row: dict) -> tuple[str, str, str]:
    """(scope, metric, statistic) with the scope as a bare segment or group name.

    Accepts ``scope`` as ``vip``, ``segments.vip`` or ``segment:vip`` (or ``segment``/``group`` columns), and a
    metric that carries its statistic (``reaction.p90``) when there is no ``statistic`` column.
    """
    scope = row.get("scope") or row.get("segment") or row.get("group") or "all"
    for sep in (":", "."):
        head, _, tail = scope.partition(sep)
        if tail and head in ("segments", "segment", "groups", "group"):
            scope = tail
    metric, statistic = row.get("metric", ""), row.get("statistic") or ""
    if not statistic:
        metric, _, statistic = metric.partition(".")
    if metric.startswith("sla.") and statistic in ("", "value", "mean"):
        metric, statistic = "sla", metric[4:]
    return scope, metric, statistic or "value"


def parameter_value(text: str) -> float | str:
    """A swept parameter's value for an axis: a number, a duration in hours ('15m'), or the text itself."""
    from ..units import parse_duration

    try:
        return float(text)
    except ValueError:
        pass
    try:
        return parse_duration(text)
    except ValueError:
        return text


# ---- checks: checks.json, or "checks" inside summary.json ---------------------------------------------------

def read_checks(results: Results) -> None:
    path = results.folder / "checks.json"
    node: Any = None
    if path.exists():
        node = read_json(path)
        results.files.append(path.name)
    elif results.summary and "checks" in results.summary:
        node = results.summary["checks"]
    if isinstance(node, dict):
        node = node.get("checks", node.get("results"))
    for item in node if isinstance(node, list) else []:
        if not isinstance(item, dict):
            continue
        name = next((str(item[k]) for k in ("check", "name", "expression") if item.get(k)), "check")
        status = str(next((item[k] for k in ("status", "result", "outcome") if k in item), "")).lower()
        if status in ("passed", "ok", "true"):
            status = "pass"
        elif status in ("failed", "false"):
            status = "fail"
        estimate = as_estimate(item.get("estimate", item))
        detail = str(item.get("message") or "")
        if not detail and estimate is not None:
            detail = f"estimate {estimate.value:.4g}" + (
                f" [{estimate.low:.4g}, {estimate.high:.4g}]" if estimate.low is not None else "")
        results.checks.append(Check(name, status or "unknown", item.get("variant"), detail))

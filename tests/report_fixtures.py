"""Synthetic optional files for report tests: time profiles, backlog, a sweep and checks.

The features that write these files (calendars, sweeps, checks) are built elsewhere; these fixtures follow the
formats documented in docs/report.md, in several of the accepted spellings, so the report's sections are
tested now. Values are made up but plausible (a weekday office peak, a sweep where more VIP share costs more).
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

HOURS = range(168)


def _office_shape(hour: int) -> float:
    day, clock = divmod(hour, 24)
    return (1.0 if day < 5 and 9 <= clock < 18 else 0.15) * (1.15 if day == 0 else 1.0)


def write_profiles(folder: Path, variants: list[str], groups: list[str], horizon: float) -> None:
    """profiles.json: the canonical shape for the first variant, the other accepted spellings for the rest."""
    out: dict = {"units": {"time": "hours"}, "variants": {}}
    for i, variant in enumerate(variants):
        groups_out = {}
        for j, group in enumerate(groups):
            util = [min(0.98, (0.55 + 0.1 * j + 0.05 * i) * _office_shape(h) + 0.02) for h in HOURS]
            queue = [max(0.0, 6 * u - 3 + 0.5 * i) for u in util]
            if i == 0:  # canonical: value with ci95_low/ci95_high lists
                groups_out[group] = {
                    "utilization_by_hour": {"value": util, "ci95_low": [u - 0.03 for u in util],
                                            "ci95_high": [u + 0.03 for u in util]},
                    "queue_length_by_hour": {"value": queue, "ci95_low": [q * 0.9 for q in queue],
                                             "ci95_high": [q * 1.1 for q in queue]},
                }
            else:  # alternative: a container with per-hour estimates, and a bare list
                groups_out[group] = {"by_hour_of_week": {
                    "utilization": [{"value": u, "ci95": [u - 0.02, u + 0.02]} for u in util],
                    "queue_length": queue,
                }}
        step = 6.0
        times = [step * k for k in range(int(horizon / step) + 1)]
        level = [20 + 15 * math.sin(2 * math.pi * t / 168) + 3 * i + 0.002 * t for t in times]
        backlog = ({"time": times, "value": level, "ci95": [[v - 2 for v in level], [v + 2 for v in level]]} if i == 0
                   else {"start": 0, "step": step, "values": level})
        out["variants"][variant] = {"groups": groups_out, "backlog": backlog}
    (folder / "profiles.json").write_text(json.dumps(out))


def write_sweep(folder: Path, variants: list[str]) -> list[str]:
    """sweep.csv in tidy long format over VIP share (x) and pickup limit (columns of panels)."""
    header = ["segments.vip.share", "policy.pickup_within", "variant", "scope", "metric", "statistic", "value",
              "ci95_low", "ci95_high"]
    rows = []
    for share in (0.1, 0.2, 0.3):
        for pickup in ("15m", "1h"):
            for i, variant in enumerate(variants):
                lift = 1 + i * 0.5
                figures = [
                    ("vip", "reaction", "mean", (0.05 + share * 0.2) / lift),
                    ("segments.standard", "reaction", "mean", 0.5 + share * lift),
                    ("vip", "resolution", "mean", (1 + share) / lift),
                    ("standard", "resolution", "mean", 2 + share * lift),
                    ("vip", "sla", "reaction_met", 0.99 - share * 0.1 / lift),
                    ("standard", "sla", "reaction_met", 0.95 - share * 0.1 * lift),
                    ("L1", "utilization", "value", 0.8 + 0.02 * i),
                ]
                for scope, metric, statistic, value in figures:
                    half = 0.05 * abs(value)
                    rows.append([share, pickup, variant, scope, metric, statistic, value, value - half, value + half])
    with (folder / "sweep.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return ["segments.vip.share", "policy.pickup_within"]


def write_checks(folder: Path) -> None:
    (folder / "checks.json").write_text(json.dumps({"checks": [
        {"check": "vip.reaction.p90 <= 1h", "status": "pass", "estimate": {"value": 0.4, "ci95": [0.35, 0.45]}},
        {"check": "standard.resolution.mean <= 2h", "status": "fail", "estimate": {"value": 2.3, "ci95": [2.2, 2.4]}},
        {"check": "groups.L1.utilization <= 0.9", "variant": "priority", "status": "inconclusive",
         "estimate": {"value": 0.9, "ci95": [0.88, 0.92]}},
    ]}))

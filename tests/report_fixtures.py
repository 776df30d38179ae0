"""Synthetic optional files for report tests: a sweep and checks.

The commands that write these files (sweep, check) are built elsewhere; these fixtures follow the formats
documented in docs/report.md, so the report's sections are tested now. Values are made up but plausible (a
sweep where more VIP share costs more). profiles.json needs no fixture: every run writes it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path


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
                    ("standard", "reaction", "mean", 0.5 + share * lift),
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


def seal(folder: Path) -> None:
    """Name a hand-made folder's files in a manifest.json, as supportsim does for every run it saves (the report
    reads only folders that are one whole run)."""
    from supportsim.manifest import MANIFEST, file_digest

    files = {p.name: file_digest(p) for p in sorted(folder.iterdir()) if p.is_file() and p.name != MANIFEST}
    (folder / MANIFEST).write_text(json.dumps({"format": 1, "kind": "hand-made", "files": files}))

"""What ``supportsim staff --by-hour`` writes and prints: by-hour.json, by-hour.csv (tidy, per group and interval),
by-hour.html (requirement against roster), roster.yaml (the rostered desk, ready to run) and the scenario.

by-hour.json::

    {"scenario", "seed", "groups", "interval_hours", "alpha", "searched", "scale", "converged",
     "iterations": [{"changed", "largest"}], "simulations",
     "constraints": {"<name>": {"op", "bound", "at_answer": {...}, "one_scale_lower": {...} | null}},
     "groups_by_interval": {"<group>": {"requirement": [...], "isa": [...], "delay_probability": [...],
                                         "rostered": [...] | null, "binding": [...], "uncovered": [...]}},
     "roster": null | {"holds", "reason", "rounds": [{"counts", "cost_per_week", "raised"}],
                       "cost_per_week", "engineer_hours_per_week",
                       "groups": {"<group>": {"<shift>": {"engineers", "headcount", "cost_per_week"}}}}}
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from .manifest import digest, save_run
from .results import _json_safe, resolved_scenario_yaml
from .roster import Roster, rostered
from .scenario import Scenario
from .staffing import Judged, Settings
from .staffing_by_hour import ByHour, interval_label
from .workforce import headcount


def _judged(j: Judged | None) -> dict[str, Any] | None:
    return None if j is None else j.as_dict()


def roster_entry(scenario: Scenario, roster: Roster) -> dict[str, Any]:
    groups: dict[str, Any] = {}
    for g, shifts in roster.shifts.items():
        shrinkage = scenario.groups[g].shrinkage
        groups[g] = {s.name: {"calendar": s.calendar, "engineers": int(n), "headcount": headcount(int(n), shrinkage),
                              "cost_per_week": s.weekly_cost * int(n)}
                     for s, n in zip(shifts, roster.counts[g])}
    return {"holds": roster.holds, "reason": roster.reason, "simulations": roster.simulations,
            "rounds": [{"counts": r.counts, "cost_per_week": r.cost, "raised": r.raised,
                        "constraints": {j.constraint.name: j.as_dict() for j in r.judged}} for r in roster.rounds],
            "cost_per_week": roster.cost_per_week(),
            "engineer_hours_per_week": float(sum(s.hours * n for g in roster.shifts
                                                 for s, n in zip(roster.shifts[g], roster.counts[g]))),
            "groups": groups}


def document(scenario: Scenario, answer: ByHour, settings: Settings, roster: Roster | None) -> dict[str, Any]:
    fewer = {j.constraint.name: j for j in answer.fewer}
    by_group = {}
    for g in answer.groups:
        entry: dict[str, Any] = {"requirement": (roster.requirement[g] if roster else answer.staffing[g]).tolist(),
                                 "by_hour": answer.staffing[g].tolist(), "isa": answer.isa[g].tolist(),
                                 "delay_probability": [None if math.isnan(x) else float(x) for x in answer.delay[g]],
                                 "rostered": None, "binding": [], "uncovered": []}
        if roster is not None:
            entry.update(rostered=roster.coverage(g).astype(int).tolist(), binding=roster.binding(g),
                         uncovered=roster.uncovered[g])
        by_group[g] = entry
    return {"scenario": scenario.name, "seed": settings.seed, "groups": answer.groups, "interval_hours": answer.block,
            "replications": settings.batch, "alpha": answer.alpha, "searched": answer.searched, "scale": answer.scale,
            "converged": answer.converged,
            "iterations": [{"changed": i.changed, "largest": i.largest} for i in answer.iterations],
            "scales_tried": [{"scale": c, "holds": ok, "keeps_up": up} for c, ok, up in answer.tried],
            "simulations": answer.simulations + (roster.simulations if roster else 0),
            "engineer_hours_per_week": answer.engineer_hours(),
            "constraints": {j.constraint.name: {"op": j.constraint.op, "bound": j.constraint.bound,
                                                "at_answer": j.as_dict(),
                                                "one_scale_lower": _judged(fewer.get(j.constraint.name))}
                            for j in answer.judged},
            "groups_by_interval": by_group,
            "roster": roster_entry(scenario, roster) if roster is not None else None}


CSV_COLUMNS = ["group", "interval", "day", "start", "requirement", "by_hour", "isa", "rostered", "binding",
               "delay_probability"]


def by_hour_csv(doc: dict[str, Any]) -> str:
    """Tidy: one row per group and interval of the week."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    block = doc["interval_hours"]
    for g, entry in doc["groups_by_interval"].items():
        for k, need in enumerate(entry["requirement"]):
            day, start = interval_label(k, block).split()
            rostered_k = "" if entry["rostered"] is None else entry["rostered"][k]
            delay = entry["delay_probability"][k]
            writer.writerow([g, k, day, start, need, entry["by_hour"][k], entry["isa"][k], rostered_k,
                             k in entry["binding"], "" if delay is None else f"{delay:.4g}"])
    return out.getvalue()


def roster_yaml(scenario: Scenario, roster: Roster) -> str:
    """The rostered desk as a scenario file, with headcount (shrinkage applied) and cost per shift as comments."""
    staffed = rostered(scenario, {g: (roster.shifts[g], roster.counts[g]) for g in roster.shifts})
    lines = [f"# {scenario.name} rostered by `supportsim staff --by-hour`: engineers on duty per shift (staff "
             "blocks);", "# headcount = engineers / (1 - shrinkage). Ready to run: supportsim run roster.yaml"]
    for g, shifts in roster.shifts.items():
        shrinkage = scenario.groups[g].shrinkage
        for s, n in zip(shifts, roster.counts[g]):
            if n:
                paid = headcount(int(n), shrinkage)
                lines.append(f"#   {g} {s.name}: {int(n)} on duty, headcount {math.ceil(paid - 1e-9)} ({paid:.1f}), "
                             f"cost {s.weekly_cost * int(n):g}/week")
    lines.append(f"# cost per week: {roster.cost_per_week():g}" + ("" if roster.holds else
                                                                   f"; NOT VERIFIED: {roster.reason}"))
    return "\n".join(lines) + "\n" + resolved_scenario_yaml(staffed)


def text(doc: dict[str, Any]) -> str:
    """The answer for people: iterations, level, the staff per day and interval, the roster."""
    lines = [f"iterative staffing: {len(doc['iterations'])} iterations at alpha {doc['alpha']:.3g} ("
             + ("converged" if doc["converged"] else "settled to moves of one engineer") + ")"]
    if doc["searched"]:
        lower = max((t for t in doc["scales_tried"] if t["scale"] < doc["scale"]), key=lambda t: t["scale"],
                    default=None)
        why = "" if lower is None else f"; at {lower['scale']:g} " + (
            "a constraint breaks" if lower["keeps_up"] else "the engineer-hours no longer cover the work")
        lines.append(f"targets set the level: {doc['scale']:g} x the staffing at alpha {doc['alpha']:.3g}{why}")
    for name, c in doc["constraints"].items():
        at = c["at_answer"]
        lines.append(f"  {name} {c['op']} {c['bound']:g}: {_number(at['value'])} {at['status']}")
    block = doc["interval_hours"]
    for g, entry in doc["groups_by_interval"].items():
        lines.append(f"{g}: engineers by {block}h interval, Monday first (requirement"
                     + (" / rostered)" if entry["rostered"] is not None else ")"))
        per_day = len(entry["requirement"]) // 7
        for d in range(7):
            need = entry["requirement"][d * per_day:(d + 1) * per_day]
            row = " ".join(f"{n:>2}" for n in need)
            lines.append(f"  {interval_label(d * per_day, block)[:3]} {row}")
            if entry["rostered"] is not None:
                lines.append("      " + " ".join(f"{n:>2}" for n in entry["rostered"][d * per_day:(d + 1) * per_day]))
    roster = doc["roster"]
    if roster is not None:
        lines.append(f"roster ({len(roster['rounds'])} rounds, " + ("every constraint holds" if roster["holds"]
                                                                    else f"not verified: {roster['reason']}")
                     + f"): cost {roster['cost_per_week']:g}/week")
        for g, shifts in roster["groups"].items():
            lines.append(f"  {g}: " + ", ".join(f"{name} {s['engineers']} (headcount {s['headcount']:.1f})"
                                                 for name, s in shifts.items() if s["engineers"]))
    lines.append(f"{doc['simulations']} simulations")
    return "\n".join(lines)


def _number(value: float | None) -> str:
    return "-" if value is None or not np.isfinite(value) else f"{value:.4g}"


def save(out: str | Path, scenario: Scenario, answer: ByHour, settings: Settings, roster: Roster | None) -> Path:
    """by-hour.json, by-hour.csv, by-hour.html, roster.yaml (with a roster) and the scenario, as one whole run."""
    from .report.roster import page

    resolved = resolved_scenario_yaml(scenario)
    doc = document(scenario, answer, settings, roster)
    files: dict[str, str | bytes] = {"by-hour.json": json.dumps(_json_safe(doc), indent=2) + "\n",
                                     "by-hour.csv": by_hour_csv(doc), "by-hour.html": page(doc),
                                     "scenario.resolved.yaml": resolved}
    if roster is not None:
        files["roster.yaml"] = roster_yaml(scenario, roster)
    run = {"kind": "staff-by-hour", "scenario": scenario.name, "scenario_hash": digest(resolved.encode("utf-8")),
           "seed": settings.seed, "replications": settings.batch}
    return save_run(Path(out), files, run)

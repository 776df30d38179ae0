"""What ``supportsim staff`` writes and prints: staffing.json, staffing.csv (tidy), staffing.html (the staffing
curve and the recommendation), the text table and the price of each VIP strategy against the baseline.

staffing.json::

    {"scenario": ..., "seed": ..., "groups": ["L1", "L2"], "delta": 0.01, "batch": 10, "cap": 60,
     "simulations": 840, "baseline": "fifo",
     "variants": {"<variant>": {"reachable": true, "reason": "",
                                "groups": {"L1": {"staff": 12, "blocks": [...] (several blocks only)}},
                                "engineer_hours_per_week": ..., "cost_per_week": ...,
                                "binding": {"L1": ["sla.std.reaction"]},
                                "constraints": {"<name>": {"op": ">=", "bound": 0.8,
                                                           "at_answer": {"value", "ci95", "status", ...},
                                                           "one_fewer": {"L1": {...}}}},
                                "simulations": 120}},
     "price": [{"variant", "staff", "cost_per_week", "engineers_vs_baseline", "cost_vs_baseline"}]}
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .admit import Admitted
from .manifest import digest, save_run
from .results import _json_safe, resolved_scenario_yaml
from .scenario import Scenario
from .staffing import Answer, Counts, Post, Settings, StaffingError, staff


def varied_scenarios(scenario: Scenario, varies: Sequence[str]) -> list[tuple[Admitted, str, float]]:
    """The scenario admitted per ``--vary`` change, with the key and the change; StaffingError for one that
    cannot be read or applied, or whose changed scenario is refused (all checked before any simulation)."""
    from .admit import admit
    from .loader import ScenarioError
    from .sensitivity import parse_vary, varied

    data = scenario.model_dump(mode="json", exclude_none=True)
    out = []
    for spec in varies:
        try:
            key, changes = parse_vary(spec)
            for change in changes:
                try:
                    out.append((admit(varied(data, key, change)), key, change))
                except ScenarioError as exc:
                    path, message = exc.problems[0]
                    raise StaffingError(f"--vary {key} {100 * change:+g}%: the changed scenario is refused: "
                                        f"{path}: {message}") from None
        except ValueError as exc:
            if isinstance(exc, StaffingError):
                raise
            raise StaffingError(str(exc)) from None
    return out


def sensitivity(varied: Sequence[tuple[Admitted, str, float]], settings: Settings) -> list[dict[str, Any]]:
    """Per ``--vary KEY=-10%,+10%`` and change: the answer per variant with that input scaled."""
    out = []
    for admitted, key, change in varied:
        answers = staff(admitted.variants, admitted.checks, settings)
        out.append({"key": key, "change": change,
                    "variants": {a.variant: {"reachable": a.reachable, "reason": a.reason,
                                             "staff": a.staff() if a.reachable else None,
                                             "cost_per_week": a.cost} for a in answers}})
    return out


def sensitivity_text(rows: Sequence[dict[str, Any]]) -> str:
    lines = []
    for row in rows:
        answers = "; ".join(f"{v}: " + (" ".join(f"{g} {n}" for g, n in e["staff"].items()) if e["reachable"]
                                        else "unreachable") for v, e in row["variants"].items())
        lines.append(f"{row['key']} {100 * row['change']:+g}%: {answers}")
    return "\n".join(lines)


def _staffing_text(posts: Sequence[Post], counts: Counts) -> str:
    return " ".join(f"{p.name}={c}" for p, c in zip(posts, counts))


def variant_entry(answer: Answer) -> dict[str, Any]:
    groups: dict[str, Any] = {}
    if answer.counts is not None:
        for group, total in answer.staff().items():
            mine = [(p, c) for p, c in zip(answer.posts, answer.counts) if p.group == group and not p.set_apart]
            groups[group] = {"staff": total, "headcount": answer.headcount()[group]}
            if len(mine) > 1:
                groups[group]["blocks"] = [{"calendar": p.calendar, "staff": c} for p, c in mine]
            if group in answer.set_apart():
                groups[group]["set_apart"] = answer.set_apart()[group]
            if group in answer.on_call:
                groups[group]["on_call"] = answer.on_call[group]   # kept as written, not in staff
    constraints = {}
    for j in answer.judged:
        name = j.constraint.name
        constraints[name] = {"op": j.constraint.op, "bound": j.constraint.bound, "at_answer": j.as_dict(),
                             "one_fewer": {post: next(k.as_dict() for k in js if k.constraint.name == name)
                                           for post, js in answer.fewer.items()}}
    return {"reachable": answer.reachable, "reason": answer.reason, "groups": groups,
            "engineer_hours_per_week": answer.engineer_hours, "cost_per_week": answer.cost,
            "headcount": sum(answer.headcount().values()) if answer.reachable else None,
            "binding": answer.binding, "constraints": constraints, "simulations": answer.simulations}


def price_of_vip(answers: Sequence[Answer], baseline: str) -> list[dict[str, Any]]:
    """Per variant: the staff per group and cost meeting every constraint, and the difference to the baseline."""
    base = next((a for a in answers if a.variant == baseline), answers[0])
    rows = []
    for a in answers:
        row: dict[str, Any] = {"variant": a.variant, "staff": a.staff() if a.reachable else None,
                               "headcount": sum(a.headcount().values()) if a.reachable else None,
                               "cost_per_week": a.cost, "engineers_vs_baseline": None, "headcount_vs_baseline": None,
                               "cost_vs_baseline": None}
        if a.reachable and base.reachable:
            row["engineers_vs_baseline"] = sum(a.staff().values()) - sum(base.staff().values())
            row["headcount_vs_baseline"] = sum(a.headcount().values()) - sum(base.headcount().values())
            row["cost_vs_baseline"] = (a.cost or 0.0) - (base.cost or 0.0)
        rows.append(row)
    return rows


def staffing_document(scenario: Scenario, answers: Sequence[Answer], settings: Settings,
                      baseline: str, varied: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    return {"scenario": scenario.name, "seed": settings.seed, "groups": settings.groups, "delta": settings.delta,
            "batch": settings.batch, "cap": settings.cap, "simulations": sum(a.simulations for a in answers),
            "baseline": baseline, "variants": {a.variant: variant_entry(a) for a in answers},
            "price": price_of_vip(answers, baseline), "sensitivity": list(varied)}


CSV_COLUMNS = ["variant", "staffing", "engineers", "cost_per_week", "answer", "constraint", "op", "bound",
               "value", "ci95_low", "ci95_high", "status", "replications"]


def staffing_csv(answers: Sequence[Answer]) -> str:
    """Tidy: one row per variant, staffing simulated and constraint (the staffing curve's data)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for a in answers:
        for counts, judged in a.curve:
            cost = sum(c * p.cost for c, p in zip(counts, a.posts))
            engineers = sum(c for c, p in zip(counts, a.posts) if not p.set_apart)  # set apart: among them
            for j in judged:
                writer.writerow([a.variant, _staffing_text(a.posts, counts), engineers, f"{cost:g}",
                                 counts == a.counts, j.constraint.name, j.constraint.op, f"{j.constraint.bound:g}",
                                 _number(j.value), _number(j.low), _number(j.high), j.status, j.replications])
    return out.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None or not math.isfinite(value) else f"{value:.6g}"


def text(answers: Sequence[Answer], baseline: str) -> str:
    lines = []
    width = max(len(a.variant) for a in answers)
    for row, a in zip(price_of_vip(answers, baseline), answers):
        if not a.reachable:
            lines.append(f"{a.variant:<{width}}  unreachable: {a.reason}")
            continue
        apart = a.set_apart()
        staff = "  ".join(f"{g} {n}" + (f" ({apart[g]} set apart)" if g in apart else "") for g, n in a.staff().items())
        delta = row["engineers_vs_baseline"]
        versus = "" if a.variant == baseline or delta is None else f"  ({delta:+d} engineers vs {baseline})"
        binding = "; ".join(f"{post}: {', '.join(names) or '-'}" for post, names in a.binding.items())
        paid = sum(a.headcount().values())
        lines.append(f"{a.variant:<{width}}  {staff}  headcount {paid:.1f}  cost {a.cost:g}/week{versus}  "
                     f"binds: {binding}")
    lines.append(f"{sum(a.simulations for a in answers)} simulations; every constraint holds with 95% confidence "
                 "at the answer, and removing any one engineer breaks one (binds)")
    return "\n".join(lines)


def save(out: str | Path, scenario: Scenario, answers: Sequence[Answer], settings: Settings, baseline: str,
         varied: Sequence[dict[str, Any]] = ()) -> Path:
    """staffing.json, staffing.csv, staffing.html and the scenario, as one whole run (see supportsim.manifest)."""
    from .report.staffing import render

    resolved = resolved_scenario_yaml(scenario)
    document = _json_safe(staffing_document(scenario, answers, settings, baseline, varied))
    table = staffing_csv(answers)
    files = {"staffing.json": json.dumps(document, indent=2) + "\n", "staffing.csv": table,
             "staffing.html": render(document, list(csv.DictReader(io.StringIO(table)))),
             "scenario.resolved.yaml": resolved}
    run = {"kind": "staff", "scenario": scenario.name, "scenario_hash": digest(resolved.encode("utf-8")),
           "seed": settings.seed, "replications": settings.batch}
    return save_run(Path(out), files, run)

"""The page of ``supportsim staff --by-hour`` (by-hour.html): per group, the staff required in each interval of the
week against the roster's engineers on duty, the hours that bind, the roster per shift and its cost per week.

Built from by-hour.json's data alone (a plain dict), like the rest of the report from its files.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

import numpy as np

from .data import ReportError
from .plots import figure, to_svg
from .style import CSS

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def requirement_plot(entry: dict[str, Any], block: int, group: str) -> str:
    """Requirement (steps) against the roster (steps), binding intervals marked, uncovered ones shaded."""
    fig = figure(11.0, 2.6)
    ax = fig.add_subplot()
    need = np.asarray(entry["requirement"], dtype=float)
    edges = np.arange(len(need) + 1) * block
    ax.stairs(need, edges, color="#a3161b", linewidth=1.4, label="required")
    if entry["rostered"] is not None:
        ax.stairs(np.asarray(entry["rostered"], dtype=float), edges, color="#0b4f8a", linewidth=1.4,
                  label="rostered (on duty the whole interval)")
    for k in entry["uncovered"]:
        ax.axvspan(k * block, (k + 1) * block, color="#e4e4e4", linewidth=0, zorder=0)
    if entry["binding"]:
        marks = np.asarray(entry["binding"])
        ax.plot((marks + 0.5) * block, need[marks], "v", color="#8a5a00", markersize=3.5, label="binds")
    ax.set_xticks(np.arange(8) * 24, [*DAYS, ""])
    ax.set_xlim(0, 168)
    ax.set_ylim(0, max(float(need.max(initial=1)), float(np.max(entry["rostered"] or [0]))) + 1)
    ax.set_ylabel("engineers")
    ax.set_title(group, loc="left")
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3)
    return to_svg(fig)


def _roster_table(roster: dict[str, Any]) -> str:
    rows = []
    for group, shifts in roster["groups"].items():
        for name, s in shifts.items():
            rows.append(f"<tr><td class=text>{escape(group)}</td><td class=text>{escape(name)}</td>"
                        f"<td class=text>{escape(s['calendar'])}</td><td>{s['engineers']}</td>"
                        f"<td>{s['headcount']:.1f}</td><td>{s['cost_per_week']:.6g}</td></tr>")
    return ("<table><thead><tr><th>group</th><th>shift</th><th>calendar</th><th>engineers on duty</th>"
            "<th>headcount</th><th>cost per week</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _binding_text(entry: dict[str, Any], block: int) -> str:
    hours = [f"{DAYS[k * block // 24]} {k * block % 24:02d}:00" for k in entry["binding"]]
    return ", ".join(hours) if hours else "none"


def page(doc: dict[str, Any]) -> str:
    block = doc["interval_hours"]
    roster = doc["roster"]
    parts = [f"<header><h1>{escape(doc['scenario'])}</h1><p class=meta>staff by hour of the week: "
             f"{len(doc['iterations'])} iterations of the iterative staffing algorithm at alpha {doc['alpha']:.3g}"
             + (f", scaled by {doc['scale']:g} to meet the targets" if doc["searched"] else "")
             + f"; {doc['simulations']} simulations</p></header>"]
    if roster is not None:
        verdict = ("every constraint holds with 95% confidence" if roster["holds"]
                   else f"NOT verified: {escape(roster['reason'])}")
        parts.append(f"<h2>Roster</h2><p>Cost per week <b>{roster['cost_per_week']:.6g}</b> "
                     f"({roster['engineer_hours_per_week']:.6g} engineer-hours on duty); {len(roster['rounds'])} "
                     f"round(s) of solving and simulating; {verdict}.</p>" + _roster_table(roster))
    if doc["constraints"]:
        rows = "".join(f"<tr><td class=text>{escape(name)}</td><td class=text>{escape(c['op'])} {c['bound']:g}</td>"
                       f"<td>{_value(c['at_answer'])}</td><td class=text>{c['at_answer']['status']}</td></tr>"
                       for name, c in doc["constraints"].items())
        parts.append("<h2>Constraints at the staffing by hour</h2><table><thead><tr><th>constraint</th><th>bound"
                     "</th><th>value [95% CI]</th><th>status</th></tr></thead><tbody>" + rows + "</tbody></table>")
    parts.append("<h2>Requirement per hour against the roster</h2>")
    for group, entry in doc["groups_by_interval"].items():
        parts.append(f"<figure>{requirement_plot(entry, block, group)}<figcaption>{escape(group)}: engineers "
                     f"required per {block}h interval (Monday 00:00 first, the scenario's clock)"
                     + ("; rostered engineers on duty the whole interval; grey: no shift covers it"
                        if entry["rostered"] is not None else "")
                     + f". Binding intervals (roster = requirement): {_binding_text(entry, block)}."
                     "</figcaption></figure>")
    return "\n".join(["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
                      f"<title>{escape(doc['scenario'])} - staff by hour</title>", f"<style>{CSS}</style>",
                      "</head><body><main>", *parts, "</main></body></html>"])


def _value(judged: dict[str, Any]) -> str:
    value, (low, high) = judged["value"], judged["ci95"]
    if value is None:
        return "-"
    return f"{value:.4g}" + ("" if low is None or high is None else f" [{low:.4g}, {high:.4g}]")


def build(folder: Path) -> str:
    """The page of a folder written by ``supportsim staff --by-hour`` (what ``supportsim report`` builds)."""
    try:
        doc = json.loads((folder / "by-hour.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"{folder}: cannot read the staffing by hour: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("groups_by_interval"), dict):
        raise ReportError(f"{folder / 'by-hour.json'}: has no 'groups_by_interval'; is it written by `supportsim "
                          "staff --by-hour`?")
    return page(doc)

"""The report's workforce section: per variant and group, the engineers on the roster, engineer-hours on duty,
headcount (engineers / (1 - shrinkage)) and cost per week, from summary.json's ``workforce`` (see
:mod:`supportsim.workforce`). Kept apart from :mod:`.html`, which only places the section."""

from __future__ import annotations

from html import escape
from typing import Any

from .data import Results

COLUMNS = [("engineers", "engineers", "{:g}"), ("engineer_hours_per_week", "engineer-hours / week", "{:,.0f}"),
           ("headcount", "headcount", "{:.1f}"), ("cost_per_week", "cost / week", "{:,.0f}")]


def rows(results: Results) -> list[tuple[str, str, dict[str, Any]]]:
    """(variant, group or 'all', figures) for every variant whose summary has a workforce."""
    out = []
    for variant, figures in ((results.summary or {}).get("variants") or {}).items():
        for group, numbers in (figures.get("workforce") or {}).items():
            out.append((variant, group, numbers))
    return out


def section(results: Results) -> str:
    table = rows(results)
    if not table:
        return ""
    body = "".join(
        f'<tr class="{"total" if group == "all" else "group"}"><td>{escape(variant)}</td><td>{escape(group)}</td>'
        + "".join(f'<td data-key="{key}" data-value="{numbers.get(key, "")!r}">'
                  f'{fmt.format(numbers[key]) if isinstance(numbers.get(key), (int, float)) else "-"}</td>'
                  for key, _, fmt in COLUMNS) + "</tr>"
        for variant, group, numbers in table)
    head = "".join(f"<th>{escape(label)}</th>" for _, label, _ in COLUMNS)
    return ('<section id="workforce"><h2>Workforce</h2><p>Per week, as the scenario staffs each group: engineer-'
            "hours on duty, headcount (engineers on the roster / (1 - shrinkage)) and cost (cost per engineer-hour "
            "x hours on duty; engineer-hours when no cost is given). <code>supportsim staff</code> finds the least "
            "that meets every target.</p><table class=\"workforce\"><thead><tr><th>variant</th><th>group</th>"
            f"{head}</tr></thead><tbody>{body}</tbody></table></section>")

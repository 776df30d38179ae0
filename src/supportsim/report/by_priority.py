"""The report's section of figures by true priority, when the queues saw another priority than the true one
(a confusion matrix under ``priorities``, or triage): summary.json's ``priorities.<priority>``."""

from __future__ import annotations

from html import escape

from ..units import human_duration
from .data import Results
from .figures import duration_text


def priorities(results: Results) -> list[str]:
    """True priorities reported in summary.json, in their order (empty when none are)."""
    names: list[str] = []
    for figures in (results.summary or {}).get("variants", {}).values():
        names += [p for p in figures.get("priorities", {}) if p not in names]
    return names


def section(results: Results) -> str:
    names = priorities(results)
    if not names:
        return ""
    head = "".join(f'<th colspan="3" class="group">{escape(p)}</th>' for p in names)
    sub = "<th>tickets</th><th>reaction mean</th><th>resolution mean</th>" * len(names)
    rows = []
    for variant in results.variants:
        cells = []
        for p in names:
            count = results.estimate(variant, "priorities", p, "tickets")
            cells.append("<td>–</td>" if count is None else f"<td>{count.value:,.0f}</td>")
            for measure in ("reaction", "resolution"):
                e = results.estimate(variant, "priorities", p, measure, "mean")
                half = "" if e is None or e.half_width is None else (
                    f' <span class="ci">±{human_duration(e.half_width)}</span>')
                cells.append("<td>–</td>" if e is None else f"<td>{duration_text(e.value)}{half}</td>")
        rows.append(f'<tr><th scope="row">{escape(variant)}</th>{"".join(cells)}</tr>')
    return ('<section id="priorities"><h2>By true priority</h2><p>Customers do not always declare the priority '
            "their ticket has; queues order by the priority the desk knows (declared, or found by triage). "
            "These are the figures of the tickets by the priority they truly have; tickets counted per "
            'replication.</p><div class="scroll"><table class="headline"><thead><tr><th rowspan="2">variant</th>'
            f"{head}</tr><tr>{sub}</tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>")

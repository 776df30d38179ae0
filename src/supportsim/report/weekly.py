"""SLA attainment per calendar week (summary.json's ``weeks``): a table, a row per week with its dates and a
column per target, each on its own clock; a week under the share a target must attain is marked."""

from __future__ import annotations

from html import escape
from typing import Any

from .data import Results, as_estimate


def section(results: Results) -> str:
    variants = (results.summary or {}).get("variants") or {}
    variant = results.baseline or next(iter(variants), None)
    if variant is None:
        return ""
    figures: dict[str, Any] = variants.get(variant) or {}
    weeks = figures.get("weeks")
    if not isinstance(weeks, dict) or not weeks:
        return ""
    targets = figures.get("targets") or {}
    paths = list(dict.fromkeys(p for w in weeks.values() if isinstance(w, dict) for p in (w.get("targets") or {})))
    if not paths:
        return ""
    heads = "".join(f"<th>{escape(p)}<br><small>within {escape(str((targets.get(p) or {}).get('within', '')))}"
                    f"</small></th>" for p in paths)
    rows = []
    for name, w in weeks.items():
        cells = []
        for p in paths:
            e = as_estimate((w.get("targets") or {}).get(p))
            attain = (targets.get(p) or {}).get("attain")
            if e is None:
                cells.append("<td>–</td>")
                continue
            short = attain is not None and e.high is not None and e.high < attain
            cells.append(f'<td class="{"status fail" if short else ""}">{100 * e.value:.1f}%</td>')
        part = " *" if w.get("part") else ""
        rows.append(f'<tr><th scope="row">{escape(name)}{part}</th><td>{escape(str(w.get("from")))} – '
                    f'{escape(str(w.get("to")))}</td><td>{float(w.get("tickets") or 0):.0f}</td>{"".join(cells)}</tr>')
    which = f" ({escape(variant)})" if len(variants) > 1 else ""
    return (f'<section id="weeks"><h2>SLA attainment by calendar week{which}</h2><table class="weeks"><thead><tr>'
            f"<th>week</th><th>dates</th><th>tickets</th>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            '<p class="legend">Tickets by the calendar week they arrived in (Monday to Sunday on the scenario\'s '
            "clock), mean per replication; each target on its own clock. Red: the whole 95% interval is under the "
            "share the target must attain. * the run's window (warm-up or horizon) cuts the week.</p></section>")

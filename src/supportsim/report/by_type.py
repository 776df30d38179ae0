"""The report's section on tickets as they are: figures per ticket type, and per segment the share waiting on
the customer, auto-closed and reopened (only when the run has types, waits or reopens)."""

from __future__ import annotations

from html import escape

from .data import Estimate, Results
from .figures import duration_text

LIFECYCLE = (("auto_closed", "auto-closed", "share"), ("reopened", "reopened", "share"),
             ("resolutions", "resolutions per ticket", "number"),
             ("waiting_on_customer", "waiting on customer", "time"))


def _text(e: Estimate | None, kind: str) -> str:
    if e is None:
        return "–"
    if kind == "share":
        return f"{100 * e.value:.1f}%"
    if kind == "count":
        return f"{e.value:.0f}"
    return duration_text(e.value) if kind == "time" else f"{e.value:.2f}"


def _table(results: Results, scope: str, names: list[str], columns: list[tuple[tuple[str, ...], str, str]]) -> str:
    head = "".join(f"<th>{escape(label)}</th>" for _, label, _ in columns)
    rows = []
    for variant in results.variants:
        for name in names:
            cells = "".join(f"<td>{_text(results.estimate(variant, scope, name, *path), kind)}</td>"
                            for path, _, kind in columns)
            label = escape(name) if len(results.variants) == 1 else f"{escape(variant)}: {escape(name)}"
            rows.append(f'<tr><th scope="row">{label}</th>{cells}</tr>')
    return (f'<div class="scroll"><table class="headline"><thead><tr><th>{scope[:-1]}</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def section(results: Results) -> str:
    """Per type: tickets, mean times, attainment of each ticket's own targets and the lifecycle figures; per
    segment: the lifecycle figures. Empty when the summary has neither."""
    base = results.variants[0] if results.variants else None
    if base is None:
        return ""
    types = list((results.summary or {}).get("variants", {}).get(base, {}).get("types", {}))
    waits = results.estimate(base, "segments", "all", "auto_closed") is not None
    if not types and not waits:
        return ""
    lifecycle: list[tuple[tuple[str, ...], str, str]] = [((key,), label, kind) for key, label, kind in LIFECYCLE
                                                         ] if waits else []
    parts = ['<section id="by-type"><h2>Ticket types, waits on the customer, auto-close and reopen</h2>']
    if types:
        columns = [(("tickets",), "tickets", "count"), (("reaction", "mean"), "reaction mean", "time"),
                   (("resolution", "mean"), "resolution mean", "time"),
                   (("sla", "reaction_met"), "reaction within target", "share"),
                   (("sla", "resolution_met"), "resolution within target", "share"), *lifecycle]
        parts += ["<h3>By ticket type</h3>", _table(results, "types", types, columns)]
    if waits:
        parts += ["<h3>By segment</h3>", _table(results, "segments", [*results.segments, "all"], lifecycle)]
    parts.append('<p class="legend">Means over replications. Within target: each ticket against its own target '
                 "(its type's where the segment has one). Auto-closed: closed unresolved after waiting on the "
                 "customer too long (missed). Reopened: share of tickets reopened at least once; resolution runs to "
                 "the final one.</p></section>")
    return "".join(parts)

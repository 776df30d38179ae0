"""The report of ``supportsim staff``: the recommendation per variant and the staffing curve, from staffing.json
and staffing.csv (see :mod:`supportsim.staffing_output`). Nothing is simulated here.

The staffing curve: per variant, each constraint's figure against the engineers of the searched groups, with its
95% interval as a band and its bound as a dashed line. The search simulates several staffings with the same
number of engineers (the split between groups differs); at each number the curve shows the staffing closest to
the recommendation (fewest engineers moved), so it reads as "the answer, with one engineer fewer, two fewer...".
The plotted points are also in the page as a table (``<table class="curve">``), the figure's data.
"""

from __future__ import annotations

import csv
import io
import json
from html import escape
from pathlib import Path
from typing import Any

from .data import ReportError
from .plots import MUTED, figure, to_svg, variant_styles
from .style import CSS

Row = dict[str, str]


def _counts(staffing: str) -> dict[str, int]:
    return {post: int(n) for post, n in (part.split("=") for part in staffing.split())}


def curve(rows: list[Row], variant: str) -> dict[str, list[Row]]:
    """Per constraint: one row per number of engineers, the staffing there closest to the answer."""
    mine = [r for r in rows if r["variant"] == variant]
    answer = next((_counts(r["staffing"]) for r in mine if r["answer"] == "True"), None)
    chosen: dict[int, str] = {}
    for r in mine:
        n, staffing = int(r["engineers"]), r["staffing"]
        if answer is None:
            continue
        moved = sum(abs(c - answer.get(p, 0)) for p, c in _counts(staffing).items())
        best = chosen.get(n)
        if best is None or (moved, staffing) < (sum(abs(c - answer.get(p, 0)) for p, c in _counts(best).items()),
                                                best):
            chosen[n] = staffing
    out: dict[str, list[Row]] = {}
    for r in mine:
        if chosen.get(int(r["engineers"])) == r["staffing"]:
            out.setdefault(r["constraint"], []).append(r)
    return {k: sorted(v, key=lambda r: int(r["engineers"])) for k, v in out.items()}


def _plot(variant: str, curves: dict[str, list[Row]]) -> str:
    styles = variant_styles(list(curves))
    fig = figure(7.0, 2.6)
    ax = fig.subplots()
    for name, line in curves.items():
        st = styles[name]
        xs = [int(r["engineers"]) for r in line]
        ys = [float(r["value"]) if r["value"] else float("nan") for r in line]
        low = [float(r["ci95_low"]) if r["ci95_low"] else y for r, y in zip(line, ys)]
        high = [float(r["ci95_high"]) if r["ci95_high"] else y for r, y in zip(line, ys)]
        drawn, = ax.plot(xs, ys, color=st.colour, linestyle=st.linestyle, marker=st.marker, markersize=4,
                         linewidth=1.4, label=name)
        drawn.set_gid(f"curve {variant} {name}")
        ax.fill_between(xs, low, high, color=st.colour, alpha=0.15, linewidth=0)
        ax.axhline(float(line[0]["bound"]), color=st.colour, linestyle="--", linewidth=0.9).set_gid(
            f"bound {variant} {name}")
        for r in line:
            if r["answer"] == "True":
                ax.axvline(int(r["engineers"]), color=MUTED, linewidth=0.8)
    ax.set_xlabel("engineers in the searched groups")
    ax.set_ylabel("figure (share: 0-1)")
    ax.legend(fontsize=7, frameon=False)
    return to_svg(fig)


def _table(variant: str, curves: dict[str, list[Row]]) -> str:
    cells = "".join(
        f'<tr data-constraint="{escape(name)}" data-engineers="{r["engineers"]}" data-value="{r["value"]}" '
        f'data-low="{r["ci95_low"]}" data-high="{r["ci95_high"]}" data-bound="{r["bound"]}">'
        f'<td><code>{escape(name)}</code></td><td>{r["engineers"]}</td><td>{escape(r["staffing"])}</td>'
        f'<td>{r["value"]}</td><td>[{r["ci95_low"]}, {r["ci95_high"]}]</td><td>{escape(r["op"])} {r["bound"]}</td>'
        f'<td>{escape(r["status"])}</td></tr>'
        for name, line in curves.items() for r in line)
    return (f'<table class="curve" data-variant="{escape(variant)}"><thead><tr><th>constraint</th><th>engineers'
            "</th><th>staffing</th><th>figure</th><th>95% interval</th><th>bound</th><th>status</th></tr></thead>"
            f"<tbody>{cells}</tbody></table>")


def _recommendation(document: dict[str, Any]) -> str:
    rows = []
    for row in document.get("price") or []:
        entry = document["variants"][row["variant"]]
        if not entry["reachable"]:
            rows.append(f'<tr data-variant="{escape(row["variant"])}"><td>{escape(row["variant"])}</td>'
                        f'<td colspan="5">unreachable: {escape(entry["reason"])}</td></tr>')
            continue
        staff = ", ".join(f"{g} {v['staff']}" + (f" ({v['set_apart']} set apart)" if "set_apart" in v else "")
                          for g, v in entry["groups"].items())
        binding = "; ".join(f"{post}: {', '.join(names) or '-'}" for post, names in entry["binding"].items())
        delta = row["engineers_vs_baseline"]
        rows.append(f'<tr data-variant="{escape(row["variant"])}" data-engineers="{sum(row["staff"].values())}">'
                    f'<td>{escape(row["variant"])}</td><td>{escape(staff)}</td><td>{row["headcount"]:.1f}</td>'
                    f'<td>{row["cost_per_week"]:,.0f}</td><td>{"-" if delta is None else f"{delta:+d}"}</td>'
                    f"<td>{escape(binding)}</td></tr>")
    return ('<table class="recommendation"><thead><tr><th>variant</th><th>staff</th><th>headcount</th>'
            f"<th>cost / week</th><th>engineers vs {escape(str(document.get('baseline')))}</th><th>binds</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def render(document: dict[str, Any], rows: list[Row]) -> str:
    """The staffing page as HTML."""
    sections = []
    for variant, entry in document["variants"].items():
        curves = curve(rows, variant)
        if not entry["reachable"] or not curves:
            continue
        sections.append(f'<section id="curve-{escape(variant)}"><h2>Staffing curve: {escape(variant)}</h2>'
                        f"<figure>{_plot(variant, curves)}<figcaption>Each constraint's figure against the "
                        "engineers of the searched groups (the staffing closest to the recommendation at each "
                        "number); shaded: 95% interval; dashed: the bound; grey line: the recommendation."
                        f"</figcaption></figure>{_table(variant, curves)}</section>")
    name = escape(str(document.get("scenario")))
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{name} - supportsim staff</title><style>{CSS}</style></head><body><main>",
        f"<header><h1>{name}: how many engineers</h1><p class=\"meta\">The least-cost staff per variant such that "
        f"every constraint holds with 95% confidence; {document.get('simulations')} simulations.</p></header>",
        f'<section id="recommendation"><h2>Recommendation</h2>{_recommendation(document)}</section>',
        *sections, "</main></body></html>"])


def build(folder: Path) -> str:
    """The staffing page of a folder written by ``supportsim staff``."""
    try:
        document = json.loads((folder / "staffing.json").read_text(encoding="utf-8"))
        rows = list(csv.DictReader(io.StringIO((folder / "staffing.csv").read_text(encoding="utf-8"))))
    except (OSError, ValueError) as exc:
        raise ReportError(f"{folder}: cannot read the staffing answer: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("variants"), dict):
        raise ReportError(f"{folder / 'staffing.json'}: has no 'variants'; is it written by `supportsim staff`?")
    return render(document, rows)

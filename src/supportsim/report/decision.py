"""The report's first screen: the decision. Which variants meet every target that states ``attain`` (and every
``checks:`` line), with intervals, ranked by targets met and then by their cost to the others.

- *Meets*: every target with ``attain`` is judged ``met`` in summary.json (its whole 95% interval at or above
  the share it must attain) and no check of the variant failed. A target judged ``inconclusive`` is neither.
- *Cost to the others*: the attainment the variant gives up against the baseline, summed over the targets
  where its interval lies wholly below the baseline's (percentage points). Gains elsewhere do not offset it: a
  variant that buys a VIP target with the standard customers' target pays for it here.
- *Better* / *worse* than the baseline only when the intervals do not overlap; otherwise the cell is neutral.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from .data import Results, as_estimate


@dataclass
class Standing:
    variant: str
    met: int = 0
    judged: int = 0
    missed: int = 0
    checks_failed: int = 0
    cost: float = 0.0                                  # percentage points given up against the baseline
    cells: list[str] = field(default_factory=list)

    @property
    def meets_all(self) -> bool:
        return self.judged > 0 and self.met == self.judged and not self.checks_failed


def _targets(results: Results, variant: str) -> dict[str, dict[str, Any]]:
    node = ((results.summary or {}).get("variants", {}).get(variant) or {}).get("targets") or {}
    return {path: t for path, t in node.items() if isinstance(t, dict)}


def compared(mine: Any, theirs: Any) -> str:
    """'better', 'worse' or 'same' for two attainment estimates: better or worse only when the 95% intervals
    do not overlap."""
    a, b = as_estimate(mine), as_estimate(theirs)
    if a is None or b is None or None in (a.low, a.high, b.low, b.high):
        return "same"
    assert a.low is not None and a.high is not None and b.low is not None and b.high is not None
    if a.low > b.high:
        return "better"
    if a.high < b.low:
        return "worse"
    return "same"


def standings(results: Results) -> tuple[list[str], list[Standing]]:
    """The targets (key paths) and each variant's standing, best first."""
    variants = results.variants
    base = results.baseline or variants[0]
    paths = list(dict.fromkeys(p for v in variants for p in _targets(results, v)))
    out = []
    for variant in variants:
        mine, theirs = _targets(results, variant), _targets(results, base)
        s = Standing(variant)
        for path in paths:
            t = mine.get(path)
            e = as_estimate((t or {}).get("attainment"))
            if t is None or e is None:
                s.cells.append("<td>–</td>")
                continue
            verdict = t.get("verdict")
            if t.get("attain") is not None:
                s.judged += 1
                s.met += verdict == "met"
                s.missed += verdict == "missed"
            change = compared(t.get("attainment"), (theirs.get(path) or {}).get("attainment")) \
                if variant != base and len(variants) > 1 else "same"
            if change == "worse":
                other = as_estimate(theirs[path]["attainment"])
                s.cost += 100 * (other.value - e.value) if other is not None else 0.0
            interval = f" [{100 * e.low:.1f}–{100 * e.high:.1f}]" if e.low is not None and e.high is not None else ""
            status = {"met": "pass", "missed": "fail", "inconclusive": "inconclusive"}.get(str(verdict), "")
            word = f"{verdict}" if status else ""   # a target without attain is measured, not judged
            arrow = {"better": " ▲ better", "worse": " ▼ worse"}.get(change, "")
            s.cells.append(f'<td class="status {status} {change}">{100 * e.value:.1f}%'
                           f'<span class="ci">{interval}</span><br><small>{escape(word)}{arrow}</small></td>')
        s.checks_failed = sum(1 for c in results.checks if c.status == "fail" and c.variant in (None, variant))
        out.append(s)
    out.sort(key=lambda s: (-s.met, s.checks_failed, s.cost))
    return paths, out


def section(results: Results) -> str:
    """The decision table (empty when no variant has a target)."""
    paths, ranked = standings(results)
    if not paths:
        return ""
    heads = []
    for path in paths:
        t = next((_targets(results, v).get(path) for v in results.variants if path in _targets(results, v)), {}) or {}
        attain = f", {100 * t['attain']:g}%" if t.get("attain") is not None else ""
        clock = "" if t.get("clock") in (None, "always") else f" ({t['clock']} calendar)"
        heads.append(f"<th>{escape(path)}<br><small>within {escape(str(t.get('within', '')))}{escape(clock)}"
                     f"{attain}</small></th>")
    checks = bool(results.checks)
    rows = []
    for rank, s in enumerate(ranked, 1):
        answer = "meets every target" if s.meets_all else \
            f"misses {s.missed}" if s.missed else "not shown either way" if s.judged else "no attain given"
        status = "pass" if s.meets_all else "fail" if s.missed or s.checks_failed else \
            "inconclusive" if s.judged else ""
        tally = f"<br><small>{s.met} of {s.judged} met</small>" if s.judged else ""
        check_cell = f"<td>{'all pass' if not s.checks_failed else f'{s.checks_failed} failed'}</td>" if checks else ""
        rows.append(f'<tr><td>{rank}</td><th scope="row">{escape(s.variant)}</th>'
                    f'<td class="status {status}">{escape(answer)}{tally}</td>'
                    f"{check_cell}<td>{s.cost:.1f} pp</td>{''.join(s.cells)}</tr>")
    base = results.baseline
    return ('<section id="decision"><h2>Decision</h2><table class="decision"><thead><tr><th>#</th><th>variant</th>'
            f"<th>targets</th>{'<th>checks</th>' if checks else ''}<th>cost to the others</th>{''.join(heads)}"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            "<p class=\"legend\">Ranked by targets met, then by checks failed, then by cost to the others: the "
            "attainment given up against the baseline"
            f"{f' ({escape(base)})' if base else ''}, summed over targets where the 95% intervals do not overlap "
            "(percentage points). A target is met when its whole interval is at or above the share it must attain, "
            "missed when wholly below, else not shown either way. Better or worse than the baseline only when the "
            "intervals do not overlap.</p></section>")

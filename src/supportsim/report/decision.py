"""The report's first screen: the decision. Which variants meet every target that states ``attain`` (and every
``checks:`` line), with intervals, ranked by targets met and then by their cost to the others.

- *Meets*: every target with ``attain`` is judged ``met`` in summary.json (its whole 95% interval at or above
  the share it must attain) and no check of the variant failed. A target judged ``inconclusive`` is neither.
- *Cost to the others*: the attainment the variant gives up against the baseline, summed over the targets
  where its interval lies wholly below the baseline's (percentage points). Gains elsewhere do not offset it: a
  variant that buys a VIP target with the standard customers' target pays for it here.
- *Better* / *worse* than the baseline only when the 95% interval of the difference excludes no change.
  Variants run on the same tickets (common random numbers), so for an SLA target the difference is taken per
  replication from tickets.csv (paired: most of the noise the two share cancels); where there are no such
  pairs (no tickets.csv, one replication, an OLA target) only when the two unpaired intervals do not overlap,
  which is more cautious. Otherwise the cell is neutral.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from .data import Results, as_estimate
from .figures import sla_change


@dataclass
class Standing:
    variant: str
    met: int = 0
    judged: int = 0
    missed: int = 0
    checks_failed: int = 0
    checks_open: int = 0                               # inconclusive: the interval straddles the bound
    cost: float = 0.0                                  # percentage points given up against the baseline
    unpaired: int = 0                                  # targets compared by their two intervals, not in pairs
    cells: list[str] = field(default_factory=list)

    @property
    def meets_all(self) -> bool:
        return self.judged > 0 and self.met == self.judged and not self.checks_failed and not self.checks_open


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


def change(results: Results, variant: str, path: str, mine: Any, theirs: Any) -> tuple[str, float, bool]:
    """The variant's attainment of the target at ``path`` against the baseline's: 'better', 'worse' or 'same',
    the difference in percentage points, and whether it was paired per replication (see the module's note)."""
    parts = path.split(".")
    if len(parts) == 3 and parts[0] == "sla":   # sla.<segment>.<reaction|resolution>: tickets.csv's *_sla_met
        paired = sla_change(results, variant, parts[1], parts[2])
        if paired is not None and paired.paired:
            word = "same" if not paired.clear else "better" if paired.ratio > 0 else "worse"
            return word, paired.ratio, True
    a, b = as_estimate(mine), as_estimate(theirs)
    return compared(mine, theirs), 0.0 if a is None or b is None else 100 * (a.value - b.value), False


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
            word, paired = "same", True
            if variant != base and len(variants) > 1 and path in theirs:
                word, difference, paired = change(results, variant, path, t.get("attainment"),
                                                  theirs[path].get("attainment"))
                s.cost += -difference if word == "worse" else 0.0
                s.unpaired += not paired
            interval = f" [{100 * e.low:.1f}–{100 * e.high:.1f}]" if e.low is not None and e.high is not None else ""
            status = {"met": "pass", "missed": "fail", "inconclusive": "inconclusive"}.get(str(verdict), "")
            word_shown = f"{verdict}" if status else ""   # a target without attain is measured, not judged
            arrow = {"better": " ▲ better", "worse": " ▼ worse"}.get(word, "") + ("" if paired else " †")
            s.cells.append(f'<td class="status {status} {word}">{100 * e.value:.1f}%'
                           f'<span class="ci">{interval}</span><br><small>{escape(word_shown)}{arrow}</small></td>')
        mine_checks = [c for c in results.checks if c.variant in (None, variant)]
        s.checks_failed = sum(c.status == "fail" for c in mine_checks)
        s.checks_open = sum(c.status == "inconclusive" for c in mine_checks)
        out.append(s)
    out.sort(key=lambda s: (-s.met, s.checks_failed, s.checks_open, s.cost))
    return paths, out


def section(results: Results) -> str:
    """The decision table (empty when no variant has a target or a check)."""
    paths, ranked = standings(results)
    checks = bool(results.checks)
    if not paths and not checks:
        return ""
    heads = []
    for path in paths:
        t = next((_targets(results, v).get(path) for v in results.variants if path in _targets(results, v)), {}) or {}
        attain = f", {100 * t['attain']:g}%" if t.get("attain") is not None else ""
        clock = "" if t.get("clock") in (None, "always") else f" ({t['clock']} calendar)"
        breakable = ".<wbr>".join(escape(part) for part in path.split("."))  # long paths wrap at their dots
        heads.append(f"<th>{breakable}<br><small>within {escape(str(t.get('within', '')))}{escape(clock)}"
                     f"{attain}</small></th>")
    rows = []
    for rank, s in enumerate(ranked, 1):
        answer = _answer(s, checks)
        status = "pass" if s.meets_all or answer == "meets every check" else \
            "fail" if s.missed or s.checks_failed else "inconclusive" if s.judged or s.checks_open else ""
        tally = f"<br><small>{s.met} of {s.judged} met</small>" if s.judged else ""
        check_cell = f"<td>{escape(_checks_word(s))}</td>" if checks else ""
        rows.append(f'<tr><td>{rank}</td><th scope="row">{escape(s.variant)}</th>'
                    f'<td class="status {status}">{escape(answer)}{tally}</td>'
                    f"{check_cell}<td>{s.cost:.1f} pp</td>{''.join(s.cells)}</tr>")
    base = results.baseline
    unpaired = any(s.unpaired for s in ranked)
    judged_here = (" The checks are the scenario's <code>checks:</code> judged from summary.json as "
                   "<code>supportsim check</code> judges them (no checks.json in the folder).") \
        if results.checks_judged else ""
    return ('<section id="decision"><h2>Decision</h2><table class="decision"><thead><tr><th>#</th><th>variant</th>'
            f"<th>targets</th>{'<th>checks</th>' if checks else ''}<th>cost to the others</th>{''.join(heads)}"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            "<p class=\"legend\">Ranked by targets met, then by checks failed or inconclusive, then by cost "
            "to the others: the attainment given up against the baseline"
            f"{f' ({escape(base)})' if base else ''}, summed over targets where it is clearly worse (percentage "
            "points). A target is met when its whole interval is at or above the share it must attain, missed when "
            "wholly below, else inconclusive (the data show neither). Better or worse than the baseline only when "
            "the 95% interval of the difference excludes no change: the variants ran on the same tickets (common "
            "random numbers), "
            "so the difference is taken replication by replication (paired, from tickets.csv)"
            + ("; † marks targets without such pairs, called better or worse only when the two intervals do not "
               "overlap (unpaired, more cautious)" if unpaired else "")
            + f".{judged_here}</p></section>")


def _answer(s: Standing, checks: bool) -> str:
    if s.meets_all:
        return "meets every target"
    if s.missed:
        return f"misses {s.missed}"
    if s.judged and s.met == s.judged:
        return "targets met; a check fails" if s.checks_failed else "targets met; a check inconclusive"
    if s.judged:
        return "inconclusive"
    if checks:
        return "fails a check" if s.checks_failed else "a check inconclusive" if s.checks_open else \
            "meets every check"
    return "no attain given"


def _checks_word(s: Standing) -> str:
    words = [f"{s.checks_failed} failed"] * bool(s.checks_failed) + \
        [f"{s.checks_open} inconclusive"] * bool(s.checks_open)
    return ", ".join(words) or "all pass"

"""The scenario in words: one paragraph a manager can check against what they meant to simulate.

Works from the resolved scenario as plain data (so a file written by a newer or older supportsim still gets a
description), with offered loads from the validated model when it is available.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..units import parse_duration, parse_rate
from .figures import in_one_unit, short_duration


def _hours(value: Any) -> float | None:
    if isinstance(value, dict):  # a target {within, clock, attain}
        value = value.get("within")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return parse_duration(value)
        except ValueError:
            return None
    return None


def _rate(value: Any) -> str:
    if isinstance(value, str) and "/" in value:
        try:
            per_hour = parse_rate(value)
        except ValueError:
            return escape(value)
        return f"{per_hour:.3g} per hour" if per_hour >= 1 else f"{per_hour * 24:.3g} per day"
    return escape(str(value))


def staff_words(staff: Any) -> str:
    """'10 engineers' or, with shifts, '6 on office + 3 on late'."""
    if isinstance(staff, int):
        return f"{staff} engineer{'s' if staff != 1 else ''}"
    if isinstance(staff, list):
        blocks = []
        for block in staff:
            if isinstance(block, dict):
                calendar = block.get("calendar", "24x7")
                blocks.append(f"{block.get('count', '?')} on {escape(str(calendar))}")
        return " + ".join(blocks) + " engineers"
    if isinstance(staff, dict) and "count" in staff:
        return f"{staff['count']} engineers on {escape(str(staff.get('calendar', '24x7')))}"
    return escape(str(staff))


def policy_words(policy: Any) -> str:
    if isinstance(policy, str):
        return f"<b>{escape(policy)}</b>"
    if isinstance(policy, dict):
        kind = policy.get("kind", "?")
        rest = ", ".join(f"{escape(str(k))} {escape(_plain(v))}" for k, v in policy.items() if k != "kind")
        return f"<b>{escape(str(kind))}</b>" + (f" ({rest})" if rest else "")
    return escape(str(policy))


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    return str(value)


def _work_words(work: Any) -> str:
    if isinstance(work, dict) and "dist" in work:
        mean = _hours(work.get("mean"))
        spread = f", cv {work['cv']}" if "cv" in work else ""
        kind = escape(str(work["dist"]))
        return f"{kind} work, mean {short_duration(mean)}{spread}" if mean else f"{kind} work"
    if isinstance(work, dict) and "default" in work:
        return "work by ticket class"
    return ""


def describe_scenario(data: dict, scenario: Any, loads: dict[str, float] | None) -> str:
    """One paragraph (HTML) about the base scenario: arrivals, segments, groups with staff and load, policy, SLA."""
    parts = []
    if data.get("description"):
        parts.append(f"<b>{escape(str(data['description']).rstrip('.'))}.</b>")
    segments = data.get("segments") or {}
    rate = (data.get("arrivals") or {}).get("rate")
    shares = _shares(data, scenario)
    seg_words = []
    for name, seg in segments.items():
        seg = seg if isinstance(seg, dict) else {}
        share = f" {100 * shares[name]:.0f}%" if name in shares else ""
        seg_words.append(f"{escape(name)}{share}{' (VIP)' if seg.get('vip') else ''}")
    arrivals = f"Tickets arrive at {_rate(rate)}" if rate else "Tickets arrive at each segment's own rate"
    entry = data.get("entry") or next(iter(data.get("groups") or {}), None)
    parts.append(f"{arrivals} from {len(segments)} segment{'s' if len(segments) != 1 else ''}: "
                 f"{', '.join(seg_words)}" + (f"; they arrive at {escape(str(entry))}." if entry else "."))
    vip_share = sum(shares.get(n, 0.0) for n, s in segments.items() if isinstance(s, dict) and s.get("vip"))
    if vip_share:
        parts.append(f"VIP share: <b>{100 * vip_share:.0f}%</b> of tickets.")
    group_words = []
    for name, group in (data.get("groups") or {}).items():
        group = group if isinstance(group, dict) else {}
        words = f"<b>{escape(name)}</b> has {staff_words(group.get('staff'))}"
        if loads and name in loads:
            words += f" (offered load ρ = {loads[name]:.2f})"
        work = _work_words(group.get("work"))
        if work:
            words += f", {work}"
        escalate = group.get("escalate") or {}
        if escalate:
            words += ", escalates " + " and ".join(f"{100 * p:.0f}% to {escape(t)}" for t, p in escalate.items())
        group_words.append(words)
    if group_words:
        parts.append("; ".join(group_words) + ".")
    parts.append(f"Queue policy: {policy_words(data.get('policy', 'fifo'))}" + _group_policies(data) + ".")
    sla = data.get("sla") or {}
    if sla:
        targets = []
        for seg, t in sla.items():
            if isinstance(t, dict):
                spelled = [f"{m} {short_duration(hours)}" for m in ("reaction", "resolution")
                           if (hours := _hours(t.get(m)))]
                if spelled:
                    targets.append(f"{escape(seg)} {' and '.join(spelled)}")
        if targets:
            parts.append("SLA targets: " + "; ".join(targets) + ".")
    horizon, warmup = _hours(data.get("horizon")), _hours(data.get("warmup")) or 0.0
    if horizon:
        length, first = in_one_unit(horizon, warmup)
        days = f" ({horizon / 24:.3g} days)" if horizon >= 72 and not length.endswith(("d", "w")) else ""
        counted = f"tickets of the first {first} (warm-up) are not counted" if warmup else "every ticket is counted"
        parts.append(f"Arrivals run for {length}{days}; {counted}.")
    return " ".join(parts)


def _shares(data: dict, scenario: Any) -> dict[str, float]:
    if scenario is not None:
        return dict(zip(scenario.segment_names, map(float, scenario.segment_shares)))
    segments = data.get("segments") or {}
    return {n: float(s["share"]) for n, s in segments.items()
            if isinstance(s, dict) and isinstance(s.get("share"), (int, float))}


def _group_policies(data: dict) -> str:
    base = data.get("policy")
    own = [(name, g["policy"]) for name, g in (data.get("groups") or {}).items()
           if isinstance(g, dict) and g.get("policy") not in (None, base)]
    return "".join(f"; at {escape(name)}: {policy_words(p)}" for name, p in own)


def describe_variants(data: dict, loads: dict[str, dict[str, float]], variants: list[str], baseline: str | None) -> str:
    """A small table: each variant, what it changes, and the offered load per group."""
    overrides = data.get("variants") or {}
    if len(variants) < 2:
        return ""
    groups = list(data.get("groups") or {})
    head = "".join(f"<th>ρ {escape(g)}</th>" for g in groups)
    rows = []
    for v in variants:
        change = _changes(overrides.get(v) or {}) or '<span class="muted">no change</span>'
        mark = ' <span class="muted">(baseline)</span>' if v == baseline else ""
        rho = loads.get(v, {})
        cells = "".join(f'<td class="{"bad" if rho.get(g, 0) >= 1 else ""}">{rho[g]:.2f}</td>' if g in rho
                        else "<td>–</td>" for g in groups)
        rows.append(f"<tr><th scope=\"row\">{escape(v)}{mark}</th><td class=\"text\">{change}</td>{cells}</tr>")
    return ('<table class="variants"><thead><tr><th>variant</th><th>changes to the scenario</th>'
            f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _changes(override: dict, prefix: str = "") -> str:
    words = []
    for key, value in override.items():
        path = f"{prefix}{key}"
        if key == "policy" or (isinstance(value, dict) and "kind" in value):
            words.append(f"{escape(path)}: {policy_words(value)}")
        elif isinstance(value, dict) and value and "dist" not in value:
            words.append(_changes(value, path + "."))
        else:
            words.append(f"{escape(path)} = {escape(_plain(value))}")
    return "; ".join(w for w in words if w)


"""Plain-text tables for the terminal: aligned columns, durations in readable units."""

from __future__ import annotations

from .scenario import Scenario
from .units import human_duration
from .wording import time_change


def _duration_with_ci(estimate: dict | None) -> str:
    if not estimate or estimate.get("value") is None:
        return "-"
    low, high = estimate["ci95"]
    if low is None:
        return human_duration(estimate["value"])
    return f"{human_duration(estimate['value'])} ±{human_duration((high - low) / 2)}"


def _share_with_ci(estimate: dict | None) -> str:
    if not estimate or estimate.get("value") is None:
        return "-"
    low, high = estimate["ci95"]
    text = f"{100 * estimate['value']:.1f}%"
    return text if low is None else f"{text} ±{100 * (high - low) / 2:.1f}"


def format_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(cell).ljust(w) if i == 0 else str(cell).rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths))).rstrip()
             for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def segment_table(figures: dict, scenario: Scenario) -> str:
    header = ["segment", "tickets", "reaction mean", "reaction p90", "resolution mean", "resolution p90",
              "SLA reaction", "SLA resolution"]
    rows = []
    for name, seg in figures["segments"].items():
        sla = seg.get("sla", {})
        tickets = seg["tickets"]["value"]
        rows.append([
            name + (" (VIP)" if name in scenario.vip_segments else ""),
            f"{tickets:.0f}" if tickets is not None else "-",
            _duration_with_ci(seg["reaction"]["mean"]),
            _duration_with_ci(seg["reaction"]["p90"]),
            _duration_with_ci(seg["resolution"]["mean"]),
            _duration_with_ci(seg["resolution"]["p90"]),
            _on_clock(_share_with_ci(sla.get("reaction_met")), figures, name, "reaction"),
            _on_clock(_share_with_ci(sla.get("resolution_met")), figures, name, "resolution"),
        ])
    return format_table(header, rows)


def _on_clock(cell: str, figures: dict, segment: str, measure: str) -> str:
    """An attainment with the clock it is counted on, when that is not around the clock."""
    clock = figures.get("clocks", {}).get(segment, {}).get(measure)
    return f"{cell} on {clock}" if cell != "-" and clock not in (None, "always", "24x7") else cell


def group_table(figures: dict) -> str:
    header = ["group", "utilization", "queue wait mean", "queue length"]
    with_ola = any("ola_met" in g for g in figures["groups"].values())
    if with_ola:
        header.append("OLA met")
    rows = []
    for name, g in figures["groups"].items():
        length = g["queue_length"]["value"]
        rows.append([name, _share_with_ci(g["utilization"]), _duration_with_ci(g["queue_wait"]["mean"]),
                     f"{length:.2f}" if length is not None else "-"])
        if with_ola:
            rows[-1].append(_share_with_ci(g.get("ola_met")))
    return format_table(header, rows)


def business_table(figures: dict, segments: list[str]) -> str:
    """Reaction and resolution counted on the clocks of each segment's targets (business hours), for segments
    with a target not on 24x7; each row names its clocks (reaction/resolution)."""
    header = ["segment (clocks)", "reaction mean", "reaction p90", "resolution mean", "resolution p90"]
    rows = []
    for name in segments:
        seg = figures["segments"].get(name, {})
        if "reaction_business" not in seg:
            continue
        clocks = figures.get("clocks", {}).get(name)
        label = f"{name} ({clocks['reaction']}/{clocks['resolution']})" if clocks else name
        rows.append([label, _duration_with_ci(seg["reaction_business"]["mean"]),
                     _duration_with_ci(seg["reaction_business"]["p90"]),
                     _duration_with_ci(seg["resolution_business"]["mean"]),
                     _duration_with_ci(seg["resolution_business"]["p90"])])
    return format_table(header, rows)


def week_table(profile: dict) -> str:
    """The week at a glance from a variant's time profiles: tickets per day, the range of the open backlog
    over the day, and each group's utilization while on duty."""
    groups = list(profile["groups"])
    header = ["day", "tickets/day", "backlog min", "backlog max", *[f"{g} utilization" for g in groups]]
    rows = []
    for day, label in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")):
        hours = slice(24 * day, 24 * day + 24)
        arrivals = [v for v in profile["arrivals_per_hour"][hours] if v is not None]
        backlog = [v for v in profile["backlog"][hours] if v is not None]
        row = [label, f"{sum(arrivals):.1f}" if arrivals else "-",
               f"{min(backlog):.1f}" if backlog else "-", f"{max(backlog):.1f}" if backlog else "-"]
        for g in groups:
            busy = profile["groups"][g]["utilization"][hours]
            duty = profile["groups"][g]["engineers_on_duty"][hours]
            pairs = [(u, d) for u, d in zip(busy, duty) if u is not None and d]
            total = sum(d for _, d in pairs)
            row.append(f"{100 * sum(u * d for u, d in pairs) / total:.0f}%" if total else "off")
        rows.append(row)
    return format_table(header, rows)


def comparison_table(summary: dict) -> str:
    """One table comparing every variant in at most 120 columns: two lines per variant (VIP and non-VIP
    customers) with mean reaction and resolution (95% CI), SLA attainment and the change against the baseline
    in words (supportsim.wording: the report's convention). p90s, utilization and the intervals of the changes
    are in summary.json and the report."""
    header = ["variant", "tier", "reaction", "resolution", "SLA reaction", "SLA resolution", "reaction vs",
              "resolution vs"]
    rows = []
    baseline = summary["baseline"]
    base_tiers = summary["variants"][baseline]["tiers"]
    for variant, figures in summary["variants"].items():
        vs = figures.get("vs_baseline", {})
        for tier, label in (("vip", "VIP"), ("non_vip", "non-VIP")):
            tf = figures["tiers"][tier]
            sla = tf.get("sla", {})
            changes = []
            for measure in ("reaction", "resolution"):
                ratio = (vs.get(tier, {}).get(measure, {}).get("mean") or {}).get("ratio")
                changes.append("" if variant == baseline else time_change(
                    ratio, tf[measure]["mean"]["value"], base_tiers[tier][measure]["mean"]["value"]))
            rows.append([
                (variant + (" (baseline)" if variant == baseline else "")) if tier == "vip" else "",
                label,
                _duration_with_ci(tf["reaction"]["mean"]),
                _duration_with_ci(tf["resolution"]["mean"]),
                _share_with_ci(sla.get("reaction_met")),
                _share_with_ci(sla.get("resolution_met")),
                *changes,
            ])
    return format_table(header, rows)


def utilization_table(summary: dict) -> str:
    """Each variant's utilization per group (busy over on-duty engineer-time, mean over replications)."""
    groups = list(dict.fromkeys(g for f in summary["variants"].values() for g in f["groups"]))
    rows = []
    for variant, figures in summary["variants"].items():
        row = [variant]
        for g in groups:
            value = ((figures["groups"].get(g) or {}).get("utilization") or {}).get("value")
            row.append("-" if value is None else f"{100 * value:.0f}%")
        rows.append(row)
    return format_table(["variant", *(f"{g} utilization" for g in groups)], rows)


def targets_table(summary: dict) -> str:
    """Every target of every variant: what it allows, on which clock, the share that must meet it, the share
    that did (95% CI) and the verdict (met, missed or inconclusive; '-' without attain)."""
    header = ["variant", "target", "within", "clock", "attain", "attainment", "verdict"]
    rows = []
    several = len(summary["variants"]) > 1
    for variant, figures in summary["variants"].items():
        for path, t in (figures.get("targets") or {}).items():
            rows.append([variant if several else "", path, t["within"], t["clock"],
                         f"{100 * t['attain']:g}%" if t.get("attain") is not None else "-",
                         _share_with_ci(t.get("attainment")), t.get("verdict", "-")])
    if not several:
        header, rows = header[1:], [row[1:] for row in rows]
    return format_table(header, rows)


def weekly_table(figures: dict, width: int = 120) -> str:
    """SLA attainment per calendar week (by arrival) of one variant: a row per week, a column per target
    (as many as fit in ``width``; all are in summary.json). '*' marks a week the run's window cuts."""
    weeks = figures.get("weeks") or {}
    paths = list(dict.fromkeys(p for w in weeks.values() for p in w["targets"]))
    header = ["week", "dates", "tickets"]
    shown, used = [], 40
    for path in paths:
        title = path.removeprefix("sla.").replace(".", " ")
        if used + len(title) + 2 > width:
            break
        shown.append(path)
        header.append(title)
        used += max(len(title), 8) + 2
    rows = []
    for name, w in weeks.items():
        row = [name + ("*" if w.get("part") else ""), f"{w['from']}..{w['to'][5:]}", f"{w['tickets']:.0f}"]
        for path in shown:
            value = (w["targets"].get(path) or {}).get("value")
            row.append("-" if value is None else f"{value:.1%}")
        rows.append(row)
    return format_table(header, rows)

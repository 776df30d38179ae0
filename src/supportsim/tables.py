"""Plain-text tables for the terminal: aligned columns, durations in readable units."""

from __future__ import annotations

from .scenario import Scenario
from .units import human_duration


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


def render(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(cell).ljust(w) if i == 0 else str(cell).rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
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
            _share_with_ci(sla.get("reaction_met")),
            _share_with_ci(sla.get("resolution_met")),
        ])
    return render(header, rows)


def group_table(figures: dict) -> str:
    header = ["group", "utilization", "queue wait mean", "queue length"]
    rows = []
    for name, g in figures["groups"].items():
        length = g["queue_length"]["value"]
        rows.append([name, _share_with_ci(g["utilization"]), _duration_with_ci(g["queue_wait"]["mean"]),
                     f"{length:.2f}" if length is not None else "-"])
    return render(header, rows)

"""Pictures over time, from profiles.json: the week by hour of week, and the backlog over the whole run.

Hours nobody is on duty are shaded, so a reader sees at once why the queue and the backlog climb overnight and
at weekends and how Monday morning works them off.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from ..units import WEEK
from ..weeks import wall_clock
from .data import Results, Series
from .plots import DAYS, Style, band_line, figure, legend, to_svg

OFF_DUTY = "#ececec"


def week(results: Results, styles: dict[str, Style]) -> str | None:
    """Top row: tickets arriving per hour and open tickets; then per group (rows) utilization and queue length;
    one line per variant, all by hour of week."""
    data = results.week
    variants = [v for v in results.variants if v in data]
    groups = [g for g in results.groups if any(g in data[v].groups for v in variants)]
    if not variants or not groups:
        return None
    first = data[variants[0]]
    panels: list[tuple[str, str | None, str, str, float]] = [
        ("arrivals", None, "Tickets arriving per hour", "tickets per hour", 1.0),
        ("backlog", None, "Open tickets (waiting or in work)", "open tickets", 1.0),
    ]
    for g in groups:
        panels += [("utilization", g, f"{g}: utilization", "engineers busy (%)", 100.0),
                   ("queue_length", g, f"{g}: queue length", "tickets waiting", 1.0)]
    rows = len(panels) // 2
    fig = figure(10.0, 0.5 + 2.0 * rows)
    axes = fig.subplots(rows, 2, squeeze=False).ravel()
    nobody = {g: _off_duty(first.groups[g].get("engineers_on_duty")) for g in groups if g in first.groups}
    everyone_off = np.logical_and.reduce(list(nobody.values())) if nobody else np.zeros(int(WEEK), dtype=bool)
    for ax, (metric, group, title, label, scale) in zip(axes, panels):
        _shade(ax, nobody.get(group, everyone_off) if group else everyone_off)
        for v in variants:
            profile = data[v]
            values = (profile.groups.get(group, {}).get(metric) if group else getattr(profile, metric))
            if values is not None:
                band_line(ax, Series(np.arange(int(WEEK)) + 0.5, values), styles[v], scale, markevery=24)
        _week_axis(ax)
        ax.set_title(title, loc="left")
        ax.set_ylabel(label)
        ax.set_ylim(0, 104 if metric == "utilization" else None)
    legend(fig, variants, styles)
    return to_svg(fig)


def _off_duty(on_duty: np.ndarray | None) -> np.ndarray:
    return np.zeros(int(WEEK), dtype=bool) if on_duty is None else ~(np.nan_to_num(on_duty) > 1e-9)


def _shade(ax: Axes, off: np.ndarray) -> None:
    """Grey spans over the hours of week nobody is on duty."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], off.astype(int), [0]])))
    for start, end in zip(edges[::2], edges[1::2]):
        ax.axvspan(start, end, color=OFF_DUTY, linewidth=0, zorder=0)


def _week_axis(ax: Axes) -> None:
    ax.set_xticks([24 * d + 12 for d in range(7)], DAYS)
    ax.set_xticks([24 * d for d in range(8)], minor=True)
    ax.grid(axis="x", which="major", visible=False)
    ax.grid(axis="x", which="minor", visible=True, color="#bbbbbb", linewidth=0.7)
    ax.tick_params(axis="x", which="major", length=0)
    ax.set_xlim(0, WEEK)


def backlog(results: Results, styles: dict[str, Style]) -> str | None:
    """Open tickets over the simulated time, one line per variant; the warm-up shaded."""
    data = results.backlog
    variants = [v for v in results.variants if v in data]
    if not variants:
        return None
    end = max(float(data[v].x.max()) for v in variants)
    unit, size = ("weeks", WEEK) if end > 6 * WEEK else ("days", 24.0) if end > 72 else ("hours", 1.0)
    fig = figure(10.0, 2.9)
    ax = fig.subplots()
    warmup = ((results.summary or {}).get("window") or {}).get("from")
    if warmup:
        ax.axvspan(0, warmup / size, color=OFF_DUTY, linewidth=0, zorder=0)
        ax.annotate("warm-up", (warmup / size, 1), xycoords=("data", "axes fraction"), xytext=(-3, -3),
                    textcoords="offset points", ha="right", va="top", fontsize=8, color="#666666")
    for v in variants:
        band_line(ax, data[v], styles[v], x_scale=size, markevery=max(1, len(data[v].x) // 12))
    ax.set_xlim(0, end / size)
    ax.set_ylim(bottom=0)
    scenario = results.scenario
    if scenario is not None and scenario.start is not None:  # dates people say, not hours since start
        ticks = ax.get_xticks()
        ticks = ticks[(ticks >= 0) & (ticks <= end / size)]
        ax.set_xticks(ticks, [wall_clock(scenario.origin, t * size).strftime("%d %b %Y" if size >= 24 else
                                                                             "%d %b %H:%M") for t in ticks])
        zone = f", {scenario.tz}" if scenario.tz else ""
        ax.set_xlabel(f"date (from {scenario.origin:%a %d %b %Y}{zone})")
    else:
        ax.set_xlabel(f"simulated time ({unit})")
    ax.set_ylabel("open tickets")
    legend(fig, variants, styles)
    return to_svg(fig)

"""Pictures that compare variants: what VIP gains against what the others pay, the time distributions and SLA
attainment.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .data import CDF_LEVELS, Estimate, Results
from .figures import short_duration
from .plots import LABELLED_POINTS, MUTED, Style, figure, legend, time_unit, to_svg


def tradeoff(results: Results, styles: dict[str, Style]) -> str | None:
    """Per variant, the VIP tickets' mean time (x) against the non-VIP tickets' (y), reaction and resolution."""
    variants = results.variants
    fig = figure(10.0, 3.9)
    axes = fig.subplots(1, 2)
    for ax, measure in zip(axes, ("reaction", "resolution")):
        points: dict[str, tuple[Estimate, Estimate]] = {}
        for v in variants:
            vip = results.estimate(v, "tiers", "vip", measure, "mean")
            non_vip = results.estimate(v, "tiers", "non_vip", measure, "mean")
            if vip is not None and non_vip is not None:
                points[v] = (vip, non_vip)
        if not points:
            return None
        xunit, xsize = time_unit(max(p[0].high or p[0].value for p in points.values()))
        yunit, ysize = time_unit(max(p[1].high or p[1].value for p in points.values()))
        for v, (x, y) in points.items():
            xerr = (None if x.low is None or x.high is None
                    else [[(x.value - x.low) / xsize], [(x.high - x.value) / xsize]])
            yerr = (None if y.low is None or y.high is None
                    else [[(y.value - y.low) / ysize], [(y.high - y.value) / ysize]])
            st = styles[v]
            ax.errorbar(x.value / xsize, y.value / ysize, xerr=xerr, yerr=yerr, color=st.colour, marker=st.marker,
                        markersize=7, capsize=2.5, linewidth=1.0, markeredgecolor="white", markeredgewidth=0.6,
                        zorder=3)
        base = results.baseline
        if base in points:
            ax.axvline(points[base][0].value / xsize, color=MUTED, linewidth=0.8, linestyle=":")
            ax.axhline(points[base][1].value / ysize, color=MUTED, linewidth=0.8, linestyle=":")
        xmax = max((p[0].high or p[0].value) for p in points.values()) / xsize
        ymax = max((p[1].high or p[1].value) for p in points.values()) / ysize
        ax.set_xlim(-0.04 * xmax, 1.22 * xmax or 1)
        ax.set_ylim(0, 1.12 * ymax or 1)
        whiskers = [((x.low or x.value) / xsize, (y.low or y.value) / ysize, (x.high or x.value) / xsize,
                     (y.high or y.value) / ysize) for x, y in points.values()]
        if len(points) <= LABELLED_POINTS:
            _label_points(fig, ax, {v: (x.value / xsize, y.value / ysize) for v, (x, y) in points.items()}, styles,
                          whiskers)
        ax.set_xlabel(f"VIP mean {measure} time ({xunit})")
        ax.set_ylabel(f"non-VIP mean {measure} time ({yunit})")
        ax.set_title(f"{measure.capitalize()}: left = faster for VIP, low = cheaper for the others", loc="left",
                     fontsize=9.5)
    if len(variants) > LABELLED_POINTS:  # too many names to write next to the points: a key instead
        legend(fig, variants, styles, points=True)
    return to_svg(fig)


def _label_points(fig: Figure, ax: Axes, points: dict[str, tuple[float, float]], styles: dict[str, Style],
                  whiskers: Sequence[tuple[float, float, float, float]] = ()) -> None:
    """Name each point next to it, trying a few positions so that names cover neither each other nor points
    nor their whiskers (x0, y0, x1, y1 in data units). Positions are measured on the laid-out figure (one
    draw), so this works at any size."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    pixel = {v: ax.transData.transform(xy) for v, xy in points.items()}
    taken = [(px - 6, py - 6, px + 6, py + 6) for px, py in pixel.values()]
    for x0, y0, x1, y1 in whiskers:
        (a, b), (c, d) = ax.transData.transform((x0, y0)), ax.transData.transform((x1, y1))
        cx, cy = (a + c) / 2, (b + d) / 2
        taken += [(a, cy - 2, c, cy + 2), (cx - 2, b, cx + 2, d)]  # the horizontal and the vertical whisker
    frame = ax.get_window_extent(renderer)
    positions = [(7, 2, "left"), (7, -12, "left"), (-7, 2, "right"), (-7, -12, "right"), (0, 8, "center"),
                 (0, -20, "center"), (9, 12, "left"), (9, -22, "left"), (-9, 12, "right"), (-9, -22, "right")]
    for v in sorted(points, key=lambda v: (pixel[v][0], pixel[v][1])):
        best: tuple[int, Any, tuple[float, float, float, float]] | None = None
        for dx, dy, ha in positions:
            label = ax.annotate(v, points[v], xytext=(dx, dy), textcoords="offset points", fontsize=8,
                                color=styles[v].colour, ha=ha, va="bottom", fontweight="bold")
            label.set_in_layout(False)
            extent = label.get_window_extent(renderer)
            box = (extent.x0, extent.y0, extent.x1, extent.y1)
            clashes = sum(not (box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3]) for b in taken)
            outside = box[0] < frame.x0 or box[2] > frame.x1 or box[1] < frame.y0 or box[3] > frame.y1
            score = 2 * clashes + int(outside)
            if best is None or score < best[0]:
                if best is not None:
                    best[1].remove()
                best = (score, label, box)
            else:
                label.remove()
            if score == 0:
                break
        assert best is not None  # positions is not empty
        taken.append(best[2])


# ---- distributions ---------------------------------------------------------------------------------------

def cdfs(results: Results, styles: dict[str, Style]) -> tuple[str, list[dict]] | None:
    """Reaction and resolution CDF per segment (rows) with one line per variant and the SLA target marked, each
    on the clock of the segment's target (named on the axis when it is a business clock). Returns the SVG and
    what it draws as data (per panel: segment, measure, clock, target and each variant's curve, in hours)."""
    segments = [s for s in results.segments if any(k[1] == s for k in results.distributions)]
    if not segments:
        return None
    variants = [v for v in results.variants if any(k[0] == v for k in results.distributions)]
    fig = figure(10.0, 0.6 + 2.55 * len(segments))
    axes = np.atleast_2d(fig.subplots(len(segments), 2, squeeze=False))
    p = CDF_LEVELS
    marks = np.linspace(30, len(p) - 30, 5).astype(int)
    plotted: list[dict] = []
    for row, segment in enumerate(segments):
        for col, measure in enumerate(("reaction", "resolution")):
            ax = axes[row, col]
            curves = {v: results.distributions[(v, segment, measure)] for v in variants
                      if results.distributions.get((v, segment, measure)) is not None}
            target = results.sla_target(segment, measure)
            clock = results.clock(segment, measure)
            plotted.append({"segment": segment, "measure": measure, "clock": clock, "target": target,
                            "curves": {v: {"hours": [0.0, *c.tolist()], "share": [0.0, *p.tolist()]}
                                       for v, c in curves.items()}})
            reach = max(float(c[int(0.99 * (len(p) - 1))]) for c in curves.values()) if curves else 1.0
            if target and target <= 2 * reach:  # show the target when it is near the curves, not squash them
                reach = max(reach, 1.1 * target)
            reach = max(reach, 1e-9)
            unit, size = time_unit(reach)
            for v, c in curves.items():
                st = styles[v]
                ax.plot(np.concatenate([[0.0], c / size]), np.concatenate([[0.0], 100 * p]), color=st.colour,
                        linestyle=st.linestyle, linewidth=1.5, marker=st.marker, markersize=4,
                        markevery=list(marks + 1),
                        drawstyle="steps-post")
            if target and target <= reach:
                ax.axvline(target / size, color="#b00020", linewidth=1.1, linestyle=(0, (4, 2)))
                ax.annotate(f"SLA {short_duration(target)}", (target / size, 4), xytext=(4, 0),
                            textcoords="offset points", color="#b00020", fontsize=8)
            elif target:
                ax.annotate(f"SLA {short_duration(target)} is off this scale →", (1, 0.04), xycoords="axes fraction",
                            ha="right", color="#b00020", fontsize=8)
            ax.set_xlim(0, reach / size)
            ax.set_ylim(0, 101)
            vip = " (VIP)" if segment in results.vip_segments else ""
            on = f" on the {clock} calendar" if clock else ""
            ax.set_title(f"{segment}{vip}: {measure} time{on}", loc="left")
            ax.set_xlabel(f"{measure} time ({unit}{f' of {clock} working time' if clock else ''})")
            ax.set_ylabel("tickets within (%)")
    legend(fig, variants, styles)
    return to_svg(fig), plotted


# ---- SLA attainment --------------------------------------------------------------------------------------

def sla_bars(results: Results, styles: dict[str, Style]) -> str | None:
    """Share of tickets within target per segment and measure, one bar per variant with its 95% interval."""
    categories = []
    for segment in results.segments:
        for measure in ("reaction", "resolution"):
            if any(results.estimate(v, "segments", segment, "sla", f"{measure}_met") for v in results.variants):
                categories.append((segment, measure))
    if not categories:
        return None
    variants = results.variants
    width = min(0.8 / len(variants), 0.4)
    fig = figure(10.0, 3.6)
    ax = fig.subplots()
    lowest = 100.0
    for i, v in enumerate(variants):
        st = styles[v]
        xs: list[float] = []
        ys: list[float] = []
        errs: list[list[float]] = [[], []]
        for j, (segment, measure) in enumerate(categories):
            e = results.estimate(v, "segments", segment, "sla", f"{measure}_met")
            if e is None:
                continue
            xs.append(j - 0.4 + width * (i + 0.5))
            ys.append(100 * e.value)
            errs[0].append(0 if e.low is None else 100 * max(e.value - e.low, 0))
            errs[1].append(0 if e.high is None else 100 * max(e.high - e.value, 0))
            lowest = min(lowest, 100 * e.value)
        ax.bar(xs, ys, width * 0.92, color=st.colour, hatch=st.hatch, edgecolor="white", linewidth=0.4,
               yerr=errs, error_kw={"elinewidth": 0.9, "capsize": 2, "ecolor": "#000000"}, label=v)
        if len(variants) <= 5:
            for x, y, up in zip(xs, ys, errs[1]):
                ax.annotate(f"{y:.0f}", (x, y + up), xytext=(0, 2), textcoords="offset points", ha="center",
                            fontsize=7)
    labels = []
    for segment, measure in categories:
        words = results.sla_words(segment, measure)
        within = f"within {words}" if words else ""
        labels.append(f"{segment}{' (VIP)' if segment in results.vip_segments else ''}\n{measure} {within}")
    ax.set_xticks(range(len(categories)), labels)
    ax.set_ylim(0, 104)
    ax.set_ylabel("tickets within SLA target (%)")
    ax.grid(axis="x", visible=False)
    ax.axhline(100, color=MUTED, linewidth=0.6)
    legend(fig, variants, styles, bars=True)
    return to_svg(fig)

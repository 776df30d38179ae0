"""The report's pictures: matplotlib (Agg, no display) rendered to inline SVG strings.

Every variant keeps one style everywhere (colour, line style, marker and bar hatch, from :func:`variant_styles`
keyed by the variant's position), so a reader who learns "blue dashed circles is vip-lane" once can read every
plot, printed in grayscale too. Axes say their unit; durations are shown in minutes, hours or days depending
on the range, like the tables.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .data import CDF_LEVELS, Results, Series  # noqa: E402
from .figures import short_duration  # noqa: E402
from .optional import parameter_value  # noqa: E402

# Okabe-Ito's colour-blind safe colours, then a few of Paul Tol's; neighbours differ in lightness too.
COLOURS = ["#1b1b1b", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#882255", "#999933",
           "#6b6b6b"]
LINESTYLES = ["-", "--", "-.", ":", (0, (6, 2)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2, 2, 2)),
              (0, (4, 4)), (0, (2, 3))]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "<", ">"]
HATCHES = ["", "///", "\\\\\\", "xxx", "...", "---", "+++", "ooo", "|||", "**"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
INK, GRID, MUTED = "#222222", "#d9d9d9", "#666666"
LABELLED_POINTS = 6  # up to this many variants, the trade-off plot names each point; beyond, it has a key


@dataclass(frozen=True)
class Style:
    colour: str
    linestyle: object
    marker: str
    hatch: str

    def line(self) -> dict:
        return {"color": self.colour, "linestyle": self.linestyle, "marker": self.marker, "markersize": 4.5,
                "linewidth": 1.6}


def variant_styles(variants: list[str]) -> dict[str, Style]:
    """One style per variant, by position: the same variant order always gives the same look."""
    n = len(COLOURS)
    return {v: Style(COLOURS[i % n], LINESTYLES[i % len(LINESTYLES)], MARKERS[i % len(MARKERS)],
                     HATCHES[i % len(HATCHES)]) for i, v in enumerate(variants)}


def time_unit(hours: float) -> tuple[str, float]:
    """(unit name, hours per unit) for an axis reaching ``hours``: minutes under 2 h, hours under 2 d, days."""
    if hours < 2:
        return "minutes", 1 / 60
    if hours < 48:
        return "hours", 1.0
    return "days", 24.0


_RC = {
    "font.size": 9, "axes.titlesize": 10, "axes.titleweight": "bold", "axes.labelsize": 9,
    "axes.edgecolor": "#888888", "axes.labelcolor": INK, "xtick.color": "#444444", "ytick.color": "#444444",
    "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True, "grid.color": GRID,
    "grid.linewidth": 0.6, "legend.frameon": False, "legend.fontsize": 8.5, "svg.fonttype": "path",
    "svg.hashsalt": "supportsim", "font.family": "DejaVu Sans", "hatch.linewidth": 0.7,
}


def figure(width: float, height: float) -> Figure:
    with plt.rc_context(_RC):
        return Figure(figsize=(width, height), layout="constrained")


def to_svg(fig: Figure) -> str:
    """The figure as an SVG element to paste into HTML: no XML prologue, DOCTYPE, metadata or namespace URLs,
    scaled by its container (width 100%) with its aspect ratio kept by the viewBox."""
    buffer = io.StringIO()
    with plt.rc_context(_RC):
        fig.savefig(buffer, format="svg", metadata={"Creator": None, "Date": None, "Format": None, "Type": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    svg = re.sub(r'<svg([^>]*?)\swidth="[^"]*"\s+height="[^"]*"', r'<svg\1 width="100%"', svg, count=1)
    svg = _PATH_DATA.sub(lambda m: _TRAILING_DIGITS.sub(r"\1", m.group(0)), svg)
    return svg.replace("<svg", '<svg role="img"', 1)


# Path coordinates to 1/100 point: invisible on screen and paper, and the page gets about a third smaller.
# Only inside path data: elsewhere small numbers (glyph scale factors) need every digit.
_PATH_DATA = re.compile(r' d="[^"]*"')
_TRAILING_DIGITS = re.compile(r"(\d\.\d\d)\d+")


def _legend(fig: Figure, variants: list[str], styles: dict[str, Style], bars: bool = False,
            points: bool = False) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if len(variants) < 2:  # one line needs no key
        return

    if bars:
        handles = [Patch(facecolor=styles[v].colour, edgecolor="white", hatch=styles[v].hatch, label=v) for v in variants]
    elif points:
        handles = [Line2D([], [], label=v, color=styles[v].colour, marker=styles[v].marker, linestyle="",
                          markersize=7) for v in variants]
    else:
        handles = [Line2D([], [], label=v, **styles[v].line()) for v in variants]
    fig.legend(handles=handles, loc="outside upper center", ncols=min(len(variants), 5), handlelength=3.2)


# ---- the trade-off: what VIP gains against what the others pay ------------------------------------------------

def tradeoff(results: Results, vip: str, other: str, styles: dict[str, Style]) -> str | None:
    """Per variant, the VIP segment's mean time (x) against another segment's (y), reaction and resolution."""
    variants = results.variants
    fig = figure(10.0, 3.9)
    axes = fig.subplots(1, 2)
    for ax, measure in zip(axes, ("reaction", "resolution")):
        points = {v: (results.estimate(v, "segments", vip, measure, "mean"),
                      results.estimate(v, "segments", other, measure, "mean")) for v in variants}
        points = {v: p for v, p in points.items() if p[0] is not None and p[1] is not None}
        if not points:
            return None
        xunit, xsize = time_unit(max(p[0].high or p[0].value for p in points.values()))
        yunit, ysize = time_unit(max(p[1].high or p[1].value for p in points.values()))
        for v, (x, y) in points.items():
            xerr = None if x.low is None else [[(x.value - x.low) / xsize], [(x.high - x.value) / xsize]]
            yerr = None if y.low is None else [[(y.value - y.low) / ysize], [(y.high - y.value) / ysize]]
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
        ax.set_xlabel(f"{vip} (VIP) mean {measure} time ({xunit})")
        ax.set_ylabel(f"{other} mean {measure} time ({yunit})")
        ax.set_title(f"{measure.capitalize()}: left = faster for VIP, low = cheaper for {other}", loc="left",
                     fontsize=9.5)
    if len(variants) > LABELLED_POINTS:  # too many names to write next to the points: a key instead
        _legend(fig, variants, styles, points=True)
    return to_svg(fig)


def _label_points(fig: Figure, ax, points: dict[str, tuple[float, float]], styles: dict[str, Style],
                  whiskers: list[tuple[float, float, float, float]] = ()) -> None:
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
        best = None
        for dx, dy, ha in positions:
            label = ax.annotate(v, points[v], xytext=(dx, dy), textcoords="offset points", fontsize=8,
                                color=styles[v].colour, ha=ha, va="bottom", fontweight="bold")
            label.set_in_layout(False)
            box = label.get_window_extent(renderer)
            box = (box.x0, box.y0, box.x1, box.y1)
            clashes = sum(not (box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3]) for b in taken)
            outside = box[0] < frame.x0 or box[2] > frame.x1 or box[1] < frame.y0 or box[3] > frame.y1
            score = 2 * clashes + outside
            if best is None or score < best[0]:
                if best is not None:
                    best[1].remove()
                best = (score, label, box)
            else:
                label.remove()
            if score == 0:
                break
        taken.append(best[2])


# ---- distributions ---------------------------------------------------------------------------------------

def cdfs(results: Results, styles: dict[str, Style]) -> str | None:
    """Reaction and resolution CDF per segment (rows) with one line per variant and the SLA target marked."""
    segments = [s for s in results.segments if any(k[1] == s for k in results.distributions)]
    if not segments:
        return None
    variants = [v for v in results.variants if any(k[0] == v for k in results.distributions)]
    fig = figure(10.0, 0.6 + 2.55 * len(segments))
    axes = np.atleast_2d(fig.subplots(len(segments), 2, squeeze=False))
    p = CDF_LEVELS
    marks = np.linspace(30, len(p) - 30, 5).astype(int)
    for row, segment in enumerate(segments):
        for col, measure in enumerate(("reaction", "resolution")):
            ax = axes[row, col]
            curves = {v: results.distributions.get((v, segment, measure)) for v in variants}
            curves = {v: c for v, c in curves.items() if c is not None}
            target = results.sla_target(segment, measure)
            reach = max(float(c[int(0.99 * (len(p) - 1))]) for c in curves.values()) if curves else 1.0
            if target and target <= 2 * reach:  # show the target when it is near the curves, not squash them
                reach = max(reach, 1.1 * target)
            reach = max(reach, 1e-9)
            unit, size = time_unit(reach)
            for v, c in curves.items():
                st = styles[v]
                ax.plot(np.concatenate([[0.0], c / size]), np.concatenate([[0.0], 100 * p]), color=st.colour,
                        linestyle=st.linestyle, linewidth=1.5, marker=st.marker, markersize=4, markevery=list(marks + 1),
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
            ax.set_title(f"{segment}{vip}: {measure} time", loc="left")
            ax.set_xlabel(f"{measure} time ({unit})")
            ax.set_ylabel("tickets within (%)")
    _legend(fig, variants, styles)
    return to_svg(fig)


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
        xs, ys, errs = [], [], [[], []]
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
        target = results.sla_target(segment, measure)
        within = f"within {short_duration(target)}" if target else ""
        labels.append(f"{segment}{' (VIP)' if segment in results.vip_segments else ''}\n{measure} {within}")
    ax.set_xticks(range(len(categories)), labels)
    ax.set_ylim(0, 104)
    ax.set_ylabel("tickets within SLA target (%)")
    ax.grid(axis="x", visible=False)
    ax.axhline(100, color=MUTED, linewidth=0.6)
    _legend(fig, variants, styles, bars=True)
    return to_svg(fig)


# ---- time profiles ---------------------------------------------------------------------------------------

def hour_of_week(results: Results, styles: dict[str, Style]) -> str | None:
    """Per group (rows): utilization and queue length over the hours of the week, one line per variant."""
    data = results.hour_of_week
    groups = [g for g in results.groups if any(g in data[v] for v in data)]
    groups += sorted({g for v in data for g in data[v]} - set(groups))
    if not groups:
        return None
    variants = [v for v in results.variants if v in data]
    fig = figure(10.0, 0.6 + 2.3 * len(groups))
    axes = fig.subplots(len(groups), 2, squeeze=False)
    for row, group in enumerate(groups):
        for col, (metric, label, scale) in enumerate((("utilization", "utilization (%)", 100.0),
                                                     ("queue_length", "tickets waiting", 1.0))):
            ax = axes[row, col]
            length = 0
            for v in variants:
                series = data[v].get(group, {}).get(metric)
                if series is None:
                    continue
                _band_line(ax, series, styles[v], scale, markevery=12)
                length = max(length, len(series.value))
            _week_axis(ax, length)
            ax.set_ylabel(label)
            ax.set_ylim(bottom=0)
            period = {168: " by hour of week", 24: " by hour of day"}.get(length, " by hour")
            ax.set_title(f"{group}: {metric.replace('_', ' ')}{period}", loc="left")
    _legend(fig, variants, styles)
    return to_svg(fig)


def _week_axis(ax, length: int) -> None:
    if length > 24 and length % 24 == 0:
        days = length // 24
        ax.set_xticks([24 * d + 12 for d in range(days)], [DAYS[d % 7] for d in range(days)])
        ax.set_xticks([24 * d for d in range(days + 1)], minor=True)
        ax.grid(axis="x", which="major", visible=False)
        ax.grid(axis="x", which="minor", visible=True, color="#bbbbbb", linewidth=0.7)
        ax.tick_params(axis="x", which="major", length=0)
        ax.set_xlabel("hour of week (Monday 00:00 first)")
    elif length == 24:
        ax.set_xticks(range(0, 25, 3))
        ax.set_xlabel("hour of day")
    else:
        ax.set_xlabel("hour")
    ax.set_xlim(0, max(length, 1))


def _band_line(ax, series: Series, st: Style, scale: float = 1.0, x_scale: float = 1.0, markevery=None) -> None:
    x = series.x / x_scale
    ax.plot(x, series.value * scale, color=st.colour, linestyle=st.linestyle, linewidth=1.4, marker=st.marker,
            markersize=4, markevery=markevery or max(1, len(x) // 8))
    if series.low is not None and series.high is not None:
        ax.fill_between(x, series.low * scale, series.high * scale, color=st.colour, alpha=0.15, linewidth=0)


def backlog(results: Results, styles: dict[str, Style]) -> str | None:
    """Open tickets over simulated time, one line per variant (one panel per series: all, or per group)."""
    data = results.backlog
    names = []
    for v in data:
        names += [n for n in data[v] if n not in names]
    if not names:
        return None
    names = names[:6]
    variants = [v for v in results.variants if v in data]
    fig = figure(10.0, 0.6 + 2.6 * math.ceil(len(names) / 2))
    axes = fig.subplots(math.ceil(len(names) / 2), 1 if len(names) == 1 else 2, squeeze=False).ravel()
    end = max(float(s.x.max()) for v in data for s in data[v].values() if len(s.x))
    unit, size = ("weeks", 168.0) if end > 24 * 7 * 6 else ("days", 24.0) if end > 72 else ("hours", 1.0)
    for ax, name in zip(axes, names):
        for v in variants:
            if name in data[v]:
                _band_line(ax, data[v][name], styles[v], x_scale=size)
        ax.set_xlabel(f"simulated time ({unit})")
        ax.set_ylabel("open tickets")
        ax.set_ylim(bottom=0)
        ax.set_title("Backlog: all groups" if name == "all" else f"Backlog: {name}", loc="left")
    for ax in axes[len(names):]:
        ax.set_visible(False)
    _legend(fig, variants, styles)
    return to_svg(fig)


# ---- sweeps ----------------------------------------------------------------------------------------------

def sweep(results: Results, panels: list[tuple[str, str, str, str]], styles: dict[str, Style]) -> tuple[str, str] | None:
    """Each chosen (scope, metric, statistic) against the first swept parameter, one line per variant with a
    95% band. Up to three values of the other swept parameters become columns (with fewer metrics); beyond
    that the others stay at their first value. Returns the SVG and a sentence on what is held fixed."""
    rows = results.sweep or []
    params = results.sweep_parameters
    if not rows or not params or not panels:
        return None
    x_param, others = params[0], params[1:]
    combos = sorted({tuple(r["point"][p] for p in others) for r in rows}, key=lambda c: [_sort_key(v) for v in c])
    held = ""
    if len(combos) > 3:
        held = "Other parameters held at " + ", ".join(f"{p} = {v}" for p, v in zip(others, combos[0])) + "."
        combos = combos[:1]
    if len(combos) == 1:
        ncols = min(3, len(panels))
        grid = [(panel, combos[0]) for panel in panels]
    else:
        ncols = len(combos)
        grid = [(panel, combo) for panel in panels[:{2: 4, 3: 3}[len(combos)]] for combo in combos]
    nrows = math.ceil(len(grid) / ncols)
    variants = [v for v in results.variants if any(r["variant"] == v for r in rows)]
    fig = figure(10.0, 0.7 + 2.2 * nrows)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, ((scope, metric, statistic, label), combo) in zip(axes, grid):
        chosen = [r for r in rows if (r["scope"], r["metric"], r["statistic"]) == (scope, metric, statistic)
                  and tuple(r["point"][p] for p in others) == combo]
        is_time = metric in ("reaction", "resolution", "queue_wait", "time_in_group")
        is_share = metric in ("sla", "utilization")
        reach = max([abs(r["value"]) for r in chosen] + [1e-9])
        unit, size = time_unit(reach) if is_time else ("percent", 0.01) if is_share else ("value", 1.0)
        for v in variants:
            line = sorted((r for r in chosen if r["variant"] == v), key=lambda r: _sort_key(r["point"][x_param]))
            if not line:
                continue
            xs = [parameter_value(r["point"][x_param]) for r in line]
            numeric = all(isinstance(x, float) for x in xs)
            positions = np.array(xs, dtype=float) if numeric else np.arange(len(xs), dtype=float)
            series = Series(positions, np.array([r["value"] for r in line]) / size,
                            np.array([r["low"] for r in line]) / size, np.array([r["high"] for r in line]) / size)
            if not np.isfinite(series.low).any():
                series.low = series.high = None
            _band_line(ax, series, styles[v], markevery=1)
            if not numeric:
                ax.set_xticks(positions, [r["point"][x_param] for r in line])
        ax.set_xlabel(x_param + (" (hours)" if _is_duration_param(rows, x_param) else ""))
        ax.set_ylabel(unit)
        where = ", ".join(f"{p} = {c}" for p, c in zip(others, combo)) if len(combos) > 1 else ""
        ax.set_title(label + (f"\n{where}" if where else ""), loc="left", fontsize=9)
        if is_share:
            ax.set_ylim(top=min(ax.get_ylim()[1], 101))
    for ax in axes[len(grid):]:
        ax.set_visible(False)
    _legend(fig, variants, styles)
    return to_svg(fig), held


def _sort_key(value: str):
    parsed = parameter_value(value)
    return (0, parsed, "") if isinstance(parsed, float) else (1, 0.0, parsed)


def _is_duration_param(rows: list[dict], param: str) -> bool:
    values = {r["point"][param] for r in rows}
    try:
        return all(not _plain_float(v) for v in values) and all(isinstance(parameter_value(v), float) for v in values)
    except ValueError:
        return False


def _plain_float(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False

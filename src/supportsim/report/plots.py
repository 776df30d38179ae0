"""What every picture of the report shares: matplotlib (Agg, no display) rendered to inline SVG strings.

The pictures themselves live by concern: comparisons.py (trade-off, distributions, SLA attainment),
timeplots.py (the week, backlog over time) and sweepplots.py.

Every variant keeps one style everywhere (colour, line style, marker and bar hatch, from :func:`variant_styles`
keyed by the variant's position), so a reader who learns "blue dashed circles is vip-lane" once can read every
plot, printed in grayscale too. Axes say their unit; durations are shown in minutes, hours or days depending
on the range, like the tables.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["text.parse_math"] = False  # names in labels are text: '$a$' or 'a^b' must not become TeX
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .data import Series  # noqa: E402

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


_RC: dict[Any, Any] = {  # matplotlib types the keys as a Literal of every rc name
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


def legend(fig: Figure, variants: list[str], styles: dict[str, Style], bars: bool = False,
            points: bool = False) -> None:
    from matplotlib.artist import Artist
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Artist]

    if len(variants) < 2:  # one line needs no key
        return

    if bars:
        handles = [Patch(facecolor=styles[v].colour, edgecolor="white", hatch=styles[v].hatch, label=v)
                   for v in variants]
    elif points:
        handles = [Line2D([], [], label=v, color=styles[v].colour, marker=styles[v].marker, linestyle="",
                          markersize=7) for v in variants]
    else:
        handles = [Line2D([], [], label=v, **styles[v].line()) for v in variants]
    fig.legend(handles=handles, loc="outside upper center", ncols=min(len(variants), 5), handlelength=3.2)


def band_line(ax: Axes, series: Series, st: Style, scale: float = 1.0, x_scale: float = 1.0,
              markevery: int | None = None) -> None:
    x = series.x / x_scale
    ax.plot(x, series.value * scale, color=st.colour, linestyle=st.linestyle, linewidth=1.4, marker=st.marker,
            markersize=4, markevery=markevery or max(1, len(x) // 8))
    if series.low is not None and series.high is not None:
        ax.fill_between(x, series.low * scale, series.high * scale, color=st.colour, alpha=0.15, linewidth=0)

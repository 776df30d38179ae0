"""A sweep: each figure against the swept parameter, one line per variant with its confidence band.
"""

from __future__ import annotations

import math

import numpy as np

from .data import Results, Series
from .optional import parameter_value
from .plots import Style, band_line, figure, legend, time_unit, to_svg


def sweep(results: Results, panels: list[tuple[str, str, str, str]],
          styles: dict[str, Style]) -> tuple[str, str] | None:
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
            if series.low is not None and not np.isfinite(series.low).any():
                series.low = series.high = None
            band_line(ax, series, styles[v], markevery=1)
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
    legend(fig, variants, styles)
    return to_svg(fig), held


def _sort_key(value: str) -> tuple[int, float, str]:
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

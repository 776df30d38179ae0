"""A sweep: each figure against the swept parameter, one line per variant (and per policy, when the policy is
swept) with its confidence band, and the target's required share drawn on SLA panels. Every combination of
further swept keys is drawn, as columns of panels when there are a few, else as lines of their own.

What is drawn is also returned as plain data (panel title, x values, one list of values per line), which the
report embeds next to the figure so that tests and readers can check the plot against sweep.csv.
"""

from __future__ import annotations

import math

import numpy as np

from ..grid import short_names
from .data import Results, Series
from .optional import parameter_value
from .plots import Style, band_line, figure, legend, time_unit, to_svg, variant_styles

POLICY_PATHS = ("policy.kind", "policy")
"""Swept key paths that name the queue policy: each of their values gets its own line, not a panel."""


def line_parameter(params: list[str]) -> str | None:
    """The swept parameter drawn as lines (the policy, group policies included), if one is swept."""
    for p in params:
        if p in POLICY_PATHS or p.endswith(".policy.kind") or p.endswith(".policy"):
            return p
    return None


COLUMNS = 3
"""Up to this many combinations of the further swept keys are columns of panels (small multiples); beyond,
each combination is a line of its own in every panel, so that no swept value is left out."""


def sweep(results: Results, panels: list[tuple[str, str, str, str]], styles: dict[str, Style],
          attain: dict[tuple[str, str], float] | None = None) -> tuple[str, str, list[dict]] | None:
    """Each chosen (scope, metric, statistic) against the first swept parameter, one line per variant (and per
    policy, when the policy is swept) with a 95% band. Every combination of the further swept parameters is
    drawn: up to ``COLUMNS`` of them as columns (with fewer metrics), more as one line per combination.
    Returns the SVG, a sentence saying what the lines and columns are, and the plotted data."""
    rows = results.sweep or []
    by_line = line_parameter(results.sweep_parameters)
    params = [p for p in results.sweep_parameters if p != by_line] or results.sweep_parameters
    if not rows or not params or not panels:
        return None
    x_param, others = params[0], [p for p in params[1:] if p != by_line]
    short = short_names(results.sweep_parameters)
    combos = sorted({tuple(r["point"][p] for p in others) for r in rows}, key=lambda c: [_sort_key(v) for v in c])
    folded = len(combos) > COLUMNS            # the combinations are lines, not columns
    columns: list[tuple[str, ...]] = [()] if folded else combos
    line_combos: list[tuple[str, ...] | None] = list(combos) if folded else [None]
    if len(columns) == 1:
        ncols = min(3, len(panels))
        grid = [(panel, columns[0]) for panel in panels]
    else:
        ncols = len(columns)
        grid = [(panel, combo) for panel in panels[:{2: 4, 3: 3}[len(columns)]] for combo in columns]
    nrows = math.ceil(len(grid) / ncols)
    variants = [v for v in results.variants if any(r["variant"] == v for r in rows)]
    policies = sorted({r["point"][by_line] for r in rows}) if by_line and by_line != x_param else [None]

    def where(combo: tuple[str, ...]) -> str:
        return ", ".join(f"{short[p]}={c}" for p, c in zip(others, combo))

    def line_name(variant: str, policy: str | None, combo: tuple[str, ...] | None) -> str:
        parts = [variant] if len(variants) > 1 or (policy is None and combo is None) else []
        return ", ".join([*parts, *([policy] if policy is not None else []),
                          *([where(combo)] if combo is not None else [])])

    lines = [(v, p, c) for v in variants for p in policies for c in line_combos]
    names = [line_name(*line) for line in lines]
    if policies != [None] or folded:
        styles = variant_styles(names)
    plotted: list[dict] = []
    fig = figure(10.0, 0.7 + 2.2 * nrows + 0.22 * max(0, math.ceil(len(names) / 5) - 1))  # legend rows
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, ((scope, metric, statistic, label), column) in zip(axes, grid):
        chosen = [r for r in rows if (r["scope"], r["metric"], r["statistic"]) == (scope, metric, statistic)]
        is_time = metric in ("reaction", "resolution", "queue_wait", "time_in_group")
        is_share = metric in ("sla", "utilization")
        reach = max([abs(r["value"]) for r in chosen] + [1e-9])
        unit, size = time_unit(reach) if is_time else ("percent", 0.01) if is_share else ("value", 1.0)
        drawn: dict[str, dict] = {}
        for (v, policy, line_combo), name in zip(lines, names):
            combo = column if line_combo is None else line_combo
            line = sorted((r for r in chosen if r["variant"] == v and tuple(r["point"][p] for p in others) == combo
                           and (policy is None or r["point"][by_line] == policy)),
                          key=lambda r: _sort_key(r["point"][x_param]))
            if not line:
                continue
            xs = [parameter_value(r["point"][x_param]) for r in line]
            numeric = all(isinstance(x, float) for x in xs)
            positions = np.array(xs, dtype=float) if numeric else np.arange(len(xs), dtype=float)
            series = Series(positions, np.array([r["value"] for r in line]) / size,
                            np.array([r["low"] for r in line]) / size, np.array([r["high"] for r in line]) / size)
            if series.low is not None and not np.isfinite(series.low).any():
                series.low = series.high = None
            band_line(ax, series, styles[name], markevery=1)
            drawn[name] = {"x": [r["point"][x_param] for r in line], "value": series.value.tolist(),
                           "low": None if series.low is None else series.low.tolist(),
                           "high": None if series.high is None else series.high.tolist(),
                           "where": dict(zip(others, combo)), **({"policy": policy} if policy is not None else {})}
            if not numeric:
                ax.set_xticks(positions, [r["point"][x_param] for r in line])
        target = (attain or {}).get((scope, statistic.removesuffix("_met"))) if metric == "sla" else None
        if target is not None:
            ax.axhline(target * 100, color="0.25", linestyle=(0, (4, 3)), linewidth=1.0)
            ax.annotate(f"target {target:.0%}", (0.01, target * 100), xycoords=("axes fraction", "data"),
                        fontsize=8, va="bottom", color="0.25")
        plotted.append({"panel": label, "x_parameter": x_param, "unit": unit, "lines": drawn,
                        "where": dict(zip(others, column)), "target": None if target is None else target * 100})
        ax.set_xlabel(x_param + (" (hours)" if _is_duration_param(rows, x_param) else ""))
        ax.set_ylabel(unit)
        title = where(column) if len(columns) > 1 else ""
        ax.set_title(label + (f"\n{title}" if title else ""), loc="left", fontsize=9)
        if is_share:
            ax.set_ylim(top=min(ax.get_ylim()[1], 101))
    for ax in axes[len(grid):]:
        ax.set_visible(False)
    legend(fig, names, styles)
    per = ([f"{by_line} value"] if policies != [None] else []) + \
        ([f"combination of {', '.join(others)}"] if folded else [])
    if len(variants) > 1 or not per:
        per.insert(0, "variant")
    how = f"one line per {' and '.join(per)}" + (f"; a column per combination of {', '.join(others)}"
                                                 if len(columns) > 1 else "")
    return to_svg(fig), how, plotted


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

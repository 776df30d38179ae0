"""A sweep: each figure against the swept parameter, one line per variant (and per policy, when the policy is
swept) with its confidence band, and the target's required share drawn on SLA panels.

What is drawn is also returned as plain data (panel title, x values, one list of values per line), which the
report embeds next to the figure so that tests and readers can check the plot against sweep.csv.
"""

from __future__ import annotations

import math

import numpy as np

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


def sweep(results: Results, panels: list[tuple[str, str, str, str]], styles: dict[str, Style],
          attain: dict[tuple[str, str], float] | None = None) -> tuple[str, str, list[dict]] | None:
    """Each chosen (scope, metric, statistic) against the first swept parameter, one line per variant with a
    95% band. Up to three values of the other swept parameters become columns (with fewer metrics); beyond
    that the others stay at their first value. Returns the SVG and a sentence on what is held fixed."""
    rows = results.sweep or []
    by_line = line_parameter(results.sweep_parameters)
    params = [p for p in results.sweep_parameters if p != by_line] or results.sweep_parameters
    if not rows or not params or not panels:
        return None
    x_param, others = params[0], [p for p in params[1:] if p != by_line]
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
    policies = sorted({r["point"][by_line] for r in rows}) if by_line and by_line != x_param else [None]

    def line_name(variant: str, policy: str | None) -> str:
        return variant if policy is None else policy if len(variants) == 1 else f"{variant}, {policy}"

    names = [line_name(v, p) for v in variants for p in policies]
    if policies != [None]:
        styles = variant_styles(names)
    plotted: list[dict] = []
    fig = figure(10.0, 0.7 + 2.2 * nrows)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, ((scope, metric, statistic, label), combo) in zip(axes, grid):
        chosen = [r for r in rows if (r["scope"], r["metric"], r["statistic"]) == (scope, metric, statistic)
                  and tuple(r["point"][p] for p in others) == combo]
        is_time = metric in ("reaction", "resolution", "queue_wait", "time_in_group")
        is_share = metric in ("sla", "utilization")
        reach = max([abs(r["value"]) for r in chosen] + [1e-9])
        unit, size = time_unit(reach) if is_time else ("percent", 0.01) if is_share else ("value", 1.0)
        drawn: dict[str, dict] = {}
        for v, policy in ((v, p) for v in variants for p in policies):
            line = sorted((r for r in chosen if r["variant"] == v
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
            band_line(ax, series, styles[line_name(v, policy)], markevery=1)
            drawn[line_name(v, policy)] = {"x": [r["point"][x_param] for r in line], "value": series.value.tolist(),
                                           "low": None if series.low is None else series.low.tolist(),
                                           "high": None if series.high is None else series.high.tolist()}
            if not numeric:
                ax.set_xticks(positions, [r["point"][x_param] for r in line])
        target = (attain or {}).get((scope, statistic.removesuffix("_met"))) if metric == "sla" else None
        if target is not None:
            ax.axhline(target * 100, color="0.25", linestyle=(0, (4, 3)), linewidth=1.0)
            ax.annotate(f"target {target:.0%}", (0.01, target * 100), xycoords=("axes fraction", "data"),
                        fontsize=8, va="bottom", color="0.25")
        plotted.append({"panel": label, "x_parameter": x_param, "unit": unit, "lines": drawn,
                        "where": dict(zip(others, combo)), "target": None if target is None else target * 100})
        ax.set_xlabel(x_param + (" (hours)" if _is_duration_param(rows, x_param) else ""))
        ax.set_ylabel(unit)
        where = ", ".join(f"{p} = {c}" for p, c in zip(others, combo)) if len(combos) > 1 else ""
        ax.set_title(label + (f"\n{where}" if where else ""), loc="left", fontsize=9)
        if is_share:
            ax.set_ylim(top=min(ax.get_ylim()[1], 101))
    for ax in axes[len(grid):]:
        ax.set_visible(False)
    legend(fig, names, styles)
    return to_svg(fig), held, plotted


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

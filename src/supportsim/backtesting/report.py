"""backtest.html: each week's actual figure against the simulation's prediction interval, in one self-contained
page (the report's stylesheet and figure helpers: matplotlib rendered to inline SVG)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..fitting.report import EXTRA_CSS as FIT_CSS
from ..fitting.report import _e, _table
from ..report.plots import COLOURS, MUTED, figure, time_unit, to_svg
from ..report.style import CSS
from .figures import METRICS
from .output import LABELS, _show, scopes

if TYPE_CHECKING:
    from .result import BacktestResult

EXTRA_CSS = FIT_CSS + 'h1::after { content: " · backtest"; }\n'  # the fit report's tables, our own title


def render(r: BacktestResult) -> str:
    cov = r.coverage()
    share = "no week figure to compare" if cov["share"] is None else (
        f"{cov['inside']} of {cov['weeks']} week figures ({cov['share']:.0%}, 95% CI {cov['low']:.0%} to "
        f"{cov['high']:.0%}) fell inside their {r.level:.0%} prediction interval")
    meta = (f'<p class="meta">Split at {_e(r.split_start)}; {len(r.week_starts)} week(s) after it; scenario '
            f'{_e(r.source)}; arrivals {"replayed from the export" if r.replay else "simulated"}; '
            f'{r.replications} replications, seed {r.scenario.seed}.</p>')
    parts = [f"<h1>{_e(r.export)}</h1>", meta, (f"<h2>Coverage</h2><p>{_e(share)}. A model that is right puts "
             f"about {r.level:.0%} of weeks inside; far fewer means the plan's figures are too sure of "
             "themselves (or wrong).</p>"), _coverage_table(r), _backlog(r)]
    parts += [_metric_figure(r, m) for m in METRICS if not np.isnan(r.actual[..., METRICS.index(m)]).all()]
    parts.append(_cells(r))
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>backtest: "
            f"{_e(r.export)}</title><style>{CSS}{EXTRA_CSS}</style></head><body><main>"
            + "".join(p for p in parts if p) + "</main></body></html>\n")


def _coverage_table(r: BacktestResult) -> str:
    rows = []
    for metric in METRICS:
        c = r.coverage(metric)
        if c["weeks"]:
            rows.append([LABELS[metric], f"{c['inside']} of {c['weeks']}", f"{c['share']:.0%}"])
    return _table(["figure", "weeks inside", "share"], rows)


def _backlog(r: BacktestResult) -> str:
    rows = [[g, c["queued"], c["working"]] for g, c in r.backlog_groups.items()]
    text = (f"<h2>Backlog at the split</h2><p>{len(r.backlog)} tickets open at {_e(r.split_start)} start the "
            f"simulation where they were (ages and work done as the export shows); {r.history.waiting} waiting on "
            "the customer are not simulated.</p>")
    return text + (_table(["group", "queued", "in work"], rows) if rows else "")


def _metric_figure(r: BacktestResult, metric: str) -> str:
    m = METRICS.index(metric)
    names = scopes(r)
    fig = figure(10, 3.1)
    axes = fig.subplots(1, len(names), sharey=True, squeeze=False)[0]
    share = metric.endswith("_sla")
    finite = np.concatenate([a[..., m][np.isfinite(a[..., m])] for a in (r.actual, r.low, r.high)])
    unit, per = ("share", 1.0) if share else time_unit(float(finite.max()) if len(finite) else 1.0)
    top = float(finite.max()) / per * 1.08 if len(finite) else 1.0
    weeks = np.arange(1, len(r.week_starts) + 1)
    for s, (ax, name) in enumerate(zip(axes, names)):
        low, high = r.low[:, s, m] / per, r.high[:, s, m] / per
        mid, actual = r.middle[:, s, m] / per, r.actual[:, s, m] / per
        shown = ~np.isnan(low)
        ax.vlines(weeks[shown], low[shown], np.minimum(high[shown], top), color=COLOURS[1], linewidth=5, alpha=0.35,
                  label=f"{r.level:.0%} prediction interval")
        ax.plot(weeks[shown], np.minimum(mid[shown], top), "_", color=COLOURS[1], markersize=10,
                label="simulated median")
        hit = r.hits[:, s, m]
        for ok, colour, marker, label in ((1.0, COLOURS[0], "o", "actual, inside"),
                                          (0.0, COLOURS[2], "X", "actual, outside")):
            chosen = hit == ok
            ax.plot(weeks[chosen], np.minimum(actual[chosen], top), marker, color=colour, markersize=6, linestyle="",
                    label=label)
        ax.set_title(name)
        ax.set_xticks(weeks)
        ax.set_xlabel("week after the split")
        ax.set_ylim(bottom=0, top=top if math.isfinite(top) and top > 0 else None)
        ax.set_xlim(0.5, len(weeks) + 0.5)
    axes[0].set_ylabel(unit)
    handles, labels = axes[-1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels))
    caption = (f"{LABELS[metric]} per week, by segment: the bar is the spread of that week's figure over "
               f"{r.replications} replications, the dot what happened. Values beyond the axis (tickets still open "
               "when the export ends) are drawn at its top.")
    return (f"<h2>{_e(LABELS[metric])}</h2><figure>{to_svg(fig)}<figcaption style=\"color:{MUTED}\">"
            f"{_e(caption)}</figcaption></figure>")


def _cells(r: BacktestResult) -> str:
    rows = []
    for w, start in enumerate(r.week_starts):
        for s, name in enumerate(scopes(r)):
            for m, metric in enumerate(METRICS):
                a = r.actual[w, s, m]
                if math.isnan(a):
                    continue
                hit = r.hits[w, s, m]
                rows.append([start, name, LABELS[metric], _show(metric, a),
                             f"{_show(metric, r.low[w, s, m])} to {_show(metric, r.high[w, s, m])}",
                             _show(metric, r.middle[w, s, m]), "-" if math.isnan(hit) else ("yes" if hit else "NO")])
    return "<h2>Every week figure</h2>" + _table(["week from", "segment", "figure", "actual", "interval",
                                                  "simulated median", "inside"], rows)

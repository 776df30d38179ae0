"""fit-report.html: what was read, what was fitted and how well, in one self-contained page.

Uses the simulation report's stylesheet and figure helpers (matplotlib rendered to inline SVG), so the two
pages look alike and need nothing but a browser.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..report.plots import COLOURS, MUTED, figure, to_svg
from ..report.style import CSS
from ..report.timeplots import _week_axis
from . import families

if TYPE_CHECKING:
    from .result import FitResult

EXTRA_CSS = """
h1::after { content: " · fit report"; }
table.fit { border-collapse: collapse; margin: 6px 0 12px; font-size: 0.92rem; }
table.fit th, table.fit td { border-bottom: 1px solid var(--line); padding: 3px 10px; text-align: right; }
table.fit th:first-child, table.fit td:first-child { text-align: left; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
"""


def _e(text: Any) -> str:
    return html.escape(str(text))


def _table(header: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="fit"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _pct(est: Any) -> str:
    return f"{est.value:.1%} [{est.low:.1%}, {est.high:.1%}]" if est.n else "-"


def _dur(hours: float) -> str:
    if not math.isfinite(hours):
        return "-"
    return f"{hours * 60:.1f} min" if hours < 2 else f"{hours:.2f} h"


def render(r: FitResult, scenario_path: str) -> str:
    q = r.events.quality
    meta = (f'<p class="meta">{_e(q["kind"])}, {q["events"]} events of {q["cases"]} tickets, {r.arrivals.weeks:.1f} '
            f'weeks from {_e(r.first_seen)} to {_e(r.last_seen)}; '
            f'fitted scenario: <code>{_e(scenario_path)}</code></p>')
    parts = [f"<h1>{_e(r.source)}</h1>", meta]
    parts += [_quality(r), _arrivals(r), _mix(r), _routing(r), _work(r), _staff(r), _customers(r)]
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>fit report: "
            f"{_e(r.source)}</title><style>{CSS}{EXTRA_CSS}</style></head><body><main>"
            + "".join(p for p in parts if p) + "</main></body></html>\n")


def _quality(r: FitResult) -> str:
    q = r.events.quality
    rows = [["rows read", q["rows"], ""], ["events used", q["events"], "in the window, after bad rows"],
            ["tickets", q["cases"], ""],
            ["open before the window (left-truncated)", q["truncated"],
             "arrival, entry group and first visit unknown: not used; later visits are"],
            ["visits open at the end (right-censored)", sum(w.censored for w in r.work.values()),
             "work counted as 'at least this long' (censored likelihood)"]]
    for kind, info in q["bad"].items():
        rows.append([f"bad rows: {kind}", info["count"], f"left out; e.g. {q['unit']}s "
                     + ", ".join(map(str, info["examples"]))])
    for status, count in q["unknown_statuses"].items():
        rows.append([f"unknown status {status!r}", count, "ignored (--ignore-unknown)"])
    for role, count in q.get("filled", {}).items():
        rows.append([f"events or tickets without a {role}", count, "filled (see docs/fit.md)"])
    for role, mapping in r.events.renamed.items():
        rows.append([f"{role} names changed", len(mapping), "; ".join(f"{a!r} → {b}" for a, b in mapping.items())])
    return "<h2>Data quality</h2>" + _table(["", "count", "treatment"], rows)


def _arrivals(r: FitResult) -> str:
    a = r.arrivals
    out = [(f"<h2>Arrivals</h2><p>Mean rate {a.rate.value:.3f} tickets/h, 95% CI [{a.rate.low:.3f}, "
            f"{a.rate.high:.3f}], from {a.rate.n} tickets over {a.weeks:.1f} weeks.</p>")]
    if a.holidays:
        out.append("<p>Days far below their usual level, left out as holidays: "
                   + ", ".join(f"{_e(h['date'])} ({h['tickets']} tickets, {h['expected']:.0f} expected)"
                               for h in a.holidays) + ".</p>")
    if a.factors is None:
        out.append("<p>Less than a week observed: no hour-of-week profile.</p>")
        return "".join(out)
    fig = figure(10, 3.2)
    ax = fig.add_subplot()
    hours = np.arange(168) + 0.5
    observed = a.counts / np.maximum(a.exposure, 1e-9)
    fitted = a.rate.value * a.factors
    ax.fill_between(hours, a.rate.value * a.factors_low, a.rate.value * a.factors_high, step="mid",
                    color=COLOURS[1], alpha=0.18, linewidth=0, label="95% interval of the fitted rate")
    ax.step(hours, fitted, where="mid", color=COLOURS[1], linewidth=1.4, label="fitted (written to the scenario)")
    ax.plot(hours, observed, "o", color=COLOURS[2], markersize=2.2, label="observed: tickets / hours observed")
    _week_axis(ax)
    ax.set_ylabel("tickets per hour")
    ax.legend(loc="upper right")
    out.append(f"<figure>{to_svg(fig)}<figcaption>Arrivals by hour of the week (the desk's clock). Each hour's "
               f"factor rests on {a.exposure.min():.1f} to {a.exposure.max():.1f} weeks of data.</figcaption></figure>")
    return "".join(out)


def _mix(r: FitResult) -> str:
    rows = [["segment", s, _pct(e), e.n] for s, e in r.segments.items()]
    rows += [["priority", p, _pct(e), e.n] for p, e in r.priorities.items()]
    return "<h2>Ticket mix</h2>" + _table(["", "name", "share [95% CI]", "tickets"], rows)


def _routing(r: FitResult) -> str:
    groups = r.group_order
    rows = []
    for g in groups:
        to = r.routing.to.get(g, {})
        rows.append([g] + [_pct(to[h]) if h in to else "" for h in groups] + [_pct(r.routing.resolved[g]),
                                                                              r.routing.ended[g]])
    entry = ", ".join(f"{g} {e.value:.1%}" for g, e in r.routing.entry.items() if e.n and e.value > 0)
    return ("<h2>Routing</h2><p>Share of each group's ended visits that went on to another group (escalations "
            f"and returns), or were resolved there. Tickets arrive at: {_e(entry)}.</p>"
            + _table(["from \\ to"] + groups + ["resolved here", "ended visits"], rows))


def _work(r: FitResult) -> str:
    out = [("<h2>Work per group</h2><p>Work content is the time in working states per visit, fitted by maximum "
            "likelihood (right-censored visits count as 'at least this long'); the family with the lowest AIC is "
            "written. KS distance: largest gap between the fitted and the observed distribution; its p-value comes "
            "from a parametric bootstrap. p90 error: the fitted 90th percentile against the observed one.</p>")]
    for g in r.group_order:
        w = r.work[g]
        out.append(f"<h3>{_e(g)}</h3>")
        if w.fit is None:
            out.append(f"<p>Too few visits with working time ({0 if w.observations is None else len(w.observations)})"
                       " to fit.</p>")
            continue
        rows = []
        for f in sorted(w.candidates.values(), key=lambda f: f.aic):
            rows.append([f.family, f"{f.aic - w.fit.aic:+.1f}", _dur(f.mean),
                         f"[{_dur(f.mean_ci[0])}, {_dur(f.mean_ci[1])}]", f"{f.cv:.3f}"])
        out.append(_table(["family", "ΔAIC", "mean", "95% CI", "cv"], rows))
        facts = [f"n = {w.fit.n} visits ({w.censored} censored), {w.untouched} ended with no working time (left out)"]
        if w.gof:
            facts.append(f"KS distance {w.gof['ks_distance']:.3f} (bootstrap p = {w.gof['p_value']:.2f}, "
                         f"{w.gof['draws']} draws on {w.gof['subsample']} visits); "
                         f"p90 fitted {_dur(w.gof['p90_fitted'])}"
                         f" vs observed {_dur(w.gof['p90_observed'])} ({w.gof['p90_error']:+.1%})")
        if math.isfinite(w.cut_mean):
            facts.append(f"on-duty cut ({'applied' if r.cut else 'not applied'}): mean {_dur(w.uncut_mean)} "
                         f"uncut, {_dur(w.cut_mean)} cut ({w.cut_mean / w.uncut_mean - 1:+.1%})")
        if w.by_priority:
            facts.append("by priority: " + ", ".join(f"{p} {f.family} mean {_dur(f.mean)}"
                                                    for p, f in w.by_priority.items()))
        wait = r.waiting.get(g)
        if wait is not None:
            facts.append(f"waiting (reported, not simulated): {wait.family} mean {_dur(wait.mean)}, cv {wait.cv:.2f}, "
                         f"n = {wait.n}")
        out.append("<ul>" + "".join(f"<li>{_e(f)}</li>" for f in facts) + "</ul>")
        out.append(f'<div class="pair"><figure>{_histogram(w)}</figure><figure>{_qq(w)}</figure></div>')
    return "".join(out)


def _histogram(w: Any) -> str:
    x, event = w.observations, w.events
    fig = figure(5, 3)
    ax = fig.add_subplot()
    top = float(np.quantile(x, 0.99))
    scale = 60.0 if top < 2 else 1.0
    ax.hist(x[event & (x <= top)] * scale, bins=40, density=True, color=COLOURS[6], alpha=0.6,
            label="ended visits")
    grid = np.linspace(top / 400, top, 300)
    dist = families.frozen(w.fit)
    ax.plot(grid * scale, dist.pdf(grid) / scale, color=COLOURS[1], linewidth=1.6, label=f"fitted {w.fit.family}")
    ax.set_xlabel("work per visit (" + ("minutes" if scale == 60 else "hours") + ")")
    ax.set_ylabel("density")
    ax.legend()
    return to_svg(fig)


def _qq(w: Any) -> str:
    times, surv = families.kaplan_meier(w.observations, w.events)
    fig = figure(5, 3)
    ax = fig.add_subplot()
    keep = surv > 0  # the last step of a sample without censoring: quantile 1 is infinite for every family
    times, surv = times[keep], surv[keep]
    if len(times):
        probs = np.clip(1 - surv, 1e-6, 1 - 1e-6)
        pick = np.unique(np.linspace(0, len(times) - 1, min(len(times), 400)).astype(int))
        fitted = families.frozen(w.fit).ppf(probs[pick])
        scale = 60.0 if float(np.quantile(times, 0.9)) < 2 else 1.0
        ax.plot(fitted * scale, times[pick] * scale, ".", color=COLOURS[2], markersize=3)
        top = max(float(fitted.max()), float(times[pick].max())) * scale
        ax.plot([0, top], [0, top], color=MUTED, linewidth=0.8)
        unit = "minutes" if scale == 60 else "hours"
        ax.set_xlabel(f"fitted quantile ({unit})")
        ax.set_ylabel(f"observed quantile ({unit})")
    ax.set_title("Q-Q plot (Kaplan-Meier quantiles)")
    return to_svg(fig)


def _staff(r: FitResult) -> str:
    if not r.staff_seen.any():
        return "<h2>Engineers on duty</h2><p>No resource column: staff could not be estimated.</p>"
    fig = figure(10, 2.8)
    ax = fig.add_subplot()
    for k, g in enumerate(r.group_order):
        i = r.events.groups.index(g)
        ax.step(np.arange(168) + 0.5, r.staff[i], where="mid", color=COLOURS[(k + 1) % len(COLOURS)], label=g)
    _week_axis(ax)
    ax.set_ylabel("engineers")
    ax.legend(loc="upper right")
    return ("<h2>Engineers on duty (estimate)</h2><p>Per hour of the week, the most engineers seen at work in any "
            "week. An idle engineer leaves no trace: check these against the roster.</p>"
            f"<figure>{to_svg(fig)}</figure>")


def _customers(r: FitResult) -> str:
    if not r.customers:
        return ""
    rows = [[c["tickets"], c["customers"], f"{c['share_of_tickets']:.1%}"] for c in r.customers]
    return "<h2>Customers</h2>" + _table(["tickets per customer", "customers", "share of tickets"], rows)

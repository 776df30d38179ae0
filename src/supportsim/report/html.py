"""The report as one self-contained HTML page: inline CSS, inline SVG plots, no scripts, fonts or links out.

Sections appear when their data is there: warnings, at a glance, scenario, headline tables, distributions,
SLA attainment, time profiles, backlog, sweep, checks; a note at the bottom says what was left out and why.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from html import escape

import numpy as np

from .._version import __version__
from ..units import human_duration
from . import comparisons, plots, sweepplots, timeplots, workforce
from .data import Estimate, Results
from .figures import (
    Change,
    baseline_change,
    change_words,
    duration_text,
    finite,
    in_one_unit,
    sla_change,
)
from .plots import Style
from .style import CSS

WARN_LOAD, NEAR_LOAD = 1.0, 0.95


def render(results: Results, generated: str | None = None) -> str:
    styles = plots.variant_styles(results.variants)
    title = _title(results)
    sections = [
        _warnings(results),
        _glance(results, styles),
        _headline(results, styles),
        _scenario(results),
        workforce.section(results),
        _figure_section("distributions", "Reaction and resolution time distributions",
                        comparisons.cdfs(results, styles),
                        "Share of tickets (y) answered or resolved within a time (x), pooled over replications; "
                        "the dashed red line is the SLA target. Higher and further left is better. The x axis "
                        "ends near the 99th percentile."),
        _figure_section("sla", "SLA attainment", comparisons.sla_bars(results, styles),
                        "Share of tickets within their segment's target per variant; whiskers are 95% confidence "
                        "intervals over replications."),
        _figure_section("profiles", "The week: load, backlog, utilization and queue length by hour of week",
                        timeplots.week(results, styles) if _weekly(results) else None,
                        "Means over replications, by hour of the week (Monday 00:00 first) on the scenario's "
                        "clock, counted after the warm-up. Grey: hours nobody is on duty (in a group's panels, "
                        "nobody of that group; in the top row, nobody at all). Utilization is busy time over "
                        "on-duty time: engineers off shift are not idle, and an hour with nobody on duty has no "
                        "utilization (a gap). "
                        "Queue length counts tickets waiting, paused work included."),
        _figure_section("backlog", "Backlog over time", timeplots.backlog(results, styles),
                        "Open tickets (arrived, not yet resolved: waiting or in work) over the whole run, mean over "
                        "replications; the shaded start is the warm-up, whose tickets are not counted."),
        _sweep(results, styles),
        _checks(results),
    ]
    stamp = generated or _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)} - supportsim report</title>",
        f"<style>{CSS}</style>",
        "</head><body><main>",
        f'<header><h1>{escape(title)}</h1><p class="meta">{_meta(results)}</p></header>',
        *[s for s in sections if s],
        _footer(results, stamp),
        "</main></body></html>",
    ])


def _title(results: Results) -> str:
    return str((results.summary or {}).get("scenario") or (results.scenario_data or {}).get("name")
               or results.folder.name)


def _meta(results: Results) -> str:
    s = results.summary or {}
    parts = []
    if "replications" in s:
        parts.append(f"{s['replications']} replications")
    if "seed" in s:
        parts.append(f"seed {s['seed']}")
    window = s.get("window") or {}
    if finite(window.get("from")) and finite(window.get("to")):
        low, high = in_one_unit(window["from"], window["to"])
        parts.append(f"tickets arriving from {low} to {high} counted")
    parts.append("figures are means over replications with 95% confidence intervals (±)")
    return escape(" · ".join(parts))


# ---- warnings -------------------------------------------------------------------------------------------

def _warnings(results: Results) -> str:
    items: list[tuple[str, str]] = []
    for variant, rho in _loads(results).items():
        where = f" in variant <b>{escape(variant)}</b>" if len(results.variants) > 1 else ""
        for group, load in rho.items():
            if load >= WARN_LOAD:
                items.append(("bad", f"Unstable load{where}: group <b>{escape(group)}</b> is offered "
                                     f"ρ = {load:.2f} ≥ 1 (more work than its engineers can do). Its queue grows "
                                     "for as long as the run lasts, so its figures depend on the horizon, not on the "
                                     "desk."))
            elif load >= NEAR_LOAD:
                items.append(("warn", f"Near saturation{where}: group <b>{escape(group)}</b> is offered "
                                      f"ρ = {load:.2f}; waits there react strongly to small changes in load."))
    for check in results.checks:
        if check.status in ("fail", "inconclusive"):
            kind = "bad" if check.status == "fail" else "warn"
            variant = f" ({escape(check.variant)})" if check.variant else ""
            hint = " — increase replications" if check.status == "inconclusive" else ""
            items.append((kind, f"Check {check.status}: <code>{escape(check.name)}</code>{variant}{hint}. "
                                f"{escape(check.detail)}"))
    replications = (results.summary or {}).get("replications")
    if isinstance(replications, int) and replications < 2:
        items.append(("warn", "One replication only: no confidence intervals; treat differences with care."))
    if not items:
        return ""
    rows = "".join(f'<li class="alert-{k}">{text}</li>' for k, text in items)
    return f'<section id="warnings" class="warnings"><h2>Warnings</h2><ul>{rows}</ul></section>'


def _loads(results: Results) -> dict[str, dict[str, float]]:
    out = {}
    for variant, scenario in results.variant_scenarios.items():
        try:
            out[variant] = scenario.offered_load()
        except Exception:  # noqa: BLE001 -- a model this report does not know how to load; say nothing
            continue
    return out


# ---- at a glance ----------------------------------------------------------------------------------------

def _glance(results: Results, styles: dict[str, Style]) -> str:
    segments = results.segments
    if not results.summary or not segments:
        return ""
    vip = results.vip_segments
    both_tiers = results.tiers == ["vip", "non_vip"]
    base = results.baseline
    lines = []
    verdicts = ""
    if base:
        lines = _best(results) if both_tiers else []
        verdicts = _verdicts(results, styles, base)
    else:
        variant = results.variants[0]
        for segment in segments:
            said = []
            for measure in ("reaction", "resolution"):
                e = results.estimate(variant, "segments", segment, "sla", f"{measure}_met")
                words = results.sla_words(segment, measure)
                mean = results.estimate(variant, "segments", segment, measure, "mean")
                if e is not None:
                    within = f" within {escape(words)}" if words else " within target"
                    said.append(f"{100 * e.value:.1f}% of {measure}s{within}")
                elif mean is not None:
                    said.append(f"mean {measure} {duration_text(mean.value)}")
            if said:
                label = f"{segment} (VIP)" if segment in vip else segment
                lines.append(f"<li><b>{escape(label)}</b>: " + ", ".join(said) + "</li>")
        busiest = [(g, e) for g in results.groups
                   if (e := results.estimate(variant, "groups", g, "utilization")) is not None]
        if busiest:
            g, e = max(busiest, key=lambda item: item[1].value)
            lines.append(f"<li>Busiest group: <b>{escape(g)}</b>, engineers busy {100 * e.value:.0f}% "
                         "of the time.</li>")
    if not lines and not verdicts:
        return ""
    picture = ""
    if len(results.variants) > 1 and both_tiers:
        svg = comparisons.tradeoff(results, styles)
        if svg:
            picture = (f'<figure>{svg}<figcaption>Each point is a variant: mean time of VIP tickets across, of '
                       f'non-VIP tickets up; whiskers are 95% intervals, dotted lines the baseline '
                       f'({escape(base or "")}). Best is bottom left.</figcaption></figure>')
    return (f'<section id="glance"><h2>At a glance</h2><ul class="glance">{"".join(lines)}</ul>{verdicts}'
            f"{picture}</section>")


def _verdicts(results: Results, styles: dict[str, Style], base: str) -> str:
    """Each variant against the baseline in words, per tier (VIP, non-VIP) and measure (mean times)."""
    columns = [(t, m) for t in results.tiers for m in ("reaction", "resolution")]
    rows = []
    for variant in results.variants:
        if variant == base:
            continue
        cells = []
        for tier, measure in columns:
            c = baseline_change(results, variant, tier, measure, "mean")
            mine = results.estimate(variant, "tiers", tier, measure, "mean")
            theirs = results.estimate(base, "tiers", tier, measure, "mean")
            if c is None or mine is None or theirs is None:
                cells.append("<td>–</td>")
                continue
            cls = "same" if not c.clear else ("good" if c.ratio < 1 else "bad")
            cells.append(f'<td><span class="{cls}">{change_words(c)}</span><div class="ci">'
                         f"{duration_text(mine.value)} vs {duration_text(theirs.value)}</div></td>")
        rows.append(f'<tr><th scope="row">{_swatch(styles, variant)}{escape(variant)}</th>{"".join(cells)}</tr>')
    if not rows:
        return ""
    head = "".join(f"<th>{escape(results.tier_label(t))}<br>{m}</th>" for t, m in columns)
    return (f'<div class="scroll"><table class="verdicts"><caption>Mean times against the baseline '
            f'<b>{escape(base)}</b> (paired over replications)</caption><thead><tr><th>variant</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _best(results: Results) -> list[str]:
    """The fastest variant for VIP tickets, per measure; among exact ties (say, several with no VIP wait at
    all) the one that costs the non-VIP tickets least, naming the others."""
    out = []
    for measure in ("reaction", "resolution"):
        scored = [(v, e) for v in results.variants
                  if (e := results.estimate(v, "tiers", "vip", measure, "mean")) is not None]
        if not scored:
            continue
        fastest = min(e.value for _, e in scored)
        tied = [v for v, e in scored if abs(e.value - fastest) <= 1e-9]

        def their_time(v: str, measure: str = measure) -> float:
            e = results.estimate(v, "tiers", "non_vip", measure, "mean")
            return e.value if e is not None else 0.0

        best = min(tied, key=their_time)
        cost = ""
        if best != results.baseline:
            c = baseline_change(results, best, "non_vip", measure, "mean")
            if c is not None:
                cost = f"; non-VIP {measure} {change_words(c)}"
        also = [v for v in tied if v != best]
        also_text = f" Equally fast: {escape(', '.join(also))}." if also else ""
        out.append(f'<li class="best">Fastest VIP {measure}: <b>{escape(best)}</b> '
                   f"({duration_text(fastest)}{cost}).{also_text}</li>")
    return out


def _swatch(styles: dict[str, Style], variant: str) -> str:
    return f'<span class="swatch" style="background:{styles[variant].colour}"></span>'


# ---- scenario ---------------------------------------------------------------------------------------------

def _scenario(results: Results) -> str:
    data = results.scenario_data
    if not data:
        return ""
    from .describe import describe_scenario, describe_variants

    paragraph = describe_scenario(data, results.scenario, _loads(results).get(_base_variant(results)))
    variants = describe_variants(data, _loads(results), results.variants, results.baseline)
    return f'<section id="scenario"><h2>Scenario</h2><p>{paragraph}</p>{variants}</section>'


def _base_variant(results: Results) -> str:
    return results.baseline or results.variants[0]


# ---- headline tables -------------------------------------------------------------------------------------

def _cell_time(results: Results, variant: str, tier: str, measure: str, statistic: str) -> str:
    e = results.estimate(variant, "tiers", tier, measure, statistic)
    if e is None:
        return "<td>–</td>"
    text = f"{duration_text(e.value)}{_pm(e, human_duration)}"
    c = baseline_change(results, variant, tier, measure, statistic)
    if c is not None:
        interval = f"{c.low:.2f}–{c.high:.2f}" if c.paired and c.low is not None else ""
        text += _change_mark(c, lower=c.ratio < 1, better=c.ratio < 1, text=f"{c.ratio:.2f}×", interval=interval)
    return f"<td>{text}</td>"


def _change_mark(c: Change, lower: bool, better: bool, text: str, interval: str) -> str:
    """▼/▲ for a clear change (better in green, worse in red), ≈ within noise; the interval as a tooltip."""
    if not c.clear:
        arrow, cls = "≈", "same"
    else:
        arrow, cls = ("▼" if lower else "▲"), ("good" if better else "bad")
    tip = f' title="paired 95% interval: {interval}"' if interval else ""
    return f'<div class="ratio {cls}"{tip}>{arrow} {text}</div>'


def _cell_share(results: Results, variant: str, *path: str, change: Change | None = None) -> str:
    e = results.estimate(variant, *path)
    if e is None:
        return "<td>–</td>"
    text = f"{100 * e.value:.1f}%{_pm(e, lambda h: f'{100 * h:.1f}')}"
    if change is not None:
        interval = f"{change.low:+.1f} to {change.high:+.1f} pts" if change.paired and change.low is not None else ""
        text += _change_mark(change, lower=change.ratio < 0, better=change.ratio > 0, text=f"{change.ratio:+.1f} pts",
                             interval=interval)
    return f"<td>{text}</td>"


def _pm(e: Estimate, fmt: Callable[[float], str]) -> str:
    half = e.half_width
    return "" if half is None else f' <span class="ci">±{fmt(half)}</span>'


def _variant_cell(results: Results, styles: dict[str, Style], variant: str) -> str:
    mark = ' <span class="muted">(baseline)</span>' if variant == results.baseline else ""
    return f'<th scope="row">{_swatch(styles, variant)}{escape(variant)}{mark}</th>'


def _headline(results: Results, styles: dict[str, Style]) -> str:
    if not results.summary:
        return ""
    segments, variants, vip = results.segments, results.variants, set(results.vip_segments)
    if not segments:
        return ""
    tiers = results.tiers
    top = "".join(f'<th colspan="4" class="group">{escape(results.tier_label(t))}</th>' for t in tiers)
    sub = "".join("<th>reaction mean</th><th>reaction p90</th><th>resolution mean</th><th>resolution p90</th>"
                  for _ in tiers)
    rows = []
    for v in variants:
        cells = "".join(_cell_time(results, v, t, m, stat)
                        for t in tiers for m in ("reaction", "resolution") for stat in ("mean", "p90"))
        rows.append(f"<tr>{_variant_cell(results, styles, v)}{cells}</tr>")
    legend = ('<p class="legend">± is the half-width of the 95% confidence interval. '
              + ('Below each figure, its ratio to the baseline (for SLA attainment, the difference in percentage '
                 'points): ▼ clearly lower, ▲ clearly higher (green better, red worse), ≈ within noise; hover for '
                 'the paired 95% interval.' if results.baseline else "") + "</p>")
    times = (f'<div class="scroll"><table class="headline"><thead><tr><th rowspan="2">variant</th>{top}</tr>'
             f"<tr>{sub}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")
    sla_columns = [(s, m) for s in segments for m in ("reaction", "resolution")
                   if any(results.estimate(v, "segments", s, "sla", f"{m}_met") for v in variants)]
    groups = results.groups
    head = "".join(f"<th>{escape(s)}{' (VIP)' if s in vip else ''}<br>{m}{_target(results, s, m)}</th>"
                   for s, m in sla_columns)
    head += "".join(f"<th>{escape(g)}<br>utilization</th>" for g in groups)
    head += "".join(f"<th>{escape(g)}<br>queue length</th>" for g in groups)
    rows = []
    for v in variants:
        cells = "".join(_cell_share(results, v, "segments", s, "sla", f"{m}_met", change=sla_change(results, v, s, m))
                        for s, m in sla_columns)
        cells += "".join(_cell_share(results, v, "groups", g, "utilization") for g in groups)
        for g in groups:
            e = results.estimate(v, "groups", g, "queue_length")
            cells += "<td>–</td>" if e is None else f"<td>{e.value:.2f}{_pm(e, lambda h: f'{h:.2f}')}</td>"
        rows.append(f"<tr>{_variant_cell(results, styles, v)}{cells}</tr>")
    shares = (f'<h3>SLA attainment (share of tickets within target) and engineer groups</h3><div class="scroll">'
              f'<table class="headline"><thead><tr><th>variant</th>{head}</tr></thead>'
              f"<tbody>{''.join(rows)}</tbody></table></div>")
    vip_names = ", ".join(s for s in segments if s in vip)
    pooled = (f" (VIP: the {escape(vip_names)} segment{'s' if len(vip) > 1 else ''}; non-VIP: all others)"
              if "vip" in tiers else "")
    return (f'<section id="headline"><h2>Headline figures</h2><h3>Reaction and resolution times{pooled}</h3>'
            f"{times}{shares}{legend}</section>")


def _target(results: Results, segment: str, measure: str) -> str:
    words = results.sla_words(segment, measure)
    return f" ≤ {escape(words)}" if words else ""


# ---- figures, sweeps, checks, footer -------------------------------------------------------------------------

def _weekly(results: Results) -> bool:
    """Whether the week has a shape worth a picture: shifts (engineers on duty change over the week) or a weekly
    arrival profile. Without either, every hour of the week is alike but for noise."""
    if ((results.scenario_data or {}).get("arrivals") or {}).get("profile"):
        return True
    for week in results.week.values():
        for figures in week.groups.values():
            duty = figures.get("engineers_on_duty")
            if duty is not None and np.isfinite(duty).any() and np.nanmax(duty) - np.nanmin(duty) > 1e-9:
                return True
    return False


def _figure_section(anchor: str, title: str, svg: str | None, caption: str) -> str:
    if not svg:
        return ""
    return (f'<section id="{anchor}"><h2>{escape(title)}</h2><figure>{svg}'
            f'<figcaption>{escape(caption)}</figcaption></figure></section>')


def _sweep(results: Results, styles: dict[str, Style]) -> str:
    if not results.sweep:
        return ""
    present = {(r["scope"], r["metric"], r["statistic"]) for r in results.sweep}
    vip = [s for s in results.vip_segments]
    scopes = {r["scope"] for r in results.sweep}
    segments = [s for s in (results.segments or sorted(scopes)) if s in scopes]
    others = [s for s in segments if s not in vip]
    wanted = []
    for s in [*vip[:1], *others[:1]]:
        label = f"{s} (VIP)" if s in vip else s
        wanted += [(s, "reaction", "mean", f"{label} reaction mean"),
                   (s, "resolution", "mean", f"{label} resolution mean")]
    for s in [*vip[:1], *others[:1]]:
        wanted += [(s, "sla", "reaction_met", f"{s} reaction within SLA")]
    wanted += [(g, "utilization", "value", f"{g} utilization") for g in results.groups[:1]]
    panels = [w for w in wanted if w[:3] in present][:6]
    if not panels:
        panels = [(*key, " ".join(key)) for key in sorted(present)[:6]]
    drawn = sweepplots.sweep(results, panels, styles)
    if not drawn:
        return ""
    svg, held = drawn
    params = ", ".join(results.sweep_parameters)
    points = len({tuple(r["point"].values()) for r in results.sweep})
    variants = ", ".join(dict.fromkeys(r["variant"] for r in results.sweep))
    return (f'<section id="sweep"><h2>Sweep</h2><p>{points} points over {escape(params)}; variants '
            f"{escape(variants)}. {escape(held)}</p>"
            f"<figure>{svg}<figcaption>Each figure against {escape(results.sweep_parameters[0])}, one line per "
            "variant; shaded: 95% confidence band over replications.</figcaption></figure></section>")


def _checks(results: Results) -> str:
    if not results.checks:
        return ""
    rows = "".join(f'<tr><td><code>{escape(c.name)}</code></td><td>{escape(c.variant or "all")}</td>'
                   f'<td class="status {escape(c.status)}">{escape(c.status)}</td><td>{escape(c.detail)}</td></tr>'
                   for c in results.checks)
    return ('<section id="checks"><h2>Checks</h2><table class="checks"><thead><tr><th>check</th><th>variant</th>'
            f"<th>result</th><th>detail</th></tr></thead><tbody>{rows}</tbody></table></section>")


def _footer(results: Results, stamp: str) -> str:
    notes = "".join(f"<li>{escape(n)}</li>" for n in results.notes)
    notes = f"<ul>{notes}</ul>" if notes else ""
    files = ", ".join(results.files) or "none"
    return (f"<footer><p>Made by supportsim {escape(__version__)} on {escape(stamp)} from {escape(files)}. "
            f"Rebuild with <code>supportsim report {escape(str(results.folder))}</code>.</p>{notes}</footer>")

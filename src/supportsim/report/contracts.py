"""The report's section on customer contracts (see docs/contracts.md): what the plans sell and who runs out, the
cards played and kept, and what the devices cost everyone else, all read from summary.json."""

from __future__ import annotations

from html import escape

from ..units import human_duration
from .data import Results
from .plots import MUTED, Style, figure, to_svg

PLAN_COLUMNS = (("customers", "customers", 0), ("ran_out", "ran out", -1), ("ran_out_after", "ran out after", -2),
                ("warned", "warned", -1), ("declined", "declined", 2), ("refused", "refused", 2),
                ("downgraded", "downgraded", 2), ("billed", "billed", 2), ("top_ups", "top-ups", 2),
                ("hours_sold", "hours sold", 1), ("hours_free", "hours free", 1), ("revenue", "revenue", 0),
                ("cost", "cost", 0))
"""(figure, heading, digits): -1 is a share in percent, -2 a duration."""


def _cell(estimate: dict | None, digits: int) -> str:
    if not estimate or estimate.get("value") is None:
        return "<td>-</td>"
    value, (low, high) = estimate["value"], estimate["ci95"]
    if digits == -1:
        text, half = f"{100 * value:.0f}%", None if low is None else f"±{100 * (high - low) / 2:.0f}"
    elif digits == -2:
        text, half = human_duration(value), None if low is None else f"±{human_duration((high - low) / 2)}"
    else:
        text, half = f"{value:,.{digits}f}", None if low is None else f"±{(high - low) / 2:,.{digits}f}"
    return f'<td>{text}{f" <span class=ci>{half}</span>" if half else ""}</td>'


def _ratio(ratio: dict | None) -> str:
    if not ratio or ratio.get("ratio") is None:
        return "<td>-</td>"
    r, (low, high) = ratio["ratio"], ratio["ci95"]
    interval = f" <span class=ci>[{100 * (low - 1):+.0f}%, {100 * (high - 1):+.0f}%]</span>" if low is not None else ""
    return f"<td>{100 * (r - 1):+.0f}%{interval}</td>"


def _contracts(results: Results) -> dict[str, dict]:
    return {v: f["contracts"] for v, f in ((results.summary or {}).get("variants") or {}).items() if "contracts" in f}


def section(results: Results, styles: dict[str, Style]) -> str:
    """The section, or '' when no variant has contracts."""
    contracts = _contracts(results)
    if not contracts:
        return ""
    parts = ['<section id="contracts"><h2>Customer contracts</h2>']
    plans = _plan_table(contracts)
    if plans:
        svg = _consumption(results, contracts, styles)
        if svg:
            parts.append(f"<figure>{svg}<figcaption>Points used per customer per plan period: the bar spans the "
                         "10th to 90th percentile of customer-periods, the mark is the mean; the grey tick is the "
                         "points the plan grants. A customer whose bar reaches past the tick runs out (or tops up)."
                         "</figcaption></figure>")
        parts.append(plans)
    parts.append(_card_table(contracts))
    parts.append(_others_table(contracts))
    parts.append("</section>")
    return "".join(parts)


def _plan_table(contracts: dict[str, dict]) -> str:
    lines = [(variant, plan, size, f) for variant, c in contracts.items()
             for plan, sizes in c.get("plans", {}).items() for size, f in sizes.items()]
    if not lines:
        return ""
    # a column nobody has a value in (no prices, no plan that bills...) is left out
    shown = [(key, heading, digits) for key, heading, digits in PLAN_COLUMNS
             if any((f.get(key) or {}).get("value") for *_, f in lines)]
    head = "".join(f"<th>{h}</th>" for _, h, _ in shown)
    rows = [f"<tr><th scope=row>{escape(variant)}</th><td class=text>{escape(plan)}</td>"
            f"<td class=text>{escape(size)}</td>{_cell(f['consumed']['mean'], 1)}"
            f"<td style='white-space:nowrap'>{_span(f['consumed'])}</td>"
            + "".join(_cell(f.get(key), digits) for key, _, digits in shown) + "</tr>"
            for variant, plan, size, f in lines]
    return ("<h3>Points plans</h3><table class=contracts><thead><tr><th>variant</th><th>plan</th><th>size</th>"
            f"<th>points used</th><th>p10-p90</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            "<p class=legend>Per customer and plan period (over the periods wholly inside the window): points used, "
            "share of customer-periods that ran out (and how long into the period), tickets declined (a quote "
            "the balance could not pay), refused, downgraded or billed for want of points, top-ups bought, "
            "engineer-hours sold (points and hours billed) and given free, and revenue and cost when prices are "
            "given; ± is the 95% interval over replications. Columns that are zero throughout are left out.</p>")


def _span(used: dict) -> str:
    low, high = used.get("p10", {}).get("value"), used.get("p90", {}).get("value")
    return "-" if low is None or high is None else f"{low:.1f}-{high:.1f}"


def _card_table(contracts: dict[str, dict]) -> str:
    rows = []
    for variant, c in contracts.items():
        for card, sizes in c.get("cards", {}).items():
            for size, f in sizes.items():
                rows.append(f"<tr><th scope=row>{escape(variant)}</th><td class=text>{escape(card)}</td>"
                            f"<td class=text>{escape(size)}</td>{_cell(f['customers'], 0)}{_cell(f['handed'], 1)}"
                            f"{_cell(f['played'], 1)}{_cell(f['left'], 1)}{_cell(f.get('reaction_met'), -1)}</tr>")
    if not rows:
        return ""
    return ("<h3>Loyalty cards</h3><table class=contracts><thead><tr><th>variant</th><th>card</th><th>size</th>"
            "<th>customers</th><th>handed</th><th>played</th><th>left</th><th>promised reaction met</th></tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table><p class=legend>Per customer: cards handed out over the "
            "run, played in the window, left at the end (kept for a rainy day); for a card that promises a "
            "reaction time, the share of its tickets that got it.</p>")


def _others_table(contracts: dict[str, dict]) -> str:
    rows = []
    for variant, c in contracts.items():
        others = c.get("others_vs_baseline")
        if others:
            rows.append(f"<tr><th scope=row>{escape(variant)}</th>{_ratio(others['reaction']['mean'])}"
                        f"{_ratio(others['resolution']['mean'])}</tr>")
    if not rows:
        return ""
    return ("<h3>Cost to everyone else</h3><table class=contracts><thead><tr><th>variant</th>"
            "<th>others' reaction</th><th>others' resolution</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table><p class=legend>The tickets no device touched (no card played, "
            "not declined, refused, downgraded or billed): their mean reaction and resolution against the very "
            "same tickets in the baseline, paired over replications (geometric mean of the ratios, [95% "
            "interval]). Positive: the device makes everyone else wait longer.</p>")


def _consumption(results: Results, contracts: dict[str, dict], styles: dict[str, Style]) -> str | None:
    """Points used per customer per period, p10-p90 and mean, one bar per variant, plan and size class."""
    bars = []
    for variant, c in contracts.items():
        scenario = results.variant_scenarios.get(variant)
        for plan, sizes in c.get("plans", {}).items():
            granted = None
            if scenario is not None and scenario.contracts is not None and plan in scenario.contracts.plans:
                granted = scenario.contracts.plans[plan].points
            for size, f in sizes.items():
                used = f["consumed"]
                values = [used.get(k, {}).get("value") for k in ("p10", "mean", "p90")]
                if None not in values:
                    bars.append((f"{variant} · {plan} · {size}", variant, values, granted))
    if not bars:
        return None
    fig = figure(10.0, 0.6 + 0.28 * len(bars))
    ax = fig.subplots()
    for y, (_, variant, (low, mean, high), granted) in enumerate(reversed(bars)):
        st = styles.get(variant)
        colour = st.colour if st else MUTED
        ax.plot([low, high], [y, y], color=colour, linewidth=5, solid_capstyle="butt", alpha=0.55)
        ax.plot([mean], [y], color=colour, marker=st.marker if st else "o", markersize=6)
        if granted is not None:
            ax.plot([granted, granted], [y - 0.35, y + 0.35], color=MUTED, linewidth=1.6)
    ax.set_yticks(range(len(bars)), [label for label, *_ in reversed(bars)])
    ax.set_xlabel("points used per customer per period (1 point = 1 engineer-hour)")
    ax.set_xlim(left=0)
    ax.grid(axis="y", visible=False)
    return to_svg(fig)

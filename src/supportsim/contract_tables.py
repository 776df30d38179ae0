"""The customers' contracts in the terminal: one line per variant and plan, one per variant and card, over all
size classes (per size class in summary.json and the report; see docs/contracts.md)."""

from __future__ import annotations

from .tables import format_table
from .wording import time_change


def _number(estimate: dict | None, digits: int = 1, scale: float = 1.0, unit: str = "") -> str:
    if not estimate or estimate.get("value") is None:
        return "-"
    return f"{scale * estimate['value']:.{digits}f}{unit}"


def has_contracts(summary: dict) -> bool:
    return any("contracts" in figures for figures in summary["variants"].values())


def contract_table(summary: dict) -> str:
    """Plans (points consumed per customer per period, who ran out, what was declined, refused and bought, the
    engineer-hours sold and given free), cards (played and left per customer), and what the untouched tickets'
    reaction and resolution became against the baseline."""
    plan_rows, card_rows = [], []
    for variant, figures in summary["variants"].items():
        contracts = figures.get("contracts", {})
        others = contracts.get("others_vs_baseline", {})
        effect = [time_change((others.get(m, {}).get("mean") or {}).get("ratio")) for m in ("reaction", "resolution")]
        for plan, sizes in contracts.get("plans", {}).items():
            f = sizes["all"]
            plan_rows.append([variant, plan, _number(f["consumed"]["mean"]), _number(f["consumed"]["p90"]),
                              _number(f["ran_out"], 0, 100, "%"), _number(f["declined"], 2), _number(f["refused"], 2),
                              _number(f["top_ups"], 2), _number(f["hours_sold"]), _number(f["hours_free"]), *effect])
        for card, sizes in contracts.get("cards", {}).items():
            f = sizes["all"]
            card_rows.append([variant, card, _number(f["handed"]), _number(f["played"]), _number(f["left"]), *effect])
    parts = []
    if plan_rows:
        parts.append(format_table(["variant", "plan", "used", "p90", "ran out", "declined", "refused", "top-ups",
                                   "sold h", "free h", "others: reaction", "resolution"], plan_rows))
        parts.append("plans, per customer per period: points used (mean, p90), share of customer-periods that ran out, "
                     "tickets\ndeclined and refused, top-ups, engineer-hours sold and given free; others: the tickets "
                     "no device touched\nagainst the same tickets in the baseline (per size class: summary.json, "
                     "the report)")
    if card_rows:
        parts.append(format_table(["variant", "card", "handed", "played", "left", "others: reaction", "resolution"],
                                  card_rows))
        parts.append("cards, per customer: handed out over the run, played in the window, left at the end")
    return "\n".join(parts)

"""The customers' contracts in the terminal: one line per variant and plan, one per variant and card, over all
size classes (per size class in summary.json and the report; see docs/contracts.md)."""

from __future__ import annotations

from .tables import format_table, ratio_text


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
        effect = [ratio_text(others.get(m, {}).get("mean"), with_interval=False) if others else "-"
                  for m in ("reaction", "resolution")]
        for plan, sizes in contracts.get("plans", {}).items():
            f = sizes["all"]
            plan_rows.append([variant, plan, _number(f["customers"], 0), _number(f["consumed"]["mean"]),
                              _number(f["consumed"]["p90"]), _number(f["ran_out"], 0, 100, "%"),
                              _number(f["declined"], 2), _number(f["refused"], 2), _number(f["top_ups"], 2),
                              _number(f["hours_sold"]), _number(f["hours_free"]), *effect])
        for card, sizes in contracts.get("cards", {}).items():
            f = sizes["all"]
            card_rows.append([variant, card, _number(f["customers"], 0), _number(f["handed"]), _number(f["played"]),
                              _number(f["left"]), *effect])
    parts = []
    if plan_rows:
        parts.append(format_table(["variant", "plan", "customers", "points used", "p90", "ran out", "declined",
                                   "refused", "top-ups", "hours sold", "hours free", "others' reaction",
                                   "others' resolution"], plan_rows))
        parts.append("plans: per customer per period (points used: mean and p90 over customer-periods; ran out: "
                     "share of customer-periods); others: tickets no device touched vs the same tickets in the "
                     "baseline")
    if card_rows:
        parts.append(format_table(["variant", "card", "customers", "handed", "played", "left", "others' reaction",
                                   "others' resolution"], card_rows))
        parts.append("cards: per customer, handed out over the run, played in the window, left at the end")
    return "\n".join(parts)

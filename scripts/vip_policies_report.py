"""Regenerate the measured parts of docs/vip-policies.md.

    PYTHONPATH=src python scripts/vip_policies_report.py            # both parts (about a minute)
    PYTHONPATH=src python scripts/vip_policies_report.py --only table

``table``: the comparison table ``supportsim run scenarios/vip-no-extra-staff.yaml`` prints, plus the queue
waits at L2/L3 per variant. ``sweep``: the same desk at other loads and escalation rates, fifo against the VIP
lane, to see where the field report's "10x faster reaction, 3x faster resolution" appears. Each part is written
between its ``<!-- generated: NAME -->`` and ``<!-- end generated: NAME -->`` lines; the prose around them is
left alone. Seeds are fixed, so a rerun gives the same numbers unless the simulator changed.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import yaml

from supportsim.api import simulate
from supportsim.tables import comparison_table, format_table
from supportsim.units import human_duration
from supportsim.wording import time_change

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "vip-no-extra-staff.yaml"
DOC = ROOT / "docs" / "vip-policies.md"

LOADS = (0.70, 0.80, 0.85, 0.90, 0.95)
ESCALATION = (0.1, 0.2, 0.4)       # share of L1 tickets escalated to L2 (a quarter of those go on to L3)
SWEEP_REPLICATIONS, SWEEP_HORIZON = 8, "1500h"


def table_part() -> str:
    result = simulate(SCENARIO)
    summary = result.summary()
    waits = []
    for variant, figures in summary["variants"].items():
        row = [variant]
        for group in ("L1", "L2", "L3"):
            for segment in ("vip", "standard"):
                estimate = figures["groups"][group]["queue_wait"][segment]["mean"]
                row.append(human_duration(estimate["value"]))
        waits.append(row)
    header = ["variant"] + [f"{g} {s}" for g in ("L1", "L2", "L3") for s in ("VIP", "std")]
    return (f"`supportsim run scenarios/vip-no-extra-staff.yaml` ({summary['replications']} replications, "
            f"seed {summary['seed']}):\n\n```text\n{comparison_table(summary)}\n```\n\n"
            f"Mean queue wait in each group (`groups.<g>.queue_wait.<segment>.mean`), VIP and standard tickets:\n\n"
            f"```text\n{format_table(header, waits)}\n```\n")


def _desk(load: float, escalation: float) -> dict:
    """The bundled desk with every group at ``load``: the arrival rate sets L1's load, and L2/L3 staff grow
    with the escalation share so that they stay at the same load."""
    data = yaml.safe_load(SCENARIO.read_text())
    data["arrivals"]["rate"] = f"{load * 12:g}/h"
    data["groups"]["L1"]["escalate"] = {"L2": escalation}
    data["groups"]["L2"]["staff"] = round(4 * escalation / 0.2)
    data["groups"]["L3"]["staff"] = round(2 * escalation / 0.2)
    data["horizon"] = SWEEP_HORIZON
    data["variants"] = {
        "fifo": {"policy": "fifo"},
        "lane": {"policy": {"kind": "vip_lane", "pickup_within": "1h"}},
        "lane-L1-only": {"policy": {"kind": "vip_lane", "pickup_within": "1h"}, "vip_in_escalation": False},
    }
    data["baseline"] = "fifo"
    return data


def _speedup(ratio: dict) -> str:
    """'11.7x [10.9-12.5]': how many times faster than fifo, with the paired 95% interval."""
    r, (low, high) = ratio["ratio"], ratio["ci95"]
    return f"{1 / r:.1f}x [{1 / high:.1f}-{1 / low:.1f}]" if r else "no wait"


def sweep_part() -> str:
    rows = []
    for load in LOADS:
        for escalation in ESCALATION:
            summary = simulate(copy.deepcopy(_desk(load, escalation)), replications=SWEEP_REPLICATIONS).summary()
            fifo = summary["variants"]["fifo"]["tiers"]
            row = [f"{load:.2f}", f"{escalation:.0%}", human_duration(fifo["vip"]["reaction"]["mean"]["value"]),
                   human_duration(fifo["vip"]["resolution"]["mean"]["value"])]
            for variant in ("lane", "lane-L1-only"):
                vs = summary["variants"][variant]["vs_baseline"]["vip"]
                row += [_speedup(vs["reaction"]["mean"]), _speedup(vs["resolution"]["mean"])]
            vs = summary["variants"]["lane"]["vs_baseline"]["non_vip"]
            row += [time_change(vs["reaction"]["mean"]["ratio"]), time_change(vs["resolution"]["mean"]["ratio"])]
            rows.append(row)
            print(f"  load {load:.2f}, escalation {escalation:.0%} done", file=sys.stderr)
    header = ["load", "escalated", "fifo: VIP reaction", "VIP resolution",
              "lane: VIP reaction faster", "VIP resolution faster", "L1-only lane: VIP reaction", "VIP resolution",
              "lane: non-VIP reaction", "non-VIP resolution"]
    return (f"fifo against `vip_lane {{pickup_within: 1h}}` on the bundled desk with every group at the load shown, "
            f"{SWEEP_REPLICATIONS} replications of {SWEEP_HORIZON} each. Speed-ups are fifo's mean time divided by "
            f"the lane's, paired on the same tickets, with 95% intervals; \"L1-only lane\" is the same lane with "
            f"`vip_in_escalation: false`; the last two columns are what non-VIP customers pay.\n\n"
            f"```text\n{format_table(header, rows)}\n```\n")


def write_part(name: str, text: str) -> None:
    doc = DOC.read_text()
    pattern = re.compile(rf"(<!-- generated: {name} -->\n).*?(<!-- end generated: {name} -->)", re.S)
    if not pattern.search(doc):
        raise SystemExit(f"{DOC}: no '<!-- generated: {name} -->' ... '<!-- end generated: {name} -->' block")
    DOC.write_text(pattern.sub(lambda m: m.group(1) + text + m.group(2), doc))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("table", "sweep"), help="regenerate one part only")
    args = parser.parse_args()
    parts = {"table": table_part, "sweep": sweep_part}
    for name, make in parts.items():
        if args.only in (None, name):
            print(f"{name}...", file=sys.stderr)
            write_part(name, make())
    print(f"updated {DOC}", file=sys.stderr)


if __name__ == "__main__":
    main()

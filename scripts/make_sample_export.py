"""Make the bundled sample export: supportsim simulates scenarios/fit/sample-desk.yaml and writes the history
as Jira Service Management would export it (its column and status names), for docs/fit.md.

    python scripts/make_sample_export.py      # writes scenarios/fit/jira-export.csv

The canonical states become Jira statuses: a ticket's first queue is 'Waiting for support', a later one (an
escalation or a return) 'Escalated', work 'In Progress', the end 'Resolved'. Groups become Jira teams, the
segment a custom field 'Customer Tier' (JSM has no standard one: docs/fit.md passes it with --segment).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import supportsim  # noqa: E402
from supportsim.export import event_log  # noqa: E402
from supportsim.results import visit_columns  # noqa: E402

SCENARIO = ROOT / "scenarios" / "fit" / "sample-desk.yaml"
OUT = ROOT / "scenarios" / "fit" / "jira-export.csv"
TEAMS = {"L1": "Service Desk", "L2": "Second Line"}
PRIORITIES = {"P1": "High", "P2": "Medium", "P3": "Low"}
TIERS = {"standard": "Standard", "vip": "Premium"}


def main() -> None:
    import pandas as pd

    scenario = supportsim.load_scenario(SCENARIO)
    result = supportsim.simulate(scenario)
    visits = next(visit_columns(result))
    log = pd.DataFrame(event_log(visits, scenario.origin))
    case = log["case:concept:name"]
    first = ~case.duplicated()
    status = log["concept:name"].map({"working": "In Progress", "resolved": "Resolved", "queued": "Escalated"})
    status[first] = "Waiting for support"
    number = case.str.split("-").str[1].astype(int) + 1
    out = pd.DataFrame({
        "Issue key": "DESK-" + number.astype(str),
        "Changed": pd.to_datetime(log["time:timestamp"]).dt.strftime("%Y-%m-%d %H:%M:%S"),
        "Status": status,
        "Team": log["org:group"].map(TEAMS),
        "Assignee": log["org:resource"].str.replace("L1-", "sd.agent", regex=False)
                                      .str.replace("L2-", "second.line", regex=False),
        "Priority": log["priority"].map(PRIORITIES),
        "Customer Tier": log["segment"].map(TIERS),
    })
    assert not out.isna().any().any()
    out.to_csv(OUT, index=False, lineterminator="\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(out)} events of {int(np.sum(first))} tickets")


if __name__ == "__main__":
    main()

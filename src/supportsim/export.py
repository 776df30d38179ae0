"""Simulated tickets as an event log, the way a ticket system exports them (``supportsim export``).

One row per status change, with the XES standard's column names (``case:concept:name``, ``time:timestamp``,
``concept:name`` for the status, ``org:group``, ``org:resource``) plus ``priority`` and ``segment``; statuses are
the canonical states, so ``supportsim fit`` reads the file back with no options. Each visit of a ticket to a
group is ``queued`` when it reaches the group and ``working`` when an engineer takes it; the ticket is
``resolved`` when its last visit ends. Work paused at the end of a shift stays ``working`` overnight, as a
ticket left "in progress" does in a real desk (see the on-duty cut in docs/fit.md).

The per-visit times come from ``visits.csv``, which ``supportsim run --visits`` writes next to tickets.csv.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import numpy as np

from .results import VISIT_COLUMNS
from .targets import file_target, write_atomic

LOG_COLUMNS = ["case:concept:name", "time:timestamp", "concept:name", "org:group", "org:resource", "priority",
               "segment"]


class ExportError(ValueError):
    """A results folder that cannot be exported: the message says what is missing."""


def event_log(visits: Mapping[str, Any], start: datetime) -> dict[str, np.ndarray]:
    """The event-log columns from one replication's visits (a mapping of VISIT_COLUMNS arrays)."""
    ticket = np.asarray(visits["ticket"])
    order = np.lexsort((np.asarray(visits["visit"]), ticket))
    v = {k: np.asarray(visits[k])[order] for k in VISIT_COLUMNS if k in visits}
    n = len(order)
    last = np.ones(n, dtype=bool)
    last[:-1] = v["ticket"][1:] != v["ticket"][:-1]
    resource = np.char.add(np.char.add(v["group"].astype(str), "-"),
                           (np.asarray(v["engineer"], dtype=np.int64) + 1).astype(str))
    # per visit: queued, working; after the last visit: resolved. Interleave so each case reads in order.
    k = 2 + last.astype(np.int64)
    index = np.repeat(np.arange(n), k)
    within = np.arange(len(index)) - np.repeat(np.cumsum(k) - k, k)
    states = np.array(["queued", "working", "resolved"], dtype=object)[within]
    times = np.choose(within, [v["queued"][index], v["started"][index], v["ended"][index]]) if n else np.zeros(0)
    times = np.asarray(times, dtype=float)
    stamps = (np.datetime64(start.replace(tzinfo=None), "us") + np.round(times * 3.6e9).astype("timedelta64[us]"))
    return {
        "case:concept:name": np.char.add(np.char.add("T", np.asarray(v["replication"]).astype(str)[index]),
                                         np.char.add("-", v["ticket"].astype(str)[index])) if n else np.zeros(0, str),
        "time:timestamp": np.datetime_as_string(stamps, unit="s"),
        "concept:name": states,
        "org:group": v["group"][index],
        "org:resource": np.where(within == 0, "", resource[index]),
        "priority": v["priority"][index],
        "segment": v["segment"][index],
    }


def export(folder: str | Path, out: str | Path, fmt: str = "event-log", variant: str | None = None,
           replication: int = 0) -> tuple[Path, int]:
    """Write one replication of a results folder as an event log (CSV) or XES; returns (path, events)."""
    pd = _pandas()
    folder = Path(folder)
    visits_path = folder / "visits.csv"
    if not visits_path.exists():
        raise ExportError(f"{folder}: no visits.csv; run the scenario with `supportsim run --visits` to save the "
                          "per-visit times an event log needs")
    file_target(Path(out), "--out ")
    from .admit import load_scenario
    from .manifest import locked, verified

    with locked(folder):  # read as one whole run: the files the manifest names, with their hashes
        verified(folder)
        resolved = folder / "scenario.resolved.yaml"
        scenario = load_scenario(resolved) if resolved.exists() else None
        visits = pd.read_csv(visits_path, dtype={"segment": str, "priority": str, "variant": str},
                             keep_default_na=False)
    variants = list(dict.fromkeys(visits["variant"]))
    chosen = variant or (variants[0] if variants else "base")
    if chosen not in variants:
        raise ExportError(f"--variant {chosen}: not in {visits_path}; variants are {', '.join(variants)}")
    part = visits[(visits["variant"] == chosen) & (visits["replication"] == replication)]
    if part.empty:
        reps = sorted(set(visits.loc[visits["variant"] == chosen, "replication"]))
        raise ExportError(f"--replication {replication}: not in {visits_path}; replications are {reps[0]}..{reps[-1]}")
    start = scenario.origin if scenario is not None else datetime(2024, 1, 1)
    log = event_log({k: part[k].to_numpy() for k in VISIT_COLUMNS}, start)
    text = log_xes(log) if fmt == "xes" else log_csv(log, pd)
    write_atomic(Path(out), text)
    return Path(out), len(log["concept:name"])


def log_csv(log: dict[str, np.ndarray], pd: Any) -> str:
    return pd.DataFrame(log).to_csv(index=False, lineterminator="\n")


def log_xes(log: dict[str, np.ndarray]) -> str:
    """The same events as XES 1.0 (IEEE 1849): one trace per ticket; priority and segment on every event, so
    that the flattened log has the same columns as the CSV."""
    case = log["case:concept:name"]
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<log xes.version="1.0" xmlns="http://www.xes-standard.org/">',
           '  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>',
           '  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>',
           '  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>']
    starts = np.flatnonzero(np.r_[True, case[1:] != case[:-1]]) if len(case) else np.zeros(0, dtype=int)
    ends = np.r_[starts[1:], len(case)]
    for a, b in zip(starts.tolist(), ends.tolist()):
        out.append(f'  <trace><string key="concept:name" value={quoteattr(str(case[a]))}/>')
        for i in range(a, b):
            resource = log["org:resource"][i]
            out.append(f'    <event><string key="concept:name" value="{log["concept:name"][i]}"/>'
                       f'<date key="time:timestamp" value="{log["time:timestamp"][i]}"/>'
                       f'<string key="org:group" value={quoteattr(str(log["org:group"][i]))}/>'
                       + (f'<string key="org:resource" value={quoteattr(str(resource))}/>' if resource else "")
                       + f'<string key="priority" value={quoteattr(str(log["priority"][i]))}/>'
                       f'<string key="segment" value={quoteattr(str(log["segment"][i]))}/>'
                       + "</event>")
        out.append("  </trace>")
    out.append("</log>")
    return "\n".join(out) + "\n"


def _pandas() -> Any:
    from .extras import require
    return require("pandas", "pandas", "supportsim export")


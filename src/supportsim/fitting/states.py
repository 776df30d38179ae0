"""What a ticket system's statuses mean: the five canonical states and the presets of three common tools.

Every status of an export is mapped to one canonical state:

- ``queued``: waiting for an engineer of the group (new, open, escalated, reassigned);
- ``working``: an engineer has it (time in it is the work content, see docs/fit.md on what that assumes);
- ``waiting``: on the customer or a third party (vendor, change, problem): neither queued nor work;
- ``resolved``: a solution was given (the ticket may still reopen);
- ``closed``: finished for good (closed, cancelled, declined).

A preset is a mapping plus the column names the tool's export uses. The assumptions behind each are in
docs/fit.md; a desk whose workflow differs writes its own ``--states`` file (a YAML of lists).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import FitError

STATES = ("queued", "working", "waiting", "resolved", "closed")
STARTS = ("queued", "working")
"""A case whose first event is in one of these states was created then (an arrival)."""

XES_COLUMNS = {"case": "case:concept:name", "time": "time:timestamp", "status": "concept:name",
               "group": "org:group", "resource": "org:resource", "priority": "priority", "segment": "segment",
               "customer": "customer"}
"""Default column names: the XES standard's, plus plain names for what XES has no standard key for."""


@dataclass(frozen=True)
class Preset:
    """A ticket system's export: its column names (None where the export has no such column) and statuses."""

    name: str
    title: str
    columns: dict[str, str | None]
    states: dict[str, list[str]] = field(default_factory=dict)


PRESETS = {
    "jira": Preset(
        "jira", "Jira Service Management",
        # a changelog export flattened to one row per status change (the Issue key, when the change was made,
        # the status it changed to), with the fields alongside
        {"case": "Issue key", "time": "Changed", "status": "Status", "group": "Team", "resource": "Assignee",
         "priority": "Priority", "segment": None, "customer": "Organizations"},
        {"queued": ["Open", "Waiting for support", "Escalated", "To Do", "New", "Reopened"],
         "working": ["In Progress", "Work in progress", "Investigating", "Under investigation", "Implementing"],
         "waiting": ["Waiting for customer", "Pending", "Waiting for approval", "Awaiting implementation",
                     "Waiting for vendor"],
         "resolved": ["Resolved", "Done", "Completed"],
         "closed": ["Closed", "Canceled", "Cancelled", "Declined"]}),
    "zendesk": Preset(
        "zendesk", "Zendesk",
        # Explore's "Updates history" dataset, one row per ticket update that changed the status
        {"case": "Ticket ID", "time": "Update - Timestamp", "status": "Ticket status", "group": "Ticket group",
         "resource": "Assignee name", "priority": "Ticket priority", "segment": None,
         "customer": "Ticket organization name"},
        {"queued": ["New"], "working": ["Open"], "waiting": ["Pending", "On-hold", "Hold"],
         "resolved": ["Solved"], "closed": ["Closed"]}),
    "servicenow": Preset(
        "servicenow", "ServiceNow (incident)",
        # the incident table's audit of state and assignment changes; the hold reason is joined to the state,
        # so --status "state,hold_reason" gives 'On Hold/Awaiting Caller'
        {"case": "number", "time": "sys_updated_on", "status": "state,hold_reason", "group": "assignment_group",
         "resource": "assigned_to", "priority": "priority", "segment": None, "customer": "company"},
        {"queued": ["New", "Assigned"], "working": ["In Progress", "Active"],
         "waiting": ["On Hold/Awaiting Caller", "On Hold/Awaiting Change", "On Hold/Awaiting Problem",
                     "On Hold/Awaiting Vendor", "On Hold"],
         "resolved": ["Resolved"], "closed": ["Closed", "Canceled", "Cancelled"]}),
}

CANONICAL = {state: [state] for state in STATES}
"""What `supportsim export` writes, and what an export without --states/--preset is read with."""


def load_states(path: str | Path) -> dict[str, list[str]]:
    """A ``--states`` file: ``{queued: [...], working: [...], waiting: [...], resolved: [...], closed: [...]}``."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise FitError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise FitError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise FitError(f"{path}: expected a mapping of canonical states to lists of statuses, e.g. "
                       "{queued: [New], working: [In Progress], waiting: [Pending], resolved: [Solved], "
                       "closed: [Closed]}")
    states: dict[str, list[str]] = {}
    for key, values in data.items():
        if key not in STATES:
            raise FitError(f"{path}: {key}: not a canonical state; they are {', '.join(STATES)}")
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, (str, int)) for v in values):
            raise FitError(f"{path}: {key}: expected a list of statuses")
        states[key] = [str(v) for v in values]
    return states


def status_map(states: dict[str, list[str]], where: str = "--states") -> dict[str, str]:
    """Status -> canonical state; a status listed under two states is an error."""
    out: dict[str, str] = {}
    for state, statuses in states.items():
        for status in statuses:
            if status in out and out[status] != state:
                raise FitError(f"{where}: status {status!r} is listed under both {out[status]} and {state}")
            out[status] = state
    return out

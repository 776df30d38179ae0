"""Reading an export into one table of events: columns chosen, statuses mapped, times parsed, bad rows counted.

An event log has one row per status change (``case``, ``time``, ``status``, and optionally ``group``,
``resource``, ``priority``, ``segment``, ``customer``); a ticket table has one row per ticket (``created``,
``first_response``, ``resolved``, ...) and is turned into the same events. Everything here is vectorised
over rows with pandas: there is no Python loop per event.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..extras import require
from .errors import FitError
from .states import (
    CANONICAL,
    PRESETS,
    XES_COLUMNS,
    load_states,
)

ROLES = ("case", "time", "status", "group", "resource", "priority", "segment", "customer")
TICKET_COLUMNS = ("created", "first_response", "resolved")
BAD_KINDS = {"time": "unparseable time", "case": "no case id", "order": "event out of order in its case",
             "start": "case with no start"}
NAME = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass
class ReadOptions:
    """How to read an export: columns by role (None: the default or the preset's), states, window, time zone."""

    columns: dict[str, str | None] = field(default_factory=dict)
    preset: str | None = None
    states: str | dict[str, list[str]] | None = None
    ignore_unknown: bool = False
    skip_bad: bool = False
    tz: str | None = None
    since: str | None = None
    until: str | None = None


@dataclass
class Events:
    """Events sorted by case and time. Times are hours since ``origin`` (a Monday 00:00 of the desk's clock)."""

    case: np.ndarray        # int64 case index
    time: np.ndarray        # float64 hours since origin (elapsed time, daylight saving included)
    wall: np.ndarray        # float64 hours since origin on the desk's wall clock (for hours of the week)
    state: np.ndarray       # int8 index into STATES
    group: np.ndarray       # int32 index into groups
    resource: np.ndarray    # int32 index into resources, -1 none
    row: np.ndarray         # int64 row number in the file, for messages
    groups: list[str]
    resources: list[str]
    case_ids: np.ndarray    # per case: its id in the file
    priority: np.ndarray    # per case: index into priorities (-1 none)
    segment: np.ndarray     # per case: index into segments
    customer: np.ndarray    # per case: index into customers (-1 none)
    priorities: list[str]
    segments: list[str]
    customers: list[str]
    origin: Any             # pandas Timestamp, naive, wall clock
    since: float            # the window: hours since origin
    until: float
    truncated: np.ndarray   # per case: open before the window began (no start seen)
    quality: dict[str, Any]
    renamed: dict[str, dict[str, str]]
    source: str
    kind: str               # "event log" or "ticket table"


def read_table(path: str | Path, options: ReadOptions | None = None) -> Any:
    """The file as a pandas DataFrame of strings: CSV (also .gz), Parquet, or XES (plain XML, no extra).
    With ``options``, a CSV is read in two passes: the header, then only the columns the fit uses (exports
    of ticket systems carry dozens of columns)."""
    pd = require("pandas", "pandas", "supportsim fit")
    path = Path(path)
    name = path.name.lower()
    if not path.is_file():
        raise FitError(f"{path}: no such file")
    try:
        if name.endswith((".xes", ".xes.gz")):
            return read_xes(path)
        if name.endswith(".parquet"):
            require("pyarrow", "parquet", "reading Parquet")
            return pd.read_parquet(path).astype("string")
        sep = "\t" if name.endswith((".tsv", ".tsv.gz")) else ","
        usecols = None
        if options is not None:
            header = pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep, nrows=0)
            usecols = list(wanted_columns(header, options))
        return pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep, usecols=usecols, engine=_engine())
    except FitError:
        raise
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise FitError(f"{path}: cannot read ({why})") from None


def _engine() -> str:
    """pyarrow's CSV reader when installed (the parquet extra): multi-threaded, and a third less memory."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return "c"
    return "pyarrow"


def read_xes(path: Path) -> Any:
    """An XES file flattened as process-mining tools do: trace attributes prefixed ``case:``, event attributes as
    they are. Parsed with the standard library's streaming XML reader."""
    import xml.etree.ElementTree as ET

    pd = require("pandas", "pandas", "supportsim fit")
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    rows: list[dict[str, str]] = []
    trace: dict[str, str] = {}
    in_event = False
    event: dict[str, str] = {}
    with opener(path, "rb") as handle:
        for action, elem in ET.iterparse(handle, events=("start", "end")):
            tag = elem.tag.rsplit("}", 1)[-1]
            if action == "start":
                if tag == "trace":
                    trace = {}
                elif tag == "event":
                    in_event, event = True, {}
                continue
            if tag == "event":
                rows.append({**trace, **event})
                in_event = False
                elem.clear()
            elif tag == "trace":
                elem.clear()
            elif "key" in elem.attrib and "value" in elem.attrib:
                if in_event:
                    event[elem.attrib["key"]] = elem.attrib["value"]
                else:
                    trace[f"case:{elem.attrib['key']}"] = elem.attrib["value"]
    return pd.DataFrame(rows, dtype=str).fillna("")


def valid_names(values: list[str], reserved: tuple[str, ...] = ()) -> dict[str, str]:
    """Each value -> a valid scenario name (letters, digits, _ and -), distinct; only the changed ones."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for value in values:
        name = NAME.sub("_", value).strip("_") or "unnamed"
        if name in reserved:
            name += "_"
        base, k = name, 2
        while name in taken:
            name, k = f"{base}_{k}", k + 1
        taken.add(name)
        if name != value:
            out[value] = name
    return out


def _resolve_columns(frame: Any, options: ReadOptions) -> dict[str, list[str]]:
    """Role -> the columns that hold it (status may combine several), checked against the file."""
    preset = PRESETS[options.preset].columns if options.preset else {}
    chosen: dict[str, list[str]] = {}
    for role in ROLES:
        given = options.columns.get(role)
        default = preset.get(role, XES_COLUMNS[role]) if options.preset else XES_COLUMNS[role]
        spec = given if given is not None else default
        if spec is None:
            continue
        names = [c.strip() for c in spec.split(",")] if role == "status" else [spec]
        missing = [c for c in names if c not in frame.columns]
        required = role in ("case", "time", "status") or given is not None
        if missing and role == "status" and options.preset and given is None and names[0] in frame.columns:
            names = names[:1]  # a preset's optional second status column (ServiceNow's hold reason) may be absent
        elif missing:
            if required:
                raise FitError(f"no column {missing[0]!r} for the {role} (--{role}); the columns are "
                               f"{', '.join(map(repr, frame.columns))}")
            continue
        chosen[role] = names
    return chosen


def _states(options: ReadOptions) -> dict[str, list[str]]:
    if isinstance(options.states, dict):
        return options.states
    if options.states:
        return load_states(options.states)
    if options.preset:
        return PRESETS[options.preset].states
    return CANONICAL


def wanted_columns(header: Any, options: ReadOptions) -> set[str]:
    """The columns of the file that the fit reads (checked: a missing one is an error naming its option)."""
    if _is_ticket_table(header, options):
        roles = ("case", "group", "resource", "priority", "segment", "customer")
        named = {str(options.columns[r]) for r in roles if options.columns.get(r)}
        return named | {c for c in (*TICKET_COLUMNS, "ticket", *roles) if c in header.columns}
    return {c for names in _resolve_columns(header, options).values() for c in names}


def _is_ticket_table(frame: Any, options: ReadOptions) -> bool:
    status = options.columns.get("status") or (PRESETS[options.preset].columns["status"] if options.preset
                                               else XES_COLUMNS["status"])
    return str(status).split(",")[0].strip() not in frame.columns and all(c in frame.columns for c in TICKET_COLUMNS)


def tickets_to_events(frame: Any, options: ReadOptions) -> tuple[Any, Any]:
    """A ticket table as an event log: queued at created, working from the first response to resolved.

    The work content is then the time from first response to resolution, an upper bound (say so when reading)."""
    pd = require("pandas", "pandas", "supportsim fit")
    n = len(frame)
    case_col = options.columns.get("case") or ("ticket" if "ticket" in frame.columns else None)
    case = frame[case_col].astype(str) if case_col else pd.Series(np.arange(1, n + 1).astype(str))
    parts = []
    for k, (column, state) in enumerate(zip(TICKET_COLUMNS, ("queued", "working", "resolved"))):
        part = pd.DataFrame({"case": case.to_numpy(), "time": frame[column].to_numpy(), "status": state,
                             "_row": np.arange(n), "_k": k})
        for role in ("group", "resource", "priority", "segment", "customer"):
            col = options.columns.get(role) or (role if role in frame.columns else None)
            if col is not None:
                if col not in frame.columns:
                    raise FitError(f"no column {col!r} for the {role} (--{role}); the columns are "
                                   f"{', '.join(map(repr, frame.columns))}")
                part[role] = frame[col].to_numpy()
        if state != "queued":  # a ticket not yet answered or resolved has no such event
            part = part[frame[column].fillna("").astype(str).str.strip().to_numpy() != ""]
        parts.append(part)
    events = pd.concat(parts, ignore_index=True).sort_values(["_row", "_k"], kind="stable")
    rows = events["_row"].to_numpy()
    return events.drop(columns=["_row", "_k"]).reset_index(drop=True), rows

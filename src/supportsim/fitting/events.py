"""From a file to :class:`~supportsim.fit.read.Events`: bad rows, unknown statuses, time zones, the window.

Bad rows are of four kinds (unparseable time, no case id, an event earlier than one before it in its case, a
case whose first event is not a start), counted by kind with example row numbers. Without ``skip_bad`` the
first one is an error; with it they are left out and reported.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from ..extras import require
from .errors import FitError
from .read import (
    BAD_KINDS,
    Events,
    ReadOptions,
    _is_ticket_table,
    _resolve_columns,
    _states,
    read_table,
    tickets_to_events,
    valid_names,
)
from .states import STARTS, STATES, status_map

HOUR_NS = 3_600_000_000_000
OFFSET = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")
EXAMPLES = 5


def load_events(path: str | Path, options: ReadOptions | None = None) -> Events:
    """The export's events (see :class:`Events`); bad input raises FitError naming the file or the option."""
    try:
        return _load(Path(path), options or ReadOptions())
    except FitError as exc:
        text = str(exc)
        options = options or ReadOptions()
        if text.startswith((str(path), "--")) or (isinstance(options.states, str) and text.startswith(options.states)):
            raise
        raise FitError(f"{path}: {text}") from None


def _load(path: Path, options: ReadOptions) -> Events:
    pd = require("pandas", "pandas", "supportsim fit")
    if options.preset is not None and options.preset not in _presets():
        raise FitError(f"--preset {options.preset}: unknown; presets are {', '.join(_presets())}")
    frame = read_table(path, options)
    kind = "event log"
    rows = np.arange(len(frame))
    if _is_ticket_table(frame, options):
        kind = "ticket table"
        frame, rows = tickets_to_events(frame, options)
        columns = {role: [role] for role in ("case", "time", "status", "group", "resource", "priority", "segment",
                                             "customer") if role in frame.columns}
    else:
        columns = _resolve_columns(frame, options)
    first_line = 1 if path.name.lower().endswith((".xes", ".xes.gz", ".parquet")) else 2
    unit = "event" if first_line == 1 else "line"
    line = rows + first_line  # what a person finds in the file
    if len(frame) == 0:
        raise FitError(f"{path}: no rows")

    def column(role: str) -> Any:
        names = columns.get(role)
        if not names:
            return None
        out = frame[names[0]].fillna("").astype(str).str.strip()
        for extra in names[1:]:  # combined status: 'On Hold' + 'Awaiting Caller' -> 'On Hold/Awaiting Caller'
            other = frame[extra].fillna("").astype(str).str.strip()
            out = out.where(other.eq(""), out + "/" + other)
        return out

    case = column("case")
    status = column("status")
    assert case is not None and status is not None

    # ---- statuses -> canonical states ---------------------------------------------------------------
    mapping = status_map(_states(options), "--preset " + options.preset if options.preset and not options.states
                         else "--states")
    codes, uniques = pd.factorize(status)
    known = np.array([STATES.index(mapping[u]) if u in mapping else -1 for u in uniques], dtype=np.int8)
    state = known[codes] if len(uniques) else np.zeros(0, dtype=np.int8)
    unknown = state < 0
    quality: dict[str, Any] = {"rows": len(frame), "unit": unit, "kind": kind, "bad": {},
                               "unknown_statuses": {}}
    if unknown.any():
        counts = pd.Series(status[unknown]).value_counts()
        quality["unknown_statuses"] = {str(k): int(v) for k, v in counts.items()}
        if not options.ignore_unknown:
            listed = ", ".join(f"{k!r} ({v})" for k, v in list(quality["unknown_statuses"].items())[:12])
            more = len(counts) - 12
            raise FitError(f"{path}: {len(counts)} status{'es' * (len(counts) > 1)} not mapped to a canonical state: "
                           f"{listed}{f' and {more} more' if more > 0 else ''}; map them with --states FILE "
                           f"(queued/working/waiting/resolved/closed), choose a --preset, or pass --ignore-unknown")

    # ---- times ----------------------------------------------------------------------------------------
    text = column("time")
    assert text is not None
    elapsed, wall = _parse_times(text, options.tz, pd)
    bad: dict[str, np.ndarray] = {"time": np.isnan(elapsed) & ~unknown, "case": case.eq("").to_numpy() & ~unknown}
    keep = ~(bad["time"] | bad["case"] | unknown)
    # out of order: earlier than an event above it in the same case (file order)
    case_codes = pd.factorize(case)[0]
    order = np.lexsort((np.arange(len(frame)), case_codes))
    t_sorted = np.where(keep, elapsed, -np.inf)[order]
    c_sorted = case_codes[order]
    running = pd.Series(t_sorted).groupby(c_sorted).cummax().to_numpy()
    before = np.empty_like(running)
    before[0] = -np.inf
    before[1:] = np.where(c_sorted[1:] == c_sorted[:-1], running[:-1], -np.inf)
    late = np.zeros(len(frame), dtype=bool)
    late[order] = keep[order] & (t_sorted < before)
    bad["order"] = late
    keep &= ~late

    # ---- the window ---------------------------------------------------------------------------------
    since = _bound(options.since, "--since", options.tz, pd)
    until = _bound(options.until, "--until", options.tz, pd)
    in_window = keep.copy()
    if since is not None:
        in_window &= elapsed >= since[0]
    if until is not None:
        in_window &= elapsed < until[0]
    began_before = np.zeros(case_codes.max() + 1 if len(case_codes) else 0, dtype=bool)
    if since is not None:
        began_before[case_codes[keep & (elapsed < since[0])]] = True

    # a case whose first (kept) event in the window is not a start: open before the window (with --since), else bad
    idx = np.flatnonzero(in_window)
    idx = idx[np.lexsort((elapsed[idx], case_codes[idx]))]
    first = np.ones(len(idx), dtype=bool)
    first[1:] = case_codes[idx][1:] != case_codes[idx][:-1]
    first_rows = idx[first]
    no_start = ~np.isin(state[first_rows], [STATES.index(s) for s in STARTS])
    truncated_cases = np.zeros_like(began_before)
    if since is not None:
        truncated_cases[case_codes[first_rows[no_start]]] = True
        truncated_cases |= began_before
        bad["start"] = np.zeros(len(frame), dtype=bool)
    else:
        bad["start"] = np.zeros(len(frame), dtype=bool)
        bad["start"][first_rows[no_start]] = True
        dropped_cases = np.zeros_like(began_before)
        dropped_cases[case_codes[first_rows[no_start]]] = True
        in_window &= ~dropped_cases[case_codes]

    for key, mask in bad.items():
        if mask.any():
            where = np.flatnonzero(mask)
            quality["bad"][BAD_KINDS[key]] = {"count": int(mask.sum()),
                                              "examples": [int(line[i]) for i in where[:EXAMPLES]]}
    if quality["bad"] and not options.skip_bad:
        first_kind = min(bad, key=lambda k: np.flatnonzero(bad[k])[0] if bad[k].any() else np.inf)
        i = int(np.flatnonzero(bad[first_kind])[0])
        detail = {"time": f"time {text.iloc[i]!r}", "case": "empty case id",
                  "order": f"case {case.iloc[i]!r} at {text.iloc[i]!r} is earlier than an event above it",
                  "start": f"case {case.iloc[i]!r} begins with status {status.iloc[i]!r}, not a start "
                           f"({'/'.join(STARTS)}; pass --since DATE if the export was cut at a date)"}[first_kind]
        counts = "; ".join(f"{k}: {v['count']} (e.g. {unit}s {', '.join(map(str, v['examples']))})"
                           for k, v in quality["bad"].items())
        raise FitError(f"{path}: {unit} {line[i]}: {BAD_KINDS[first_kind]}: {detail}; bad rows: {counts}; "
                       "fix them or pass --skip-bad to leave them out")

    sel = np.flatnonzero(in_window)
    if len(sel) == 0:
        raise FitError(f"{path}: no events left in the window")
    sel = sel[np.lexsort((sel, elapsed[sel], case_codes[sel]))]
    return _build(frame, columns, column, sel, case, case_codes, elapsed, wall, state, line, since, until,
                  truncated_cases, quality, path, kind, pd)


URGENCY = {"blocker": 0, "critical": 0, "highest": 0, "urgent": 0, "emergency": 0, "high": 1, "major": 1,
           "medium": 2, "normal": 2, "moderate": 2, "low": 3, "minor": 3, "lowest": 4, "trivial": 4, "planning": 4}


def urgency(name: str) -> tuple:
    """Sort key of a priority name, most urgent first: words ticket systems use, else by the numbers in it
    (P1 before P2, '1 - Critical' before '2 - High'), else by name."""
    words = re.findall(r"[a-z]+", name.lower())
    word = next((URGENCY[w] for w in words if w in URGENCY), None)
    numbers = [int(d) for d in re.findall(r"\d+", name)]
    return (numbers[0] if numbers else 99, word if word is not None else 9, name)


def _presets() -> list[str]:
    from .states import PRESETS
    return list(PRESETS)


def _parse_times(text: Any, tz: str | None, pd: Any) -> tuple[np.ndarray, np.ndarray]:
    """(elapsed, wall) in ns since the epoch as float64 (NaN unparseable). Timestamps with an offset are
    absolute: their wall clock is ``tz``'s (UTC without). Naive ones are the desk's wall clock; with ``tz``
    their elapsed time follows its daylight saving."""
    sample = text[text.ne("")].head(1000)
    aware = bool(sample.str.contains(OFFSET).any())
    parsed = _to_datetime(text, aware, pd)
    if aware:
        wall = parsed.dt.tz_convert(tz or "UTC").dt.tz_localize(None) if _valid_tz(tz) else parsed.dt.tz_localize(None)
        elapsed = parsed.dt.tz_localize(None)
    else:
        wall = parsed
        elapsed = parsed
        if tz:
            _valid_tz(tz)
            # the hour repeated when clocks go back is read as the first of the two (daylight-saving time)
            elapsed = parsed.dt.tz_localize(tz, ambiguous=np.ones(len(parsed), dtype=bool),
                                            nonexistent="shift_forward").dt.tz_convert("UTC").dt.tz_localize(None)
    return _ns(elapsed), _ns(wall)


def _to_datetime(text: Any, aware: bool, pd: Any) -> Any:
    for fmt in ("ISO8601", "mixed"):
        try:
            parsed = pd.to_datetime(text.where(text.ne(""), None), errors="coerce", utc=aware, format=fmt)
        except (ValueError, TypeError):
            continue
        if fmt == "mixed" or parsed.notna().mean() > 0.5:
            return parsed
    return pd.to_datetime(pd.Series([None] * len(text)), utc=aware)


def _ns(series: Any) -> np.ndarray:
    values = series.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(np.float64)
    values[series.isna().to_numpy()] = np.nan
    return values


def _valid_tz(tz: str | None) -> bool:
    if not tz:
        return False
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise FitError(f"--tz {tz}: not a time zone name such as Europe/Berlin or UTC") from None
    return True


def _bound(value: str | None, option: str, tz: str | None, pd: Any) -> tuple[float, float] | None:
    if value is None:
        return None
    from pandas import Series
    elapsed, wall = _parse_times(Series([value]), tz, pd)
    if np.isnan(elapsed[0]):
        raise FitError(f"{option} {value}: not a date or date-time such as 2027-03-01 or 2027-03-01T08:00")
    return float(elapsed[0]), float(wall[0])


def _build(frame: Any, columns: Any, column: Any, sel: Any, case: Any, case_codes: Any, elapsed: Any, wall: Any,
           state: Any, line: Any, since: Any, until: Any, truncated_cases: Any, quality: Any, path: Any, kind: Any,
           pd: Any) -> Events:
    cases_sel = case_codes[sel]
    new_case, case_index = np.unique(cases_sel, return_inverse=True)
    n_cases = len(new_case)
    first_of_case = np.ones(len(sel), dtype=bool)
    first_of_case[1:] = case_index[1:] != case_index[:-1]
    # the desk's clock: hour 0 is the Monday 00:00 before the first event
    t0 = float(elapsed[sel].min()) if since is None else since[0]
    w0 = float(wall[sel][np.argmin(elapsed[sel])]) if since is None else since[1]
    start_wall = pd.Timestamp(int(w0))
    origin = (start_wall - pd.Timedelta(days=start_wall.weekday())).normalize()
    shift = (w0 - origin.value) / HOUR_NS
    time = (elapsed[sel] - t0) / HOUR_NS + shift
    wall_h = (wall[sel] - origin.value) / HOUR_NS
    end = ((until[0] - t0) / HOUR_NS + shift) if until is not None else float(time.max())

    renamed: dict[str, dict[str, str]] = {}

    def coded(role: str, per_case: bool, reserved: tuple[str, ...] = (), default: str | None = None
              ) -> tuple[np.ndarray, list[Any]]:
        values = column(role)
        if values is None:
            if default is None:
                return np.full(n_cases if per_case else len(sel), -1, dtype=np.int32), []
            return np.zeros(n_cases if per_case else len(sel), dtype=np.int32), [default]
        # work on integer codes: a million strings as Python objects would cost hundreds of MB
        all_codes, uniques = pd.factorize(values)
        blank = [k for k, u in enumerate(uniques) if u == ""]
        c = all_codes[sel].astype(np.int64)
        if blank:
            c[c == blank[0]] = -1
        present = c >= 0
        if per_case:  # the last value a case had (priorities and segments may be corrected on the way)
            last = np.full(n_cases, -1, dtype=np.int64)
            last[case_index[present]] = np.flatnonzero(present)  # later rows overwrite earlier: the last wins
            out = np.where(last >= 0, c[np.maximum(last, 0)], -1)
        elif role != "group":  # an event without a resource: nobody at work
            out = c
        else:  # an event without a group belongs to the case's next (else previous) group
            s = pd.Series(np.where(present, c, np.nan))
            s = s.groupby(case_index).bfill().groupby(case_index).ffill()
            out = s.fillna(-1).to_numpy().astype(np.int64)
        codes, used = pd.factorize(out)  # renumber the values in use, in order of appearance
        names = [str(uniques[u]) if u >= 0 else "" for u in used]
        if "" in names:
            k = names.index("")
            if default is None:
                codes = np.where(codes == k, -1, np.where(codes > k, codes - 1, codes))
                names.pop(k)
            else:
                quality.setdefault("filled", {})[role] = int((codes == k).sum())
                names[k] = default
        mapping = valid_names(names, reserved) if role != "resource" else {}
        if mapping:
            renamed[role] = mapping
            names = [mapping.get(n, n) for n in names]
        return codes.astype(np.int32), names

    group, groups = coded("group", False, default="desk")
    if "desk" in groups and len(groups) > 1 and quality.get("filled", {}).get("group"):
        groups[groups.index("desk")] = "unassigned"
    resource, resources = coded("resource", False)
    priority, priorities = coded("priority", True, default=None)
    if priorities:  # most urgent first, as a scenario lists them
        ranked = sorted(range(len(priorities)), key=lambda k: urgency(priorities[k]))
        remap = np.empty(len(priorities), dtype=np.int32)
        remap[ranked] = np.arange(len(priorities))
        priority = np.where(priority >= 0, remap[np.maximum(priority, 0)], -1).astype(np.int32)
        priorities = [priorities[k] for k in ranked]
    segment, segments = coded("segment", True, reserved=("all", "mean"), default="standard")
    customer, customers = coded("customer", True)
    if priorities and (priority < 0).any():
        common = np.bincount(priority[priority >= 0]).argmax()
        quality["filled"] = {**quality.get("filled", {}), "priority": int((priority < 0).sum())}
        priority = np.where(priority < 0, common, priority).astype(np.int32)
    quality["events"] = len(sel)
    quality["cases"] = int(n_cases)
    quality["truncated"] = int(truncated_cases[new_case].sum()) if len(truncated_cases) else 0
    return Events(case=case_index.astype(np.int64), time=time, wall=wall_h, state=state[sel].astype(np.int8),
                  group=group, resource=resource, row=line[sel], groups=groups, resources=resources,
                  case_ids=case.to_numpy()[sel[first_of_case]], priority=priority, segment=segment,
                  customer=customer, priorities=priorities, segments=segments, customers=customers, origin=origin,
                  since=shift, until=end, truncated=truncated_cases[new_case] if len(truncated_cases) else
                  np.zeros(n_cases, dtype=bool), quality=quality, renamed=renamed, source=str(path), kind=kind)

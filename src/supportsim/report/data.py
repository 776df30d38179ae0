"""Reading a results folder for the report: tolerant of missing and optional files, strict about broken ones.

A results folder holds ``summary.json`` (required unless the folder is a sweep with ``sweep.csv``), and
optionally ``tickets.csv``, ``scenario.resolved.yaml``, ``profiles.json``, ``sweep.csv`` and ``checks.json``.
Each optional file only adds a section; when it is absent the section is left out and a note says why.
Their formats are documented in ``docs/report.md``. This module holds the report's own types and reads the
files every run writes; :mod:`.optional` reads the optional ones and :mod:`.folder` reads a whole folder
(which must be one whole run, see :mod:`supportsim.manifest`).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from ..service_targets import measured_clock

CDF_LEVELS = np.linspace(0.0, 1.0, 401)
"""Probability levels at which each ticket distribution is kept (quantiles; enough for a smooth CDF)."""

MEASURES = ("reaction", "resolution")


class ReportError(ValueError):
    """The folder cannot be reported on (missing or unreadable required file); one line for the user."""


@dataclass
class Estimate:
    value: float
    low: float | None = None
    high: float | None = None

    @property
    def half_width(self) -> float | None:
        return None if self.low is None or self.high is None else (self.high - self.low) / 2


@dataclass
class Series:
    """A curve with an optional confidence band: x positions, values, and band bounds (or None)."""

    x: np.ndarray
    value: np.ndarray
    low: np.ndarray | None = None
    high: np.ndarray | None = None


@dataclass
class WeekProfile:
    """One variant's week from profiles.json: 168 values by hour of week (Monday 00:00 first), NaN where
    undefined (utilization while nobody is on duty)."""

    arrivals: np.ndarray | None                  # tickets arriving per hour
    backlog: np.ndarray | None                   # open tickets (waiting or in work)
    groups: dict[str, dict[str, np.ndarray | None]]  # group -> utilization | queue_length | engineers_on_duty


@dataclass
class ReportedVerdict:
    """One verdict of a service-target check as checks.json reports it (see supportsim.checks.Verdict)."""

    name: str
    status: str               # pass | fail | inconclusive (lower case)
    variant: str | None = None
    detail: str = ""


@dataclass
class Results:
    folder: Path
    summary: dict | None = None
    scenario: Any = None                    # supportsim.scenario.Scenario, when scenario.resolved.yaml validates
    scenario_data: dict | None = None       # the same file as plain data (always, when readable)
    variant_scenarios: dict = field(default_factory=dict)   # name -> Scenario of each variant
    distributions: dict = field(default_factory=dict)       # (variant, segment, measure) -> quantiles at CDF_LEVELS
    ticket_counts: dict = field(default_factory=dict)       # (variant, segment) -> tickets pooled over replications
    sla_met: dict = field(default_factory=dict)             # (variant, segment, measure) -> {rep: share within SLA}
    week: dict[str, WeekProfile] = field(default_factory=dict)  # variant -> its week, from profiles.json
    backlog: dict[str, Series] = field(default_factory=dict)    # variant -> open tickets over simulated time
    sweep: list[dict] | None = None                         # sweep.csv rows, parameters parsed
    sweep_parameters: list[str] = field(default_factory=list)
    checks: list[ReportedVerdict] = field(default_factory=list)
    checks_judged: bool = False                             # checks: judged from summary.json (no checks.json)
    notes: list[str] = field(default_factory=list)          # what was skipped and why (shown at the bottom)
    files: list[str] = field(default_factory=list)          # files read

    # ---- names, in a stable order ------------------------------------------------------------------------
    @property
    def variants(self) -> list[str]:
        """Variant names in the order of summary.json (then any only known from sweep or profile files)."""
        names = list((self.summary or {}).get("variants", {}))
        for row in self.sweep or []:
            if row["variant"] not in names:
                names.append(row["variant"])
        for name in [*self.week, *self.backlog]:
            if name not in names:
                names.append(name)
        return names or ["base"]

    @property
    def baseline(self) -> str | None:
        name = (self.summary or {}).get("baseline")
        return name if name in self.variants and len(self.variants) > 1 else None

    @property
    def segments(self) -> list[str]:
        """Segment names, VIP segments first (without the pooled 'all')."""
        names: list[str] = []
        for figures in (self.summary or {}).get("variants", {}).values():
            names += [s for s in figures.get("segments", {}) if s != "all" and s not in names]
        if not names and self.scenario_data:
            names = list(self.scenario_data.get("segments") or {})
        vip = set(self.vip_segments)
        return [s for s in names if s in vip] + [s for s in names if s not in vip]

    @property
    def vip_segments(self) -> list[str]:
        segments = (self.scenario_data or {}).get("segments") or {}
        return [name for name, seg in segments.items() if isinstance(seg, dict) and seg.get("vip")]

    @property
    def tiers(self) -> list[str]:
        """``vip`` and ``non_vip`` (summary.json's ``tiers``: all VIP segments pooled, and all others), those
        with tickets in some variant."""
        return [t for t in TIERS if any((self.estimate(v, "tiers", t, "tickets") or Estimate(0.0)).value > 0
                                        for v in (self.summary or {}).get("variants", {}))]

    def tier_label(self, tier: str) -> str:
        return TIER_LABELS[tier] if "vip" in self.tiers else "all tickets"

    @property
    def groups(self) -> list[str]:
        names: list[str] = []
        for figures in (self.summary or {}).get("variants", {}).values():
            names += [g for g in figures.get("groups", {}) if g not in names]
        return names or list((self.scenario_data or {}).get("groups") or {})

    def sla_target(self, segment: str, measure: str) -> float | None:
        """The SLA target in hours on its own clock (the clock of the segment's distribution), from the
        validated scenario; None without one, or for working days (``5bd``: due times vary with arrival)."""
        if self.scenario is None:
            return None
        target = getattr(self.scenario.sla.get(segment), measure, None)
        return None if target is None else target.hours

    def clock(self, segment: str, measure: str) -> str | None:
        """The calendar a segment's reaction or resolution is measured on, when it is not around the clock."""
        if self.scenario is None:
            return None
        name = measured_clock(self.scenario, segment, measure)
        return None if self.scenario.calendar(name).is_always else name

    def sla_words(self, segment: str, measure: str) -> str:
        """The target as written with its clock, e.g. '4h on office', '15m around the clock' ('' if none)."""
        if self.scenario is None:
            return ""
        target = getattr(self.scenario.sla.get(segment), measure, None)
        if target is None:
            return ""
        clock = measured_clock(self.scenario, segment, measure)
        on = "around the clock" if self.scenario.calendar(clock).is_always else f"on {clock}"
        return f"{target.within} {on}"

    # ---- figures from summary.json ---------------------------------------------------------------------
    def estimate(self, variant: str, *path: str) -> Estimate | None:
        node: Any = (self.summary or {}).get("variants", {}).get(variant, {})
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        return as_estimate(node)

    def ratio(self, variant: str, tier: str, measure: str, statistic: str) -> Estimate | None:
        """The variant's figure over the baseline's with its paired 95% interval, as the run computed it:
        ``vs_baseline.<vip|non_vip|all>.<reaction|resolution>.<mean|p90>`` = ``{"ratio", "ci95"}`` (see
        supportsim.stats.paired_ratios); None for the baseline itself, or where the run found no ratio."""
        node: Any = (self.summary or {}).get("variants", {}).get(variant, {}).get("vs_baseline")
        for part in (tier, measure, statistic):
            node = node.get(part) if isinstance(node, dict) else None
        return as_estimate(node, "ratio")


TIERS = ("vip", "non_vip")
TIER_LABELS = {"vip": "VIP", "non_vip": "non-VIP"}


def as_estimate(node: Any, key: str = "value") -> Estimate | None:
    """``{"value": v, "ci95": [lo, hi]}`` as summary.json writes figures (``key`` "ratio" for vs_baseline);
    None when the value is missing or null, no interval when the bounds are."""
    if not isinstance(node, dict) or not is_number(node.get(key)) or not math.isfinite(node[key]):
        return None
    pair = node.get("ci95")
    bounds = pair if isinstance(pair, list) and len(pair) == 2 and all(is_number(b) for b in pair) else (None, None)
    return Estimate(float(node[key]), *bounds)


def read_json(path: Path, expect: type | None = None) -> Any:
    """A JSON file's content; ReportError naming the file and line when it is not JSON (or not ``expect``)."""
    try:
        if path.exists() and not path.is_file():  # a pipe would block, a device never end
            raise ReportError(f"{path}: is not a regular file")
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise ReportError(f"{path}: invalid JSON: nested too deeply to be a results file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: cannot read: {exc}") from None
    if expect is dict and not isinstance(data, dict):
        raise ReportError(f"{path}: expected a JSON object at the top")
    return data


def read_scenario(results: Results) -> None:
    path = results.folder / "scenario.resolved.yaml"
    if not path.exists():
        results.notes.append("scenario.resolved.yaml not found: the scenario paragraph and offered loads are left out.")
        return
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        results.notes.append(f"scenario.resolved.yaml could not be read ({str(exc).splitlines()[0]}).")
        return
    if not isinstance(data, dict):
        results.notes.append("scenario.resolved.yaml is not a mapping; the scenario paragraph is left out.")
        return
    results.scenario_data = data
    results.files.append(path.name)
    # late: keeps data reading importable alone
    from ..admit import load_scenario
    from ..loader import ScenarioError, expand_variants

    try:
        results.scenario = load_scenario(data)
        results.variant_scenarios = expand_variants(results.scenario)
    except ScenarioError as exc:
        # written by another version of supportsim, say: describe it from the plain data, without loads
        results.notes.append(f"scenario.resolved.yaml does not validate with this version ({exc.messages()[0]}); "
                             "offered loads and SLA targets are left out.")


def read_tickets(results: Results) -> None:
    path = results.folder / "tickets.csv"
    if not path.exists():
        results.notes.append("tickets.csv not found: the distribution plots are left out.")
        return
    columns = _ticket_columns(path)
    if columns is None:
        results.notes.append("tickets.csv lacks the variant, segment, reaction or resolution column; "
                             "the distribution plots are left out.")
        return
    results.files.append(path.name)
    for (variant, segment), values in columns.items():
        results.ticket_counts[(variant, segment)] = len(values["reaction"])
        replications, which = np.unique(values["replication"], return_inverse=True)
        for measure in MEASURES:
            # on the clock of the segment's target (the same as calendar time where that clock is 24x7), so a
            # target is a line on its own axis; files without the column are on calendar time
            business = values[f"{measure}_business"]
            data = np.where(np.isfinite(business), business, values[measure])
            finite = np.isfinite(data)
            if finite.any():
                results.distributions[(variant, segment, measure)] = np.quantile(data[finite], CDF_LEVELS)
            # summary.json's vs_baseline pairs times, not SLA attainment: pair the shares here, per replication
            met = values[f"{measure}_sla_met"]
            usable = np.isfinite(met)
            if len(replications) > 1 and usable.any():
                results.sla_met[(variant, segment, measure)] = {
                    r: float(met[(which == i) & usable].mean()) for i, r in enumerate(replications.tolist())
                    if ((which == i) & usable).any()}


TICKET_COLUMNS = ["variant", "segment", *MEASURES]
OPTIONAL_TICKET_COLUMNS = {"replication": 0.0, "reaction_sla_met": math.nan, "resolution_sla_met": math.nan,
                           "reaction_business": math.nan, "resolution_business": math.nan}


def _ticket_columns(path: Path) -> dict[tuple[str, str], dict[str, np.ndarray]] | None:
    """Per (variant, segment): reaction and resolution times, replication and SLA-met flags of each ticket, or
    None when a required column is missing. Absent optional columns read as one replication, no SLA."""
    numeric = [*MEASURES, *OPTIONAL_TICKET_COLUMNS]
    try:
        import pandas as pd
    except ImportError:
        pd = None
    try:
        if pd is not None:
            header = set(pd.read_csv(path, nrows=0).columns)
            if not set(TICKET_COLUMNS) <= header:
                return None
            use = TICKET_COLUMNS + [c for c in OPTIONAL_TICKET_COLUMNS if c in header]
            frame = pd.read_csv(path, usecols=use, dtype={"variant": "category", "segment": "category"})
            for column, default in OPTIONAL_TICKET_COLUMNS.items():
                if column not in frame:
                    frame[column] = default
            return {(str(v), str(s)): {c: part[c].to_numpy(dtype=float) for c in numeric}
                    for (v, s), part in frame.groupby(["variant", "segment"], observed=True, sort=False)}
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if not set(TICKET_COLUMNS) <= set(reader.fieldnames or []):
                return None
            lists: dict[tuple[str, str], dict[str, list]] = {}
            for row in reader:
                columns = lists.setdefault((row["variant"], row["segment"]), {c: [] for c in numeric})
                for column in MEASURES:
                    columns[column].append(number(row[column]))
                for column, default in OPTIONAL_TICKET_COLUMNS.items():
                    text = row.get(column)
                    columns[column].append(default if text is None else number(text))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ReportError(f"{path}: cannot read: {str(exc).splitlines()[0]}") from None
    return {key: {c: np.array(v, dtype=float) for c, v in values.items()} for key, values in lists.items()}


def number(text: str) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return math.nan


def floats(values: Iterable) -> np.ndarray:
    return np.array([v if is_number(v) else math.nan for v in values], dtype=float)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)

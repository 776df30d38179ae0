"""Results of a simulation: the summary, the ticket table, and writing them safely to a folder.

A run is saved as one whole (see :mod:`supportsim.manifest`): an interrupted or failed run never leaves a
half-written file, nor a folder mixing two runs, and never destroys the previous run's complete one.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from . import contract_stats, formats, service_targets
from .contract_stats import OTHERS_FIGURES, contract_columns
from .lifecycle import ROUTED
from .manifest import digest, save_run
from .profiles import combine_profiles, hour_of_week_labels
from .records import ReplicationRecord
from .scenario import Scenario
from .skills import need_classes
from .stats import (
    Key,
    business_clock_segments,
    combine,
    nest,
    paired_ratios,
    replication_figures,
    sla_met,
    ticket_table,
)
from .variants import baseline_name
from .visits import WORK
from .weeks import timestamps, weekly_attainment
from .workforce import workforce

VISIT_COLUMNS = ["variant", "replication", "ticket", "segment", "priority", "visit", "group", "queued", "started",
                 "ended", "engineer"]
TICKET_COLUMNS = ["variant", "replication", "ticket", "segment", "priority", "arrived", "first_response",
                  "resolved", "reaction", "resolution", "path"]


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def resolved_scenario_yaml(scenario: Scenario) -> str:
    """The scenario with every default filled in, in the same units people write."""
    # A group without its own policy is left to inherit the scenario's: written into the group, a scenario-wide
    # VIP policy would mean something else (dedicated/reserve would set apart that group's engineers, others
    # belong to the entry group) and a variant changing the scenario's policy would miss it.
    data = scenario.model_dump(mode="json", exclude_none=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


class SimulationResult:
    """All replications of every variant of one scenario.

    ``figures[variant][r]`` holds replication r's flat figures (see :mod:`supportsim.stats`).
    """

    def __init__(self, scenario: Scenario, records: dict[str, list[ReplicationRecord]], seed: int):
        self.scenario = scenario
        self.records = records
        self.seed = seed
        self._profiles: dict | None = None
        self.figures: dict[str, list[dict[Key, float]]] = {
            variant: [replication_figures(r) for r in recs] for variant, recs in records.items()
        }

    @property
    def replications(self) -> int:
        return len(next(iter(self.records.values())))

    def estimates(self, variant: str = "base") -> dict[Key, dict]:
        return combine(self.figures[variant])

    def summary(self) -> dict:
        return _json_safe({
            "format": formats.SUMMARY,
            "formats": {"tickets.csv": formats.TICKETS},
            "scenario": self.scenario.name,
            "units": {"time": "hours"},
            "replications": self.replications,
            "seed": self.seed,
            "window": {"from": self.scenario.warmup, "to": self.scenario.horizon},
            "baseline": baseline_name(self.scenario),
            "variants": {variant: self._variant_summary(variant) for variant in self.records},
        })

    def profiles(self) -> dict:
        """Time profiles by hour of week and backlog over the run, mean over replications (profiles.json)."""
        if self._profiles is None:
            self._profiles = self._compute_profiles()
        return self._profiles

    def _compute_profiles(self) -> dict:
        return _json_safe({
            "scenario": self.scenario.name,
            "units": {"time": "hours", "hour_of_week": "0 is Monday 00:00-01:00 on the scenario's clock"},
            "start": self.scenario.origin.isoformat(),
            "replications": self.replications,
            "window": {"from": self.scenario.warmup, "to": self.scenario.horizon},
            "hour_of_week": hour_of_week_labels(),
            "variants": {variant: combine_profiles(records) for variant, records in self.records.items()},
        })
    def vs_baseline(self, variant: str) -> dict[Key, dict]:
        """Ratios of the variant's figures to the baseline's, paired over replications (see stats.paired_ratios)."""
        return paired_ratios(self.figures[variant], self.figures[baseline_name(self.scenario)])

    def _variant_summary(self, variant: str) -> dict:
        estimates = self.estimates(variant)
        out = nest(estimates)
        scenario = self.records[variant][0].scenario if self.records[variant] else self.scenario
        # each target judged on its own clock; the clock each segment's reaction and resolution are measured on
        out["targets"] = service_targets.judged(scenario, estimates)
        out["workforce"] = workforce(scenario)
        out["clocks"] = {seg: {m: service_targets.measured_clock(scenario, seg, m) for m in ("reaction", "resolution")}
                         for seg in scenario.segment_names}
        out["weeks"] = self._weeks(variant)
        if variant != baseline_name(self.scenario):
            # vs_baseline.<vip|non_vip|all>.<reaction|resolution>.<mean|p90> = {ratio, ci95}
            out["vs_baseline"] = nest({key[1:]: value for key, value in self.vs_baseline(variant).items()})
            others = contract_stats.others_pairs(self.records[variant], self.records[baseline_name(self.scenario)])
            if others is not None:  # the tickets no device touched, against the same tickets in the baseline
                out.setdefault("contracts", {})["others_vs_baseline"] = nest(paired_ratios(*others,
                                                                                            OTHERS_FIGURES))
        return out

    def _weeks(self, variant: str) -> dict[str, dict[str, Any]]:
        """SLA attainment per calendar week (by arrival), each target on its own clock (see weeks.py)."""
        records = self.records[variant]
        if not records:
            return {}
        scenario = records[0].scenario
        per_replication = []
        for record in records:
            table = ticket_table(record)
            keep = table["counted"]
            met = sla_met(record, table)
            by_target = {}
            for index, segment in enumerate(scenario.segment_names):
                for measure in ("reaction", "resolution"):
                    if getattr(scenario.sla.get(segment), measure, None) is not None:
                        mine = np.where(table["segment"] == index, met[f"{measure}_met"], np.nan)
                        by_target[f"sla.{segment}.{measure}"] = mine[keep]
            per_replication.append((table["arrived"][keep], by_target))
        return weekly_attainment(scenario.origin, (scenario.warmup, scenario.horizon), per_replication)

    # ---- the ticket table -------------------------------------------------------------------------------
    def ticket_rows(self) -> Iterator[dict[str, Any]]:
        """Yield one dict per counted ticket, every variant and replication, in the tickets.csv columns."""
        for _variant, _record, columns in self._ticket_columns():
            names = list(columns)
            for values in zip(*columns.values()):
                yield dict(zip(names, values))

    def tickets(self) -> Any:
        """The ticket table: a pandas DataFrame when pandas is installed, else a list of dicts."""
        try:
            import pandas as pd
        except ImportError:
            return list(self.ticket_rows())
        frames = [pd.DataFrame(columns) for _, _, columns in self._ticket_columns()]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=TICKET_COLUMNS)

    def _ticket_columns(self) -> Iterator[tuple[str, ReplicationRecord, dict[str, np.ndarray]]]:
        scenario = self.scenario
        segments = np.array(scenario.segment_names, dtype=object)
        priorities = np.array(scenario.priority_names or [""], dtype=object)
        with_sla = {m: any(getattr(s, m) is not None for s in scenario.sla.values())
                    for m in ("reaction", "resolution")}
        # the same columns for every variant, or the CSV would not line up
        variants = [records[0].scenario for records in self.records.values() if records]
        business = any(business_clock_segments(v) for v in variants)
        bursts = any(v.arrivals.bursts for v in variants)
        dated = any(v.start is not None for v in variants)
        labelled = any(v.customers() is not None for v in variants)
        plans = any(v.contracts is not None and v.contracts.plans for v in variants)
        cards = any(v.contracts is not None and v.contracts.cards for v in variants)
        lifecycle = any(v.has_lifecycle() for v in variants)
        misdeclares = any(v.misdeclares for v in variants)
        skilled = [v for v in variants if v.skills]
        for variant, records in self.records.items():
            for record in records:
                table = ticket_table(record)
                keep = table["counted"]
                columns = {
                    "variant": np.full(int(keep.sum()), variant, dtype=object),
                    "replication": np.full(int(keep.sum()), record.replication),
                    "ticket": np.flatnonzero(keep),
                    "segment": segments[table["segment"][keep]],
                    "priority": priorities[table["priority"][keep]],
                    **({"type": np.array(record.scenario.type_names, dtype=object)[table["type"][keep]]
                        if "type" in table else np.full(int(keep.sum()), "", dtype=object)}
                       if any(v.types for v in variants) else {}),
                    "arrived": table["arrived"][keep],
                    "first_response": table["first_response"][keep],
                    "resolved": table["resolved"][keep],
                    "reaction": table["reaction"][keep],
                    "resolution": table["resolution"][keep],
                    "path": ticket_paths(record)[keep],
                }
                if dated:  # the same moments as ISO timestamps on the scenario's clock (its zone's offset)
                    origin = record.scenario.origin
                    for event in ("arrived", "first_response", "resolved"):
                        columns[f"{event}_at"] = np.array(timestamps(origin, table[event][keep]), dtype=object)
                if business:  # hours on each ticket's SLA clock
                    columns["reaction_business"] = table["reaction_business"][keep]
                    columns["resolution_business"] = table["resolution_business"][keep]
                if bursts:  # incident number, -1 for tickets not from a burst
                    burst = record.tickets.burst
                    columns["burst"] = burst[keep] if burst is not None else np.full(int(keep.sum()), -1)
                if misdeclares:  # the priority customers declared (the queues' order before any triage)
                    columns["declared"] = priorities[record.tickets.declared[keep]]
                if skilled:  # the skills each ticket needs, 'en+billing'
                    columns["skills"] = _needs(record)[keep]
                met = sla_met(record, table)
                for measure in ("reaction", "resolution"):
                    if with_sla[measure]:
                        columns[f"{measure}_sla_met"] = met[f"{measure}_met"][keep]
                for name in ("auto_closed", "reopens", "waiting_on_customer"):
                    if lifecycle:
                        columns[name] = table[name][keep] if name in table else np.zeros(int(keep.sum()))
                if labelled:  # customers, and what their contracts did (see supportsim.contract_stats)
                    columns.update(contract_columns(record, keep, plans, cards))
                yield variant, record, columns

    def tickets_csv(self) -> str:
        out = io.StringIO()
        writer = None
        for _, _, columns in self._ticket_columns():
            if writer is None:
                writer = csv.writer(out, lineterminator="\n")
                writer.writerow(list(columns))
            formatted = [_format_column(name, values) for name, values in columns.items()]
            writer.writerows(zip(*formatted))
        return out.getvalue()

    def save(self, directory: str | Path, report: bool = False, visits: bool = False) -> Path:
        """Write summary.json, profiles.json, tickets.csv and scenario.resolved.yaml (and report.html with
        ``report``; visits.csv, one row per visit, what `supportsim export` needs, with ``visits``) into the
        folder as one whole run: see :mod:`supportsim.manifest`."""
        directory = Path(directory)
        # what was run, after --replications and --seed, so that running the resolved file repeats this run
        as_run = self.scenario.model_copy(update={"replications": self.replications, "seed": self.seed})
        resolved = resolved_scenario_yaml(as_run)
        files = {
            "summary.json": json.dumps(self.summary(), indent=2) + "\n",
            "profiles.json": json.dumps(self.profiles()) + "\n",
            "tickets.csv": self.tickets_csv(),
            "scenario.resolved.yaml": resolved,
        }
        if visits:
            files["visits.csv"] = visits_csv(self)
        run = {"kind": "run", "scenario": self.scenario.name, "scenario_hash": digest(resolved.encode("utf-8")),
               "seed": self.seed, "replications": self.replications}
        return save_run(directory, files, run, derive=_report_of(directory) if report else None)


def _needs(record: ReplicationRecord) -> np.ndarray:
    """Per ticket, the skills it needs joined by '+' (empty where its scenario declares no skills)."""
    skills = record.scenario.skills
    if not skills:
        return np.full(len(record.tickets), "", dtype=object)
    names = np.array(["+".join(need) for need in need_classes(skills)], dtype=object)
    return names[record.tickets.need]


def _report_of(directory: Path) -> Callable[[Path], dict[str, str]]:
    def derive(staged: Path) -> dict[str, str]:
        from .report import REPORT_NAME, build_report

        return {REPORT_NAME: build_report(staged, shown_as=directory)}
    return derive


def visit_columns(result: SimulationResult) -> Iterator[dict[str, np.ndarray]]:
    """Per variant and replication: one row per visit of a counted ticket, as columns (visits.csv)."""
    for variant, records in result.records.items():
        for record in records:
            scenario = record.scenario
            t = record.tickets
            ticket = t.ticket_of_visit
            keep = (t.arrived >= scenario.warmup)[ticket]
            keep &= t.activity == WORK  # visits a policy inserts (a first contact) count in reaction, not as work
            segments = np.array(scenario.segment_names, dtype=object)
            priorities = np.array(scenario.priority_names or [""], dtype=object)
            groups = np.array(scenario.group_names, dtype=object)
            step = np.arange(len(t.route)) - np.repeat(t.offset, t.visits)
            n = int(keep.sum())
            yield {
                "variant": np.full(n, variant, dtype=object),
                "replication": np.full(n, record.replication),
                "ticket": ticket[keep],
                "segment": segments[t.segment[ticket[keep]]],
                "priority": priorities[t.priority[ticket[keep]]],
                "visit": step[keep],
                "group": groups[t.route[keep]],
                "queued": record.queued[keep],
                "started": record.started[keep],
                "ended": record.ended[keep],
                "engineer": record.engineer[keep],
            }


def visits_csv(result: SimulationResult) -> str:
    """visits.csv: one row per visit of a counted ticket (what `supportsim export` reads)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(VISIT_COLUMNS)
    for columns in visit_columns(result):
        formatted = [[f"{v:.6f}" for v in values.tolist()] if values.dtype.kind == "f" else values.tolist()
                     for values in columns.values()]
        writer.writerows(zip(*formatted))
    return out.getvalue()


def _format_column(name: str, values: np.ndarray) -> list:
    if values.dtype.kind == "f":
        if name.endswith("_sla_met"):
            return ["" if math.isnan(v) else int(v) for v in values.tolist()]
        return [f"{v:.6f}" for v in values.tolist()]
    return values.tolist()


def ticket_paths(record: ReplicationRecord) -> np.ndarray:
    """Per ticket, its path through the groups, like 'L1>L2'."""
    names = record.scenario.group_names
    t = record.tickets
    if len(t.arrived) == 0:
        return np.array([], dtype=object)
    kept = t.activity == WORK  # a visit a policy inserted is not a step of the ticket's path
    if t.cause is not None:  # nor is the rest of a visit after the customer answered, nor a reopen
        kept &= t.cause == ROUTED
    if not kept.all():
        visits = np.add.reduceat(kept.astype(np.int64), t.offset)
        offset = np.zeros(len(visits), dtype=np.int64)
        np.cumsum(visits[:-1], out=offset[1:])
        t = type(t)(t.arrived, t.segment, t.priority, offset, visits, t.route[kept], t.work[kept])
    base = len(names) + 1
    if base ** int(t.visits.max()) >= 2**62:  # very long paths: spell them out one by one
        return np.array([">".join(names[g] for g in t.route[o:o + k]) for o, k in zip(t.offset, t.visits)],
                        dtype=object)
    step = np.arange(len(t.route)) - np.repeat(t.offset, t.visits)
    codes = np.add.reduceat((t.route.astype(np.int64) + 1) * base ** step, t.offset)
    unique, inverse = np.unique(codes, return_inverse=True)
    return np.array([_decode(int(c), base, names) for c in unique], dtype=object)[inverse]


def _decode(code: int, base: int, names: list[str]) -> str:
    parts = []
    while code:
        code, digit = divmod(code, base)
        parts.append(names[digit - 1])
    return ">".join(parts)

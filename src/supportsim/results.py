"""Results of a simulation: the summary, the ticket table, and writing them safely to a folder.

Files are written atomically (to a temporary name in the same folder, then renamed), so an interrupted or
failed run never leaves a half-written file and never destroys the previous run's complete one.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from .engine import ReplicationRecord
from .scenario import Scenario
from .stats import Key, combine, nest, replication_figures, sla_met, ticket_table

TICKET_COLUMNS = ["variant", "replication", "ticket", "segment", "priority", "arrived", "first_response",
                  "resolved", "reaction", "resolution", "path"]


def write_atomic(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    data = scenario.model_dump(mode="json", exclude_none=True)
    for name, group in data["groups"].items():  # spell out the policy each group inherits
        group.setdefault("policy", scenario.policy_of(name).model_dump(mode="json"))
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


class SimulationResult:
    """All replications of every variant of one scenario.

    ``figures[variant][r]`` holds replication r's flat figures (see :mod:`supportsim.stats`).
    """

    def __init__(self, scenario: Scenario, records: dict[str, list[ReplicationRecord]], seed: int):
        self.scenario = scenario
        self.records = records
        self.seed = seed
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
            "scenario": self.scenario.name,
            "units": {"time": "hours"},
            "replications": self.replications,
            "seed": self.seed,
            "window": {"from": self.scenario.warmup, "to": self.scenario.horizon},
            "variants": {variant: nest(self.estimates(variant)) for variant in self.records},
        })

    # ---- the ticket table -------------------------------------------------------------------------------
    def ticket_rows(self):
        """Yield one dict per counted ticket, every variant and replication, in the tickets.csv columns."""
        for variant, record, columns in self._ticket_columns():
            names = list(columns)
            for values in zip(*columns.values()):
                yield dict(zip(names, values))

    def tickets(self):
        """The ticket table: a pandas DataFrame when pandas is installed, else a list of dicts."""
        try:
            import pandas as pd
        except ImportError:
            return list(self.ticket_rows())
        frames = [pd.DataFrame(columns) for _, _, columns in self._ticket_columns()]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=TICKET_COLUMNS)

    def _ticket_columns(self):
        scenario = self.scenario
        segments = np.array(scenario.segment_names, dtype=object)
        priorities = np.array(scenario.priority_names or [""], dtype=object)
        with_sla = {m: any(getattr(s, m) is not None for s in scenario.sla.values()) for m in ("reaction", "resolution")}
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
                    "arrived": table["arrived"][keep],
                    "first_response": table["first_response"][keep],
                    "resolved": table["resolved"][keep],
                    "reaction": table["reaction"][keep],
                    "resolution": table["resolution"][keep],
                    "path": ticket_paths(record)[keep],
                }
                met = sla_met(record, table)
                for measure in ("reaction", "resolution"):
                    if with_sla[measure]:
                        columns[f"{measure}_sla_met"] = met[f"{measure}_met"][keep]
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

    def save(self, directory: str | Path) -> Path:
        """Write summary.json, tickets.csv and scenario.resolved.yaml into the folder, each atomically."""
        directory = Path(directory)
        summary = json.dumps(self.summary(), indent=2) + "\n"
        tickets = self.tickets_csv()
        # what was run, after --replications and --seed, so that running the resolved file repeats this run
        resolved = resolved_scenario_yaml(self.scenario.model_copy(update={"replications": self.replications, "seed": self.seed}))
        write_atomic(directory / "scenario.resolved.yaml", resolved)
        write_atomic(directory / "tickets.csv", tickets)
        write_atomic(directory / "summary.json", summary)
        return directory


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
    base = len(names) + 1
    if base ** int(t.visits.max()) >= 2**62:  # very long paths: spell them out one by one
        return np.array([">".join(names[g] for g in t.route[o:o + k]) for o, k in zip(t.offset, t.visits)], dtype=object)
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

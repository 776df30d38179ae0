"""Parameter sweeps: every point of a grid, every variant, many replications, saved point by point.

The unit of work is one (point, variant, replication); a point is reduced to statistics once all its
replications are in, and written at once (atomically) to ``points/<id>.json``. A run started again skips the
points whose file was computed from the same definition (the point's scenarios, seed and replications, by
hash), so an interrupted sweep resumes where it stopped and ends with the same files as an uninterrupted one.

Seeds. Every point uses the scenario's seed, so with ``tickets: common`` (the default) all points and
variants see the very same tickets in replication r: differences between points are differences of the
desk, not of luck (common random numbers), which sharpens every comparison across the grid. With ``tickets:
independent`` each point's seed is derived from the scenario's seed and the point's values, for analyses that
want independent errors from point to point. Either way a seed depends only on the scenario, the point and the
replication, never on the worker or the order in which work finishes.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

from .grid import short_names
from .manifest import FolderError, digest, opened, remove_leftovers, retire, save_run
from .plan import Plan, Point
from .progress import Progress
from .results import _json_safe, resolved_scenario_yaml
from .service_targets import placed_targets
from .stats import Key, columns, estimate, flatten, nest
from .targets import make_folder, write_atomic
from .units import human_duration
from .workers import WorkerError, run_unordered

LABEL = "label"
"""The column of sweep.csv that names a point in words: ``staff.0.count=8, kind=fifo``."""
TIDY_COLUMNS = ["variant", "scope", "name", "metric", "statistic", "value", "ci95_low", "ci95_high"]


class SweepInterrupted(KeyboardInterrupt):
    def __init__(self, saved: int, total: int, out: Path | None):
        where = f" in {out}" if out else ""
        super().__init__(f"interrupted: {saved} of {total} points are saved{where}; "
                         "run the same command again to resume")


# ---- running --------------------------------------------------------------------------------------------

def _saved(path: Path, point: Point, plan: Plan | None = None) -> dict | None:
    """The point's saved document, if it is there and was computed from this very definition. With ``plan``,
    a document of this definition that does not read as a point (edited by hand, say) is a FolderError."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # unreadable or tampered with: computed again
        return None
    ok = isinstance(document, dict) and document.get("definition") == point.definition
    if ok and plan is not None:
        try:
            if document["point"] != point.id or not _rows(plan, [document]):
                raise ValueError("no figures")
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise FolderError(f"{path}: not a point file as supportsim writes them ({type(exc).__name__}: {exc}); "
                              "delete it to run that point again") from None
    return document if ok else None


def _count_saved(plan: Plan, folder: Path | None) -> int:
    # counted on disk: an interruption can fall between saving a point and noting it
    return sum(_saved(folder / f"{p.id}.json", p) is not None for p in plan.points) if folder else 0


def point_document(plan: Plan, point: Point, figures: dict[str, list[dict[Key, float]]]) -> str:
    """A finished point as JSON: its values, definition hash, summary and per-replication figures."""
    document = {
        "point": point.id,
        "parameters": point.params,
        "definition": point.definition,
        "seed": point.seed,
        "replications": plan.replications,
        "summary": {v: nest({k: estimate(c) for k, c in columns(reps).items()}) for v, reps in figures.items()},
        "figures": {v: nest(columns(reps)) for v, reps in figures.items()},
    }
    return json.dumps(_json_safe(document), indent=1) + "\n"


def run_sweep(plan: Plan, out: str | Path | None = None, jobs: int = 1, scheduler: str | None = None,
              progress: bool | None = None) -> SweepResult:
    """Run the points not yet saved in ``out`` (all of them without ``out``); :meth:`SweepResult.save` then
    writes the tables.

    ``progress``: None shows the bar on a terminal only (not under CI=true); False never."""
    out = Path(out) if out is not None else None
    folder = out / "points" if out is not None else None
    documents = {}
    if out is not None and out.is_dir():
        opened(out)  # a whole run there must be whole (a point file edited since is refused), a killed save finished
    if folder is not None and folder.is_dir():
        remove_leftovers(folder)  # temporary files of a run killed while writing
    if folder is not None:
        for point in plan.points:
            saved = _saved(folder / f"{point.id}.json", point, plan)
            if saved is not None:
                documents[point.id] = saved
    todo = [p for p in plan.points if p.id not in documents]
    if todo and out is not None:
        make_folder(out, "--out ")
        retire(out, [f"points/{p.id}.json" for p in todo])  # the folder's run stops being whole now
    resumed = len(documents)
    tasks, owners = [], []
    for point in todo:
        for variant, scenario in point.variants.items():
            for r in range(plan.replications):
                tasks.append((scenario, r, point.seed))
                owners.append((point, variant, r))
    collected: dict[str, dict[str, list[Any]]] = {p.id: {v: [None] * plan.replications for v in p.variants}
                                                  for p in todo}
    missing = {p.id: len(p.variants) * plan.replications for p in todo}
    bar = Progress(f"sweep {plan.scenario.name}", len(plan.points), len(documents),
                   enabled=False if progress is False else None)
    bar(0, len(tasks))
    try:
        with closing(run_unordered(tasks, jobs, scheduler)) as results:
            for finished, (i, figures) in enumerate(results, 1):
                point, variant, r = owners[i]
                collected[point.id][variant][r] = figures
                missing[point.id] -= 1
                bar(finished, len(tasks))
                if missing[point.id]:
                    continue
                text = point_document(plan, point, collected.pop(point.id))
                if folder is not None:
                    write_atomic(folder / f"{point.id}.json", text)
                documents[point.id] = json.loads(text)  # as saved, so fresh and resumed runs read the same
                bar.point_done()
    except KeyboardInterrupt:
        raise SweepInterrupted(_count_saved(plan, folder), len(plan.points), out) from None
    except WorkerError as exc:
        raise WorkerError(f"{exc}; {_count_saved(plan, folder)} of {len(plan.points)} points are saved"
                          + (f" in {out}; run again to resume" if out else "")) from None
    finally:
        bar.close()
    return SweepResult(plan, [documents[p.id] for p in plan.points], resumed)


# ---- the tidy table -------------------------------------------------------------------------------------

def _rows(plan: Plan, documents: list[dict]) -> list[dict]:
    rows = []
    names = short_names(list(plan.grid))
    for document in documents:
        params = {path: document["parameters"][path] for path in plan.grid}
        label = point_label(params, names)
        for variant, nested in document["figures"].items():
            for key, values in flatten(nested).items():
                est = estimate(math.nan if v is None else v for v in values)
                low, high = est["ci95"]
                if key[0] == "contracts" and key[1] in ("plans", "cards"):  # plan or card, size class, figure
                    key = (key[1], f"{key[2]}.{key[3]}", *key[4:])
                elif key[0] == "contracts":  # the tickets no device touched
                    key = (key[1], "untouched", *key[2:])
                rows.append({"point": document["point"], **params, LABEL: label, "variant": variant,
                             "scope": key[0].rstrip("s"), "name": key[1], "metric": key[2],
                             "statistic": ".".join(key[3:]) or "value",
                             "value": est["value"], "ci95_low": low, "ci95_high": high})
    return rows


def readable(value: Any) -> str:
    """A swept value as it is written in a scenario file: ``12``, ``fifo``, ``15m``, ``[{count: 8, calendar:
    office}]`` (YAML flow style), never a Python repr."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {readable(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(readable(v) for v in value) + "]"
    return str(value)


def point_label(params: Mapping[str, Any], names: Mapping[str, str]) -> str:
    return ", ".join(f"{names[path]}={readable(value)}" for path, value in params.items())



def _headline(plan: Plan) -> list[tuple[str, tuple[str, ...], bool]]:
    """The figures a sweep's printed table shows: each target's attainment (the required share noted), else
    the mean reaction of each segment; (column title, figure key, is a share)."""
    figures = [(f"{p.figure[1]} {p.path.rsplit('.', 1)[1]} {p.target.within}"
                + (f" {p.clock}" if p.clock != "always" else "")
                + (f" (need {p.target.attain:.0%})" if p.target.attain is not None else ""), p.figure, True)
               for p in placed_targets(plan.scenario)]
    return figures or [(f"{s} reaction mean", ("segments", s, "reaction", "mean"), False)
                       for s in plan.scenario.segments]


def _figure(summary: Mapping[str, Any], key: tuple[str, ...]) -> float | None:
    node: Any = summary
    for part in key:
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    value = node.get("value") if isinstance(node, Mapping) else None
    return value if isinstance(value, (int, float)) and math.isfinite(value) else None


def sweep_table(plan: Plan, documents: list[dict], width: int = 120) -> str:
    """Swept values against the headline figures, one row per point and variant, at most ``width`` wide
    (figures that do not fit are left to sweep.csv and the report): shares as percentages, times in hours."""
    names = short_names(list(plan.grid))
    variants = list(documents[0]["summary"]) if documents else []
    keys = [*names.values(), *(["variant"] if len(variants) > 1 else [])]
    cells = [[readable(d["parameters"][p]) for p in plan.grid] + ([v] if len(variants) > 1 else [])
             for d in documents for v in variants]
    widths = [max([len(k)] + [len(row[i]) for row in cells]) for i, k in enumerate(keys)]
    used = sum(w + 2 for w in widths)
    shown = []
    for title, key, share in _headline(plan):
        column = max(len(title), 8)
        if used + column + 2 > width:
            break
        shown.append((title, key, share, column))
        used += column + 2
    lines = ["  ".join(k.ljust(w) for k, w in zip(keys, widths)) + "".join(f"  {t.rjust(c)}" for t, _, _, c in shown)]
    for row, (document, variant) in zip(cells, ((d, v) for d in documents for v in variants)):
        figures = []
        for _, key, share, column in shown:
            value = _figure(document["summary"].get(variant, {}), key)
            text = "-" if value is None else f"{value:.1%}" if share else human_duration(value)
            figures.append(f"  {text.rjust(column)}")
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)) + "".join(figures))
    return "\n".join(line.rstrip() for line in lines)


class SweepResult:
    """All points of a sweep: their saved documents (grid order) and the tidy long table."""

    def __init__(self, plan: Plan, documents: list[dict], resumed: int = 0):
        self.plan = plan
        self.documents = documents
        self.resumed = resumed   # points found saved from an earlier run
        self.rows = _rows(plan, documents)

    @property
    def columns(self) -> list[str]:
        return ["point", *self.plan.grid, LABEL, *TIDY_COLUMNS]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows([readable(row[c]) for c in self.columns] for row in self.rows)
        return out.getvalue()

    def parquet(self) -> bytes | None:
        """The same table as Parquet, or None without pyarrow."""
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            return None
        arrays = {}
        for column in self.columns:
            values = [row[column] for row in self.rows]
            try:
                arrays[column] = pa.array(values)
            except (pa.ArrowInvalid, pa.ArrowTypeError):  # a grid path with mixed kinds of values
                arrays[column] = pa.array([readable(v) for v in values])
        buffer = io.BytesIO()
        pq.write_table(pa.table(arrays), buffer)
        return buffer.getvalue()

    def save(self, out: str | Path) -> list[Path]:
        """Write sweep.csv, sweep.parquet (with pyarrow), scenario.resolved.yaml and the points not saved there
        yet, as one whole run (see :mod:`supportsim.manifest`)."""
        out = Path(out)
        resolved = resolved_scenario_yaml(self.plan.scenario)
        files: dict[str, str | bytes] = {"scenario.resolved.yaml": resolved, "sweep.csv": self.csv()}
        parquet = self.parquet()
        if parquet is not None:
            files["sweep.parquet"] = parquet
        points = {f"points/{d['point']}.json": d for d in self.documents}
        kept = [name for name in points if (out / name).is_file()]
        files.update({name: json.dumps(d, indent=1) + "\n" for name, d in points.items() if name not in kept})
        run = {"kind": "sweep", "scenario": self.plan.scenario.name, "scenario_hash": digest(resolved.encode("utf-8")),
               "seed": self.plan.scenario.seed, "replications": self.plan.replications}
        save_run(out, files, run, kept)
        return [out / name for name in files if not name.startswith("points/")]

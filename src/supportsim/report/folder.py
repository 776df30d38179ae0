"""Reading a whole results folder for the report: the files every run writes (:mod:`.data`), then the
optional ones (:mod:`.optional`)."""

from __future__ import annotations

from pathlib import Path

from .data import ReportError, Results, read_json, read_scenario, read_tickets
from .optional import read_checks, read_profiles, read_sweep


def read_results(folder: str | Path) -> Results:
    """Everything the report shows, read from a results folder. Raises :class:`ReportError`."""
    folder = Path(folder)
    if not folder.exists():
        raise ReportError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise ReportError(f"{folder}: is not a folder (give the folder that holds summary.json)")
    results = Results(folder)
    summary_path, sweep_path = folder / "summary.json", folder / "sweep.csv"
    if not summary_path.exists() and not sweep_path.exists():
        raise ReportError(f"{folder}: no summary.json here; give a folder written by `supportsim run` "
                          "(or by `supportsim sweep`, with sweep.csv)")
    if summary_path.exists():
        results.summary = read_json(summary_path, expect=dict)
        if not isinstance(results.summary.get("variants"), dict):
            raise ReportError(f"{summary_path}: has no 'variants'; is it a summary written by `supportsim run`?")
        results.files.append(summary_path.name)
    read_scenario(results)
    read_tickets(results)
    read_profiles(results)
    read_sweep(results)
    read_checks(results)
    return results

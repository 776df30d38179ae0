"""Reading a whole results folder for the report: the files every run writes (:mod:`.data`), then the
optional ones (:mod:`.optional`). The folder must be one whole run: its ``manifest.json`` names the files
supportsim wrote and their hashes (see :mod:`supportsim.manifest`)."""

from __future__ import annotations

from pathlib import Path

from .. import formats
from .data import ReportError, Results, read_json, read_scenario, read_tickets
from .optional import judge_scenario_checks, read_checks, read_profiles, read_sweep


def read_results(folder: str | Path, verify: bool = True) -> Results:
    """Everything the report shows, read from a results folder. Raises :class:`ReportError`, and
    :class:`~supportsim.manifest.FolderError` for a folder that is not one whole run (``verify=False``: a run
    being saved, not yet named by a manifest)."""
    folder = Path(folder)
    if not folder.exists():
        raise ReportError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise ReportError(f"{folder}: is not a folder (give the folder that holds summary.json)")
    if not (folder / "summary.json").exists() and not (folder / "sweep.csv").exists():
        raise ReportError(f"{folder}: no summary.json here; give a folder written by `supportsim run` "
                          "(or by `supportsim sweep`, with sweep.csv)")
    if not verify:
        return _read_files(folder)
    from ..manifest import locked, verified

    with locked(folder):  # a save into the folder waits until it is read, so it is read as one run
        verified(folder)
        return _read_files(folder)


def _read_files(folder: Path) -> Results:
    results = Results(folder)
    summary_path = folder / "summary.json"
    if summary_path.exists():
        results.summary = read_json(summary_path, expect=dict)
        if not isinstance(results.summary.get("variants"), dict):
            raise ReportError(f"{summary_path}: has no 'variants'; is it a summary written by `supportsim run`?")
        try:
            note = formats.check("summary.json", results.summary.get("format"), formats.SUMMARY)
        except formats.FormatError as exc:
            raise ReportError(f"{summary_path}: {exc}") from None
        if note:
            results.notes.append(f"{note}.")
        results.files.append(summary_path.name)
    read_scenario(results)
    read_tickets(results)
    read_profiles(results)
    read_sweep(results)
    read_checks(results)
    judge_scenario_checks(results)
    return results

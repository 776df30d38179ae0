"""The HTML report: one self-contained file a manager can open, print, or send on.

``build_report(folder)`` is a pure function of a results folder (what ``supportsim run`` writes, plus the
optional files of calendars, sweeps and checks) and returns the page as a string; ``write_report(folder)``
writes it atomically to ``folder/report.html``. Nothing is simulated here.
"""

from __future__ import annotations

from pathlib import Path

from .data import ReportError, Results
from .figures import CSV_COLUMNS, headline_rows
from .folder import read_results

REPORT_NAME = "report.html"


def build_report(folder: str | Path, generated: str | None = None, shown_as: str | Path | None = None) -> str:
    """The report of a results folder as an HTML string. Raises :class:`ReportError` for an unusable folder.

    ``generated`` replaces the time stamp in the footer (for byte-identical rebuilds). ``shown_as``: the
    folder being saved that ``folder`` (its files staged, not yet a whole run) will become."""
    from .html import render

    if (Path(folder) / "staffing.json").exists() and not (Path(folder) / "summary.json").exists():
        from . import staffing  # a folder written by `supportsim staff`

        return staffing.build(Path(folder))
    if (Path(folder) / "by-hour.json").exists() and not (Path(folder) / "summary.json").exists():
        from . import roster  # a folder written by `supportsim staff --by-hour`

        return roster.build(Path(folder))
    results = read_results(folder, verify=shown_as is None)
    if shown_as is not None:
        results.folder = Path(shown_as)
    return render(results, generated)


def write_report(folder: str | Path, out: str | Path | None = None, generated: str | None = None) -> Path:
    """Build the report of ``folder`` and write it (atomically) to ``out``, by default ``folder/report.html``."""
    from ..manifest import note_derived
    from ..targets import write_atomic

    target = Path(out) if out is not None else Path(folder) / REPORT_NAME
    write_atomic(target, build_report(folder, generated))
    if out is None:
        note_derived(Path(folder), REPORT_NAME)
    return target


__all__ = ["build_report", "write_report", "read_results", "headline_rows", "CSV_COLUMNS", "ReportError",
           "Results", "REPORT_NAME"]

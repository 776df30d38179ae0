"""``supportsim staff --by-hour``: parse what the command line says, call the staffing by hour and the roster,
print and save (the rest of ``staff`` is in :mod:`supportsim.cli`)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from .admit import Admitted
from .progress import Progress
from .staffing import StaffingError, constraints_of, settings_for
from .targets import folder_target

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def interval_hours(text: str) -> int:
    """'1h', '2h', '4' -> whole hours; StaffingError otherwise."""
    match = re.fullmatch(r"\s*(\d+)\s*h?\s*", text)
    if not match:
        raise StaffingError(f"--interval {text!r}: give whole hours that divide a day, e.g. 1h, 2h, 4h")
    return int(match.group(1))


def staff_by_hour(args: argparse.Namespace, checked: Admitted) -> int:
    from .roster import verified_roster
    from .roster_output import save, text
    from .staffing_by_hour import by_hour

    scenario = checked.scenario
    out = Path(args.out) if args.out else Path("results") / f"{scenario.name}-by-hour"
    folder_target(out, "--out ")
    try:
        if not args.by_hour:
            raise StaffingError("--alpha is for --by-hour")
        if args.vary:
            raise StaffingError("--vary is not available with --by-hour")
        if len(checked.variants) > 1:
            raise StaffingError("--by-hour staffs one scenario: its variants are not searched; run it on a scenario "
                                "without variants")
        groups = [g.strip() for g in args.groups.split(",")] if args.groups else None
        block = interval_hours(args.interval)
        with Progress(f"staff --by-hour {scenario.name}", quiet=args.quiet) as progress:
            settings = settings_for(scenario, groups, args.delta, args.batch, args.cap, args.seed, args.jobs,
                                    args.scheduler, progress)
            constraints = constraints_of(scenario, checked.checks, next(iter(checked.variants)))
            answer = by_hour(scenario, constraints, settings, block, args.alpha)
            roster = None
            if scenario.roster is not None:
                roster = verified_roster(scenario, answer.staffing, constraints, settings, block, answer.alpha,
                                         before=answer.simulations)
    except StaffingError as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    save(out, scenario, answer, settings, roster)
    if not args.quiet:
        from .roster_output import document

        print(text(document(scenario, answer, settings, roster)))
        print(f"wrote {out / 'by-hour.json'}, {out / 'by-hour.csv'}, {out / 'by-hour.html'}"
              + (f", {out / 'roster.yaml'}" if roster is not None else ""))
    if roster is not None and not roster.holds:
        print(f"error: {args.file}: the roster does not meet every constraint: {roster.reason}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK

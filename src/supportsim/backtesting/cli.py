"""``supportsim backtest``: options in, a results folder out, a summary printed (the work is in :mod:`.pipeline`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..fitting.read import ROLES

REPLICATIONS = 99


def add_command(commands: Any, positive: Callable[[str], int], non_negative: Callable[[str], int],
                max_tickets_option: Callable[[argparse.ArgumentParser], None]) -> None:
    bt = commands.add_parser("backtest", help="fit on the history before a date (or take a scenario), simulate the "
                                              "weeks after it from the backlog open then, and compare with what "
                                              "happened: write summary.json, backtest.csv, backtest.html")
    bt.add_argument("file", metavar="EXPORT", help="event log (CSV, XES, Parquet) or ticket table (CSV)")
    bt.add_argument("scenario", nargs="?", metavar="SCENARIO",
                    help="scenario to test (default: fit one on the export before --split)")
    bt.add_argument("--split", required=True, metavar="DATE", help="cut the history here, e.g. 2027-03-15")
    bt.add_argument("--replay-arrivals", action="store_true",
                    help="replay the export's arrivals after the split (their times, segments, priorities) instead "
                         "of drawing them: tests the desk, not the arrival forecast")
    bt.add_argument("--no-backlog", action="store_true",
                    help="start the simulation empty instead of from the backlog open at the split")
    bt.add_argument("--level", type=float, default=0.9, metavar="P", help="prediction interval level (default 0.9)")
    bt.add_argument("--replications", type=positive, default=REPLICATIONS, metavar="N",
                    help=f"replications (default {REPLICATIONS}: exact order statistics for 90%%)")
    bt.add_argument("--seed", type=non_negative, default=1, metavar="N", help="seed (default 1)")
    bt.add_argument("--out", metavar="DIR", help="results folder (default: results/<EXPORT name>-backtest/)")
    for role in ROLES:
        bt.add_argument(f"--{role}", metavar="COL", help=f"column of the {role} (as for supportsim fit)")
    bt.add_argument("--preset", choices=["jira", "zendesk", "servicenow"], help="as for supportsim fit")
    bt.add_argument("--states", metavar="FILE", help="as for supportsim fit")
    bt.add_argument("--ignore-unknown", action="store_true", help="as for supportsim fit")
    bt.add_argument("--skip-bad", action="store_true", help="as for supportsim fit")
    bt.add_argument("--tz", metavar="ZONE", help="as for supportsim fit")
    bt.add_argument("--vip", metavar="SEGMENTS", help="as for supportsim fit (when fitting)")
    bt.add_argument("--on-duty-cut", action="store_true", help="as for supportsim fit (when fitting)")
    bt.add_argument("--format", choices=["table", "json"], default="table",
                    help="stdout: the summary table, or the summary.json block")
    bt.add_argument("--quiet", action="store_true", help="print nothing but errors")
    max_tickets_option(bt)


def run_backtest(args: argparse.Namespace) -> int:
    from ..fitting.cli import options_from
    from ..progress import Progress
    from ..targets import folder_target
    from .output import text
    from .pipeline import backtest
    from .saving import save

    args.since, args.until = None, None
    if args.scenario is not None:  # checked, and warned about, as validate and run do
        from ..admit import admit
        for path, message in admit(args.scenario).warnings():
            print(f"warning: {args.scenario}: {path}: {message}", file=sys.stderr)
    out = Path(args.out) if args.out else Path("results") / f"{Path(args.file).name.split('.')[0]}-backtest"
    folder_target(out, "--out ")  # before the simulation: a target that cannot be written is found at once
    vip = [v.strip() for v in args.vip.split(",")] if args.vip else None
    with Progress(f"backtest {Path(args.file).name}", quiet=args.quiet or args.format != "table") as progress:
        result = backtest(args.file, args.scenario, args.split, replay_arrivals=args.replay_arrivals,
                          replications=args.replications, seed=args.seed, level=args.level,
                          backlog=not args.no_backlog, options=options_from(args), on_duty_cut=args.on_duty_cut,
                          vip=vip, max_tickets=args.max_tickets, progress=progress)
    save(result, out)
    if args.format == "json":
        print((out / "summary.json").read_text(encoding="utf-8"), end="")
    elif not args.quiet:
        print(text(result))
        print(f"\nwrote {out / 'summary.json'}, {out / 'backtest.csv'}, {out / 'scenario.resolved.yaml'}")
        print(f"open {out / 'backtest.html'} in a browser for the report")
    return 0

"""The ``supportsim`` command: parse arguments, call the library, print. Nothing else lives here."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .api import simulate
from .ci import load_checked, run_check, write_baseline
from .extras import MissingDependency
from .loader import ScenarioError, load_scenario
from .results import write_atomic
from .sweep import load_plan, run_sweep
from .workers import WorkerError
from .tables import group_table, segment_table

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def _tolerance(text: str) -> float:
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"write a percentage such as 5% (or 0.05), got {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0% or more, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="supportsim", description="Simulate a support desk from a scenario file.")
    parser.add_argument("--version", action="version", version=f"supportsim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check a scenario file and print the offered load per group")
    validate.add_argument("file", help="scenario YAML file")

    run = commands.add_parser("run", help="simulate a scenario and write summary.json, tickets.csv, scenario.resolved.yaml")
    run.add_argument("file", help="scenario YAML file")
    run.add_argument("--out", metavar="DIR", help="output folder (default: results/<scenario name>/)")
    run.add_argument("--replications", type=_positive, metavar="N", help="override the scenario's replications")
    run.add_argument("--seed", type=_non_negative, metavar="N", help="override the scenario's seed")
    run.add_argument("--jobs", type=_positive, default=1, metavar="N", help="worker processes (results do not depend on it)")
    run.add_argument("--quiet", action="store_true", help="print nothing but errors")

    sweep = commands.add_parser("sweep", help="run a parameter sweep; write sweep.csv and one file per point")
    sweep.add_argument("file", help="sweep file, or scenario file with a sweep: section")
    sweep.add_argument("--out", metavar="DIR", help="output folder (default: results/sweeps/<file name>/); "
                       "points already saved there are not run again")
    sweep.add_argument("--jobs", type=_positive, metavar="N", help="worker processes (default: all cores)")
    sweep.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster: tcp://HOST:PORT, or 'local' "
                       "to start one of --jobs workers (needs supportsim[dask])")
    sweep.add_argument("--replications", type=_positive, metavar="N", help="override the replications per point")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar and no summary")

    check = commands.add_parser("check", help="judge a scenario's checks (and a baseline); exit 1 if any fails")
    check.add_argument("file", help="scenario YAML file with a checks: list")
    check.add_argument("--baseline", metavar="PATH", help="compare with this baseline (from supportsim baseline)")
    check.add_argument("--tolerance", type=_tolerance, default=0.05, metavar="PCT",
                       help="a figure regresses when worse than the baseline by more than this (default 5%%)")
    check.add_argument("--junit", metavar="PATH", help="also write the results as JUnit XML")
    check.add_argument("--lenient", action="store_true", help="judge inconclusive checks on the estimate alone")
    check.add_argument("--replications", type=_positive, metavar="N", help="override the scenario's replications")
    check.add_argument("--jobs", type=_positive, default=1, metavar="N", help="worker processes")

    baseline = commands.add_parser("baseline", help="save a scenario's figures for later check --baseline")
    baseline.add_argument("file", help="scenario YAML file")
    baseline.add_argument("--out", metavar="PATH", help="baseline file (default: results/baselines/<name>.json)")
    baseline.add_argument("--replications", type=_positive, metavar="N", help="override the scenario's replications")
    baseline.add_argument("--jobs", type=_positive, default=1, metavar="N", help="worker processes")
    return parser


def cmd_validate(args) -> int:
    checked = load_checked(args.file)
    scenario = checked.scenario
    plan = load_plan(args.file) if scenario.sweep else None
    loads = scenario.offered_load()
    print(f"{args.file}: scenario {scenario.name!r} is valid")
    if checked.checks:
        print(f"  checks: {len(checked.checks)}")
    if plan is not None:
        print(f"  sweep: {len(plan.points)} points, {plan.tasks} replications in all")
    print(f"  arrivals: {scenario.total_rate:g} tickets/h; groups:")
    for group, rho in loads.items():
        g = scenario.groups[group]
        flag = "  WARNING: load >= 1, the queue grows without bound" if rho >= 1 else ""
        print(f"  {group:<10} staff {g.staff:>4}  offered load rho = {rho:.3f}{flag}")
    for group, rho in loads.items():
        if rho >= 1:
            print(f"warning: {args.file}: groups.{group}: offered load {rho:.2f} >= 1; add staff or reduce work",
                  file=sys.stderr)
    return EXIT_OK


def cmd_run(args) -> int:
    scenario = load_scenario(args.file)
    out = Path(args.out) if args.out else Path("results") / scenario.name
    if out.exists() and not out.is_dir():
        raise ScenarioError([("", f"--out {out}: exists and is not a folder")], args.file)
    result = simulate(scenario, replications=args.replications, seed=args.seed, jobs=args.jobs)
    result.save(out)
    if not args.quiet:
        summary = result.summary()
        print(f"{scenario.name}: {summary['replications']} replications, seed {summary['seed']}, "
              f"window {scenario.warmup:g}h-{scenario.horizon:g}h; mean with 95% CI")
        for variant, figures in summary["variants"].items():
            print()
            if len(summary["variants"]) > 1:
                print(f"== variant {variant}" + (" (baseline)" if variant == summary["baseline"] else ""))
            print(segment_table(figures, scenario))
            print()
            print(group_table(figures))
        print(f"\nwrote {out / 'summary.json'}, {out / 'tickets.csv'}, {out / 'scenario.resolved.yaml'}")
    return EXIT_OK


def cmd_sweep(args) -> int:
    plan = load_plan(args.file, replications=args.replications)
    out = Path(args.out) if args.out else Path("results") / "sweeps" / Path(args.file).stem
    if out.exists() and not out.is_dir():
        raise ScenarioError([("", f"--out {out}: exists and is not a folder")], args.file)
    jobs = args.jobs or os.cpu_count() or 1
    if not args.quiet:
        where = f"Dask at {args.scheduler}" if args.scheduler else f"{jobs} worker process{'es' * (jobs > 1)}"
        print(f"{plan.scenario.name}: {len(plan.points)} points x {len(plan.points[0].variants)} variant(s) x "
              f"{plan.replications} replications on {where}", flush=True)
    result = run_sweep(plan, out, jobs, args.scheduler, progress=None if not args.quiet else False)
    written = result.save(out)
    if not args.quiet:
        if result.resumed:
            print(f"{result.resumed} of {len(plan.points)} points were already saved in {out / 'points'}")
        print(f"wrote {', '.join(map(str, written))} and {len(plan.points)} files in {out / 'points'}")
    return EXIT_OK


def cmd_check(args) -> int:
    report = run_check(args.file, args.baseline, args.tolerance, args.lenient, args.replications, args.jobs)
    print(report.text())
    if args.junit:
        write_atomic(Path(args.junit), report.junit())
    return EXIT_OK if report.passed else EXIT_FAILED


def cmd_baseline(args) -> int:
    path = write_baseline(args.file, args.out, args.replications, args.jobs)
    print(f"wrote {path}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {"validate": cmd_validate, "run": cmd_run, "sweep": cmd_sweep, "check": cmd_check,
                "baseline": cmd_baseline}
    try:
        return handlers[args.command](args)
    except ScenarioError as exc:
        for line in exc.messages():
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except MissingDependency as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except WorkerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt as exc:
        print(str(exc) or "interrupted; files already written are complete, nothing was half-written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

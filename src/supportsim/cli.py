"""The ``supportsim`` command: parse arguments, call the library, print. Nothing else lives here."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any

from .admit import admit, load_plan, refuse_sweep_beyond
from .arrival_calendar import PerWorkingDay
from .ci import run_check, write_baseline
from .cli_parser import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, SCHEDULER, build_parser
from .contract_tables import contract_table, has_contracts
from .export import ExportError
from .extras import MissingDependency
from .fitting.errors import FitError
from .loader import ScenarioError, validate_data
from .manifest import FolderError
from .progress import Progress
from .report import CSV_COLUMNS, REPORT_NAME, ReportError, headline_rows, write_report
from .scenario import Scenario
from .strategies import PluginError
from .sweeps import run_sweep, sweep_table
from .tables import (
    business_table,
    comparison_table,
    group_table,
    segment_table,
    targets_table,
    utilization_table,
    week_table,
    weekly_table,
)
from .targets import OutputError, file_target, folder_target, write_atomic
from .trace import mean_rate as trace_rate
from .units import WEEK, format_rate
from .variants import baseline_name, policy_variants, with_policy_variants
from .workers import WorkerError


def print_machine(summary: dict, fmt: str) -> None:
    """summary.json as it is, or the headline figures one per row (variant, scope, metric, statistic, ...)."""
    if fmt == "json":
        print(json.dumps(summary, indent=2))
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in headline_rows(summary):
        writer.writerow({k: "" if v is None else repr(v) if isinstance(v, float) else v for k, v in row.items()})


def cmd_validate(args: argparse.Namespace) -> int:
    checked = admit(args.file)
    scenario, plan = checked.scenario, checked.plan
    checked.refuse_beyond(max_tickets=args.max_tickets)  # what run would refuse, validate refuses
    if plan is not None:
        refuse_sweep_beyond(plan, checked.source, args.max_tickets)
    rate = trace_rate(scenario)
    weekly = scenario.weekly_hours(rate)
    print(f"{args.file}: scenario {scenario.name!r} is valid")
    if checked.checks:
        print(f"  checks: {len(checked.checks)}")
    if plan is not None:
        print(f"  sweep: {len(plan.points)} points, {plan.tasks} replications in all")
    print(f"  arrivals: {arrival_words(scenario, rate)}; groups:")
    for group, (offered, available) in weekly.items():
        g = scenario.groups[group]
        rho = offered / available
        flag = "  WARNING: load >= 1, the queue grows without bound" if rho >= 1 else ""
        hours = f"  ({offered:.0f} h of work per week, {available:.0f} engineer-hours on duty per week)"
        print(f"  {group:<10} staff {g.headcount:>4}  offered load rho = {rho:.3f}{hours}{flag}")
    growth = scenario.arrivals.growth
    if growth and rate is None:
        factor = (1 + growth) ** (scenario.horizon / (365.25 * 24))
        at_end = scenario.offered_load(scenario.mean_arrival_rate * factor)
        print(f"  with growth {100 * growth:+g}%/y the rate is x{factor:.3f} at the horizon: offered load "
              + ", ".join(f"{g} {r:.3f}" for g, r in at_end.items()))
    _print_warnings(args.file, checked.warnings())
    return EXIT_OK


def arrival_words(scenario: Scenario, trace_rate: float | None) -> str:
    """The arrival rate in the unit it was given and per week (and the growth over a year)."""
    if trace_rate is not None:
        return f"{trace_rate:g} tickets/h ({trace_rate * WEEK:.0f}/w) replayed from the trace"
    per_hour = scenario.mean_arrival_rate
    given = scenario.arrivals.rate
    text = f"{per_hour:.4g} tickets/h"
    if isinstance(given, PerWorkingDay):
        text = f"{given} of calendar {scenario.arrivals.calendar!r} = {text}"
    elif given is not None and not format_rate(given).endswith("/h"):
        text = f"{format_rate(given)} = {text}"
    text += f" = {per_hour * WEEK:.0f}/w"
    if scenario.arrivals.bursts:
        text += " (bursts included)"
    if scenario.arrivals.growth:
        later = per_hour * WEEK * (1 + scenario.arrivals.growth)
        text += f" at start, growing {100 * scenario.arrivals.growth:+g}%/y ({later:.0f}/w a year later)"
    return text


def _print_warnings(source: str, found: list[tuple[str, str]]) -> None:
    """What validate and every simulating command warn about (admit.load_warnings), one line each."""
    for path, message in found:
        print(f"warning: {source}: {path}: {message}", file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    checked = admit(args.file)
    checked.refuse_beyond(args.replications, args.max_tickets)
    _print_warnings(args.file, checked.warnings())
    return _simulate_and_report(checked.scenario, args, Path("results") / checked.scenario.name)


def cmd_compare(args: argparse.Namespace) -> int:
    scenario = admit(args.file).scenario
    try:
        policies = policy_variants(args.policy)
    except ValueError as exc:
        raise ScenarioError([("--policy", str(exc))], args.file) from None
    try:
        compared = validate_data(with_policy_variants(scenario, policies), args.file)
    except ScenarioError as exc:  # the file was fine, so the problem is in --policy: say which item
        items = dict(zip(policies, (item.strip() for item in args.policy.split(","))))
        problems = []
        for path, message in exc.problems:
            name, _, rest = path.removeprefix("variants.").partition(".")
            problems.append((f"--policy {items[name]}: {rest}" if name in items else path, message))
        raise ScenarioError(problems, args.file) from None
    checked = admit(compared)
    checked.refuse_beyond(args.replications, args.max_tickets)
    _print_warnings(args.file, checked.warnings())
    return _simulate_and_report(compared, args, Path("results") / f"{scenario.name}-compare")


def _simulate_and_report(scenario: Scenario, args: argparse.Namespace, default_out: Path) -> int:
    out = Path(args.out) if args.out else default_out
    # find out before a long simulation, not after, that the results cannot be written; create nothing yet, so
    # a run that fails leaves no trace
    folder_target(out, "--out ")
    from .api import simulate  # the engine loads only once the input is known to be good

    with Progress(f"{args.command} {scenario.name}", quiet=args.quiet) as progress:
        result = simulate(scenario, replications=args.replications, seed=args.seed, jobs=args.jobs,
                          progress=progress, max_tickets=args.max_tickets)
    result.save(out, report=True, visits=getattr(args, "visits", False))
    if args.format != "table":
        print_machine(result.summary(), args.format)
        return EXIT_OK
    if not args.quiet:
        summary = result.summary()
        print(f"{scenario.name}: {summary['replications']} replications, seed {summary['seed']}, "
              f"window {scenario.warmup:g}h-{scenario.horizon:g}h; mean with 95% CI")
        print()
        if len(summary["variants"]) > 1:
            print(comparison_table(summary))
            print(f"\nmean times with 95% CI; reaction vs, resolution vs: the change vs baseline "
                  f"({summary['baseline']}), paired over replications\non the same tickets, as a factor or percentage, "
                  "or in time where a mean is under a minute;\nintervals, p90s, segments and groups are in "
                  "summary.json and the report")
            print()
            print(utilization_table(summary))
            _print_targets(summary)
        else:
            figures = next(iter(summary["variants"].values()))
            print(segment_table(figures, scenario))
            if any("reaction_business" in seg for seg in figures["segments"].values()):
                print()
                print(business_table(figures, scenario.segment_names))
            print()
            print(group_table(figures))
            _print_targets(summary)
            if any(w["targets"] for w in (figures.get("weeks") or {}).values()):
                print()
                print(weekly_table(figures))
                print("by calendar week of arrival, each target on its own clock (mean over replications; "
                      "intervals in summary.json); * the run's window cuts the week")
            if scenario.uses_working_time():
                print()
                print(week_table(next(iter(result.profiles()["variants"].values()))))
        if has_contracts(summary):  # customers' plans and cards (see docs/contracts.md)
            print()
            print(contract_table(summary))
        print(f"\nwrote {out / 'summary.json'}, {out / 'profiles.json'}, {out / 'tickets.csv'}, "
              f"{out / 'scenario.resolved.yaml'}")
        print(f"open {out / REPORT_NAME} in a browser for the report")
    return EXIT_OK


def _print_targets(summary: dict) -> None:
    """The targets, each on its own clock, judged where they state attain."""
    if any(figures.get("targets") for figures in summary["variants"].values()):
        print()
        print(targets_table(summary))
        print("targets: attainment on each target's own clock (95% CI); met when the whole interval is at or "
              "above attain,\nmissed when below, else inconclusive")


def cmd_report(args: argparse.Namespace) -> int:
    if args.out:
        file_target(args.out, "--out ")
    target = write_report(args.folder, args.out)
    if args.format != "table":
        summary_path = Path(args.folder) / "summary.json"
        if not summary_path.exists():
            raise ReportError(f"{args.folder}: no summary.json for --format {args.format}")
        text = summary_path.read_text(encoding="utf-8")
        if args.format == "json":
            sys.stdout.write(text)
        else:
            print_machine(json.loads(text), args.format)
    elif not args.quiet:
        print(f"wrote {target}")
    return EXIT_OK


def cmd_sweep(args: argparse.Namespace) -> int:
    if args.scheduler is not None and not SCHEDULER.match(args.scheduler):
        raise ScenarioError([("", f"--scheduler {args.scheduler!r}: give 'local' or a Dask scheduler address "
                                  "such as tcp://10.0.0.5:8786")], args.file)
    plan = load_plan(args.file, replications=args.replications, max_tickets=args.max_tickets)
    out = Path(args.out) if args.out else Path("results") / "sweeps" / Path(args.file).stem
    folder_target(out, "--out ")
    jobs = args.jobs or os.cpu_count() or 1
    if not args.quiet:
        where = f"Dask at {args.scheduler}" if args.scheduler else f"{jobs} worker process{'es' * (jobs > 1)}"
        print(f"{plan.scenario.name}: {len(plan.points)} points x {len(plan.points[0].variants)} variant(s) x "
              f"{plan.replications} replications on {where}", flush=True)
    result = run_sweep(plan, out, jobs, args.scheduler, progress=False if args.quiet else None)
    written = result.save(out)
    if not args.quiet:
        if result.resumed:
            print(f"{result.resumed} of {len(plan.points)} points were already saved in {out / 'points'}")
        print(f"wrote {', '.join(map(str, written))} and {len(plan.points)} files in {out / 'points'}")
        print()
        print(sweep_table(plan, result.documents))
    return EXIT_OK


def cmd_staff(args: argparse.Namespace) -> int:
    from .staffing import StaffingError, settings_for
    from .staffing import staff as search
    from .staffing_output import save, sensitivity, sensitivity_text, text, varied_scenarios

    if args.scheduler is not None and not SCHEDULER.match(args.scheduler):
        raise ScenarioError([("", f"--scheduler {args.scheduler!r}: give 'local' or a Dask scheduler address "
                                  "such as tcp://10.0.0.5:8786")], args.file)
    checked = admit(args.file)
    scenario = checked.scenario
    checked.refuse_beyond(args.batch, args.max_tickets, kept=False)
    if args.by_hour or args.alpha is not None:
        from .by_hour_cli import staff_by_hour

        return staff_by_hour(args, checked)
    out = Path(args.out) if args.out else Path("results") / f"{scenario.name}-staff"
    folder_target(out, "--out ")
    groups = [g.strip() for g in args.groups.split(",")] if args.groups else None
    try:
        changed = varied_scenarios(scenario, args.vary)  # a --vary that cannot be applied is refused up front
        with Progress(f"staff {scenario.name}", quiet=args.quiet) as progress:
            settings = settings_for(scenario, groups, args.delta, args.batch, args.cap, args.seed, args.jobs,
                                    args.scheduler, progress)
            answers = search(checked.variants, checked.checks, settings)
            varied = sensitivity(changed, settings)
    except StaffingError as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    baseline = baseline_name(scenario)
    if not args.quiet:
        print(text(answers, baseline))
        if varied:
            print(sensitivity_text(varied))
    save(out, scenario, answers, settings, baseline, varied)  # whole, with the unreachable variants and why
    if not args.quiet:
        print(f"wrote {out / 'staffing.json'}, {out / 'staffing.csv'}, {out / 'staffing.html'}, "
              f"{out / 'scenario.resolved.yaml'}")
    unreachable = [a for a in answers if not a.reachable]
    for a in unreachable:
        print(f"error: {args.file}: variant {a.variant}: unreachable: {a.reason}", file=sys.stderr)
    return EXIT_BAD_INPUT if unreachable else EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    if args.junit:  # a bad target is bad input (exit 2), found before simulating; never exit 1, "checks failed"
        file_target(args.junit, "--junit ")
    with Progress(f"check {Path(args.file).stem}", quiet=args.quiet) as progress:
        report = run_check(args.file, args.baseline, args.tolerance, args.lenient, args.replications, args.jobs,
                           args.max_tickets, progress)
    print(report.text())
    if args.junit:
        write_atomic(Path(args.junit), report.junit())
    return EXIT_OK if report.passed else EXIT_FAILED


def cmd_baseline(args: argparse.Namespace) -> int:
    with Progress(f"baseline {Path(args.file).stem}", quiet=args.quiet) as progress:
        path = write_baseline(args.file, args.out, args.replications, args.jobs, args.max_tickets, progress)
    if not args.quiet:
        print(f"wrote {path}")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from .schema import schema_text

    text = schema_text(args.which, args.builtin)
    if args.out:
        file_target(Path(args.out), "--out ")
        try:
            write_atomic(Path(args.out), text)
        except OSError as exc:
            raise ScenarioError([("", f"--out: cannot write there ({exc.strerror or exc})")], args.out) from None
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_strategies(args: argparse.Namespace) -> int:
    from .strategies import package_of, strategies
    from .strategies.listing import strategy_keys, summary

    for kind, cls in sorted(strategies().items()):
        print(f"{kind}  ({package_of(kind)}): {summary(cls)}")
        for key, default, description in strategy_keys(cls):
            print(f"    {key}: {default}" + (f"  # {description}" if description else ""))
    return EXIT_OK


def cmd_fit(args: argparse.Namespace) -> int:
    from .fitting.cli import run_fit
    return run_fit(args)


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export
    path, events = export(args.folder, args.out, args.format, args.variant, args.replication)
    print(f"wrote {path}: {events} events; read it back with: supportsim fit {path}")
    return EXIT_OK


def cmd_backtest(args: argparse.Namespace) -> int:
    from .backtesting.cli import run_backtest
    return run_backtest(args)


def _one_line_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                      file: Any = None, line: str | None = None) -> None:
    """A warning from a library (numpy's RuntimeWarning, say) as one line like ours, not its source line."""
    print(f"warning: {category.__name__}: {str(message).splitlines()[0] if str(message) else ''}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    warnings.showwarning = _one_line_warning
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {"validate": cmd_validate, "run": cmd_run, "compare": cmd_compare, "report": cmd_report,
                "sweep": cmd_sweep, "staff": cmd_staff, "check": cmd_check, "baseline": cmd_baseline,
                "strategies": cmd_strategies, "schema": cmd_schema, "fit": cmd_fit, "export": cmd_export,
                "backtest": cmd_backtest}
    try:
        return handlers[args.command](args)
    except ScenarioError as exc:
        for line in exc.messages():
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ReportError, MissingDependency, PluginError, FitError, ExportError, OutputError, FolderError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except WorkerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt as exc:
        print(str(exc) or "interrupted before anything was saved; files already there are as they were",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

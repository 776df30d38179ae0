"""The ``supportsim`` command: parse arguments, call the library, print. Nothing else lives here."""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import warnings
from pathlib import Path
from typing import Any, NoReturn

from ._version import __version__
from .admit import admit, load_plan, refuse_sweep_beyond
from .arrival_calendar import PerWorkingDay
from .backtesting.cli import add_command as add_backtest_command
from .ci import run_check, write_baseline
from .contract_tables import contract_table, has_contracts
from .export import ExportError
from .extras import MissingDependency
from .fitting.errors import FitError
from .limits import MAX_TICKETS
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

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
SCHEDULER = re.compile(r"^(local|(tcp|tls|inproc|ucx|ws|wss)://[^\s/:]+(:\d{1,5})?/?)$")
"""What --scheduler accepts: 'local', or a Dask scheduler address."""


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


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr (exit 2) like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"error: {self.prog}: {message} (see '{self.prog} --help')\n")


def _tolerance(text: str) -> float:
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"write a percentage such as 5% (or 0.05), got {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0% or more, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="supportsim", description="Simulate a support desk from a scenario file.")
    parser.add_argument("--version", action="version", version=f"supportsim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check a scenario file and print the offered load per group")
    validate.add_argument("file", help="scenario YAML file")
    _max_tickets_option(validate)

    run = commands.add_parser("run", help="simulate a scenario and write summary.json, profiles.json, tickets.csv, "
                                          "scenario.resolved.yaml")
    run.add_argument("file", help="scenario YAML file")
    run.add_argument("--out", metavar="DIR", help="output folder (default: results/<scenario name>/)")
    run.add_argument("--visits", action="store_true", help="also write visits.csv, one row per visit (what "
                                                           "`supportsim export` needs)")
    _simulation_options(run)

    compare = commands.add_parser("compare", help="run the scenario once per policy, on the same tickets, and "
                                                  "print one comparison table (the file's own variants are ignored)")
    compare.add_argument("file", help="scenario YAML file")
    compare.add_argument("--policy", required=True, metavar="LIST",
                         help="policies to compare, the first is the baseline: e.g. fifo,priority,vip_lane or "
                              "vip_lane:pickup_within=30m,dedicated:engineers.L1=2 "
                              "(kind:key=value, defaults otherwise)")
    compare.add_argument("--out", metavar="DIR", help="output folder (default: results/<scenario name>-compare/)")
    _simulation_options(compare)

    report = commands.add_parser("report", help="rebuild report.html from a results folder, without simulating")
    report.add_argument("folder", metavar="DIR", help="results folder (holds summary.json)")
    report.add_argument("--out", metavar="FILE", help=f"where to write the report (default: DIR/{REPORT_NAME})")
    report.add_argument("--quiet", action="store_true", help="print nothing but errors (and what --format asks for)")
    _format_option(report)


    sweep = commands.add_parser("sweep", help="run a parameter sweep; write sweep.csv and one file per point")
    sweep.add_argument("file", help="sweep file, or scenario file with a sweep: section")
    sweep.add_argument("--out", metavar="DIR", help="output folder (default: results/sweeps/<file name>/); "
                       "points already saved there are not run again")
    sweep.add_argument("--jobs", type=_positive, metavar="N", help="worker processes (default: all cores)")
    sweep.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster: tcp://HOST:PORT, or 'local' "
                       "to start one of --jobs workers (needs supportsim[dask])")
    sweep.add_argument("--replications", type=_positive, metavar="N", help="override the replications per point")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    _max_tickets_option(sweep)

    staff = commands.add_parser("staff", help="the least-cost staff per variant that meets every check and every "
                                              "target with attain (95%% confidence); write staffing.json, .csv")
    staff.add_argument("file", help="scenario YAML file with checks: or SLA/OLA targets with attain")
    staff.add_argument("--groups", metavar="LIST", help="groups whose staff is searched, e.g. L1,L2 (default: all; "
                                                        "the others keep their staff)")
    staff.add_argument("--delta", type=_tolerance, default=0.01, metavar="PCT",
                       help="indifference zone: stop adding replications once a straddling interval is narrower "
                            "than this around the bound (a share, e.g. 1%%; relative for times) (default 1%%)")
    staff.add_argument("--batch", type=_positive, metavar="N",
                       help="replications per batch (default: the scenario's replications)")
    staff.add_argument("--cap", type=_positive, metavar="N", help="most replications per staffing (default 6 batches)")
    staff.add_argument("--seed", type=_non_negative, metavar="N", help="override the scenario's seed")
    staff.add_argument("--jobs", type=_positive, default=1, metavar="N",
                       help="worker processes (the answer does not depend on it)")
    staff.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster: tcp://HOST:PORT or 'local'")
    staff.add_argument("--vary", action="append", default=[], metavar="KEY=CHANGES",
                       help="re-solve with one input scaled, e.g. groups.L1.work.mean=-10%%,+10%% (repeatable)")
    staff.add_argument("--by-hour", action="store_true",
                       help="staff per interval of the week (iterative staffing algorithm) and, with a roster: "
                            "section, the least-cost verified roster; writes by-hour.json/.csv/.html, roster.yaml")
    staff.add_argument("--alpha", type=float, metavar="P", help="--by-hour: target delay probability per interval "
                                                                "(default: the targets with attain set the level)")
    staff.add_argument("--interval", default="1h", metavar="HOURS",
                       help="--by-hour: interval length, whole hours dividing a day (default 1h)")
    staff.add_argument("--out", metavar="DIR", help="output folder (default: results/<scenario name>-staff/)")
    staff.add_argument("--quiet", action="store_true", help="print nothing but errors")
    _max_tickets_option(staff)

    check = commands.add_parser("check", help="judge a scenario's checks (and a baseline); exit 1 if any fails")
    check.add_argument("file", help="scenario YAML file with a checks: list")
    check.add_argument("--baseline", metavar="PATH", help="compare with this baseline (from supportsim baseline)")
    check.add_argument("--tolerance", type=_tolerance, default=0.05, metavar="PCT",
                       help="a figure regresses when worse than the baseline by more than this (default 5%%)")
    check.add_argument("--junit", metavar="PATH", help="also write the results as JUnit XML")
    check.add_argument("--lenient", action="store_true", help="judge inconclusive checks on the estimate alone")
    check.add_argument("--replications", type=_positive, metavar="N", help="override the scenario's replications")
    check.add_argument("--jobs", type=_positive, default=1, metavar="N", help="worker processes")
    check.add_argument("--quiet", action="store_true", help="no progress line (the verdicts are still printed)")
    _max_tickets_option(check)

    baseline = commands.add_parser("baseline", help="save a scenario's figures for later check --baseline")
    baseline.add_argument("file", help="scenario YAML file")
    baseline.add_argument("--out", metavar="PATH", help="baseline file (default: results/baselines/<name>.json)")
    baseline.add_argument("--replications", type=_positive, metavar="N", help="override the scenario's replications")
    baseline.add_argument("--jobs", type=_positive, default=1, metavar="N", help="worker processes")
    baseline.add_argument("--quiet", action="store_true", help="print nothing but errors")
    _max_tickets_option(baseline)

    commands.add_parser("strategies", help="list every policy kind a scenario can name, one strategy class each "
                                           "(built in or from an installed package): its package, keys and defaults")

    schema = commands.add_parser("schema", help="print the JSON Schema of scenario files (or sweep files) for "
                                                "editors: completion, descriptions and typos flagged as you type")
    schema.add_argument("which", nargs="?", choices=["scenario", "sweep"], default="scenario",
                        help="which file format (default: scenario)")
    schema.add_argument("--builtin", action="store_true",
                        help="built-in strategies only, no plugin's (as in the repository's schema/ folder)")
    schema.add_argument("--out", metavar="FILE", help="write the schema to FILE instead of printing it")
    _fit_commands(commands)
    add_backtest_command(commands, _positive, _non_negative, _max_tickets_option)
    return parser


def _fit_commands(commands: Any) -> None:
    fit = commands.add_parser("fit", help="fit a scenario to a ticket system's export (event log or ticket table); "
                                          "write the scenario and fit-report.html")
    fit.add_argument("file", metavar="EXPORT", help="event log (CSV, XES, Parquet) or ticket table (CSV)")
    fit.add_argument("--out", metavar="FILE", help="scenario to write (default: <EXPORT name>-fitted.yaml)")
    fit.add_argument("--report", metavar="FILE", help="fit report (default: fit-report.html next to --out)")
    fit.add_argument("--name", help="the scenario's name (default: from --out)")
    for role in ("case", "time", "status", "group", "resource", "priority", "segment", "customer"):
        fit.add_argument(f"--{role}", metavar="COL", help=f"column of the {role}" + (
            " (several joined with '/': --status 'Status,Sub Status')" if role == "status" else ""))
    fit.add_argument("--preset", choices=["jira", "zendesk", "servicenow"],
                     help="column names and statuses of a ticket system's export (see docs/fit.md)")
    fit.add_argument("--states", metavar="FILE", help="YAML mapping the desk's statuses to queued, working, "
                                                      "waiting, resolved, closed")
    fit.add_argument("--ignore-unknown", action="store_true", help="report and skip statuses not mapped")
    fit.add_argument("--skip-bad", action="store_true", help="leave bad rows out (and report them) instead of stopping")
    fit.add_argument("--tz", metavar="ZONE", help="time zone of the desk, e.g. Europe/Berlin (naive times are in it; "
                                                  "times with an offset are converted to it)")
    fit.add_argument("--since", metavar="DATE", help="the export holds every event from DATE on: tickets that "
                                                     "begin mid-way were open before (left-truncated)")
    fit.add_argument("--until", metavar="DATE", help="use events before DATE only: tickets open then are censored")
    fit.add_argument("--vip", metavar="SEGMENTS", help="segments to mark VIP in the scenario, e.g. Premium")
    fit.add_argument("--on-duty-cut", action="store_true",
                     help="count working time only in the group's on-duty hours (see docs/fit.md)")
    fit.add_argument("--bootstrap", type=_non_negative, default=99, metavar="N",
                     help="bootstrap draws for the goodness-of-fit p-values (default 99; 0: none)")
    fit.add_argument("--quiet", action="store_true", help="print nothing but errors")

    export = commands.add_parser("export", help="write a run's simulated tickets as an event log that process-"
                                                "mining tools and supportsim fit read")
    export.add_argument("folder", metavar="RESULTS_DIR", help="results folder of `supportsim run --visits`")
    export.add_argument("--format", choices=["event-log", "xes"], default="event-log",
                        help="event-log: CSV with XES column names (default); xes: XES XML")
    export.add_argument("--out", required=True, metavar="FILE", help="file to write")
    export.add_argument("--variant", help="variant to export (default: the first)")
    export.add_argument("--replication", type=_non_negative, default=0, metavar="N",
                        help="replication to export (default 0): one replication is one desk's history")


def _simulation_options(command: argparse.ArgumentParser) -> None:
    """Options of every command that simulates (run, compare)."""
    command.add_argument("--replications", type=_positive, metavar="N", help="override the scenario's replications")
    command.add_argument("--seed", type=_non_negative, metavar="N", help="override the scenario's seed")
    command.add_argument("--jobs", type=_positive, default=1, metavar="N",
                         help="worker processes (results do not depend on it)")
    command.add_argument("--quiet", action="store_true", help="print nothing but errors (and what --format asks for)")
    _format_option(command)
    _max_tickets_option(command)


def _max_tickets_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--max-tickets", type=_positive, metavar="N",
                         help=f"refuse to simulate more tickets than this, estimated before starting "
                              f"(default {MAX_TICKETS:,}; see docs/limits.md)")


def _format_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--format", choices=["table", "json", "csv"], default="table",
                         help="stdout for people (table) or machines: json = summary.json, "
                              "csv = the headline figures in long format")


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

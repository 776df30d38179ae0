"""The ``supportsim`` command: parse arguments, call the library, print. Nothing else lives here."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path
from typing import NoReturn

from ._version import __version__
from .ci import load_checked, run_check, write_baseline
from .extras import MissingDependency
from .loader import ScenarioError, expand_variants, load_scenario, validate_data
from .report import CSV_COLUMNS, REPORT_NAME, ReportError, headline_rows, write_report
from .results import write_atomic
from .scenario import Scenario
from .sweeps import load_plan, run_sweep
from .tables import business_table, comparison_table, group_table, segment_table, week_table
from .trace import mean_rate as trace_rate
from .variants import policy_variants, with_policy_variants
from .workers import WorkerError

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

    run = commands.add_parser("run", help="simulate a scenario and write summary.json, profiles.json, tickets.csv, "
                                          "scenario.resolved.yaml")
    run.add_argument("file", help="scenario YAML file")
    run.add_argument("--out", metavar="DIR", help="output folder (default: results/<scenario name>/)")
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


def _simulation_options(command: argparse.ArgumentParser) -> None:
    """Options of every command that simulates (run, compare)."""
    command.add_argument("--replications", type=_positive, metavar="N", help="override the scenario's replications")
    command.add_argument("--seed", type=_non_negative, metavar="N", help="override the scenario's seed")
    command.add_argument("--jobs", type=_positive, default=1, metavar="N",
                         help="worker processes (results do not depend on it)")
    command.add_argument("--quiet", action="store_true", help="print nothing but errors (and what --format asks for)")
    _format_option(command)


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
    checked = load_checked(args.file)
    scenario = checked.scenario
    plan = load_plan(args.file) if scenario.sweep else None
    rate = trace_rate(scenario)
    weekly = scenario.weekly_hours(rate)
    shifts = scenario.uses_working_time()
    print(f"{args.file}: scenario {scenario.name!r} is valid")
    if checked.checks:
        print(f"  checks: {len(checked.checks)}")
    if plan is not None:
        print(f"  sweep: {len(plan.points)} points, {plan.tasks} replications in all")
    print(f"  arrivals: {rate if rate is not None else scenario.mean_arrival_rate:g} tickets/h; groups:")
    for group, (offered, available) in weekly.items():
        g = scenario.groups[group]
        rho = offered / available
        flag = "  WARNING: load >= 1, the queue grows without bound" if rho >= 1 else ""
        hours = f"  ({offered:.0f} h of work per week, {available:.0f} engineer-hours on duty)" if shifts else ""
        print(f"  {group:<10} staff {g.headcount:>4}  offered load rho = {rho:.3f}{hours}{flag}")
    for group, (offered, available) in weekly.items():
        if offered >= available:
            print(f"warning: {args.file}: groups.{group}: cannot keep up over a week: {offered:.0f} h of work "
                  f"offered per week, {available:.0f} engineer-hours on duty (load {offered / available:.2f}); "
                  "add staff or shifts, or reduce work", file=sys.stderr)
    for prefix, variant in _variants_of(scenario):
        for path, message in policy_load_warnings(variant):
            print(f"warning: {args.file}: {prefix}{path}: {message}", file=sys.stderr)
    return EXIT_OK


def _variants_of(scenario: Scenario) -> list[tuple[str, Scenario]]:
    variants = expand_variants(scenario)
    if not scenario.variants:
        return [("", scenario)]
    return [(f"variants.{name}.", variant) for name, variant in variants.items()]


def policy_load_warnings(scenario: Scenario) -> list[tuple[str, str]]:
    """The load warnings of every policy in force (the scenario's and the groups' own)."""
    found = scenario.policy.load_warnings(scenario, "policy")
    for group, spec in scenario.groups.items():
        if spec.policy is not None:
            found += spec.policy.load_warnings(scenario, f"groups.{group}.policy")
    return found


def cmd_run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.file)
    return _simulate_and_report(scenario, args, Path("results") / scenario.name)


def cmd_compare(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.file)
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
    return _simulate_and_report(compared, args, Path("results") / f"{scenario.name}-compare")


def _simulate_and_report(scenario: Scenario, args: argparse.Namespace, default_out: Path) -> int:
    out = Path(args.out) if args.out else default_out
    if out.exists() and not out.is_dir():
        raise ScenarioError([("", f"--out {out}: exists and is not a folder")], args.file)
    try:  # find out before a long simulation, not after, that the results cannot be written
        out.mkdir(parents=True, exist_ok=True)
        if not os.access(out, os.W_OK):
            raise PermissionError("not writable")
    except OSError as exc:
        raise ScenarioError([("", f"--out {out}: cannot write there ({exc.strerror or exc})")], args.file) from None
    from .api import simulate  # the engine loads only once the input is known to be good

    result = simulate(scenario, replications=args.replications, seed=args.seed, jobs=args.jobs)
    result.save(out)
    write_report(out)
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
            print("\nvs baseline: variant/baseline mean time, paired over replications on the same tickets "
                  "(geometric mean, [95% interval]); per-segment and per-group figures are in summary.json")
        else:
            figures = next(iter(summary["variants"].values()))
            print(segment_table(figures, scenario))
            if any("reaction_business" in seg for seg in figures["segments"].values()):
                print()
                print(business_table(figures, scenario.segment_names))
            print()
            print(group_table(figures))
            if scenario.uses_working_time():
                print()
                print(week_table(next(iter(result.profiles()["variants"].values()))))
        print(f"\nwrote {out / 'summary.json'}, {out / 'profiles.json'}, {out / 'tickets.csv'}, "
              f"{out / 'scenario.resolved.yaml'}")
        print(f"open {out / REPORT_NAME} in a browser for the report")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
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


def cmd_check(args: argparse.Namespace) -> int:
    report = run_check(args.file, args.baseline, args.tolerance, args.lenient, args.replications, args.jobs)
    print(report.text())
    if args.junit:
        write_atomic(Path(args.junit), report.junit())
    return EXIT_OK if report.passed else EXIT_FAILED


def cmd_baseline(args: argparse.Namespace) -> int:
    path = write_baseline(args.file, args.out, args.replications, args.jobs)
    print(f"wrote {path}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {"validate": cmd_validate, "run": cmd_run, "compare": cmd_compare, "report": cmd_report,
                "sweep": cmd_sweep, "check": cmd_check, "baseline": cmd_baseline}
    try:
        return handlers[args.command](args)
    except ScenarioError as exc:
        for line in exc.messages():
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ReportError, MissingDependency) as exc:
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

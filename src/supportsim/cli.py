"""The ``supportsim`` command: parse arguments, call the library, print. Nothing else lives here."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

from . import __version__
from .api import simulate
from .loader import ScenarioError, load_scenario
from .report import CSV_COLUMNS, REPORT_NAME, ReportError, headline_rows, write_report
from .tables import group_table, segment_table

EXIT_OK, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 2, 130


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
    run.add_argument("--quiet", action="store_true", help="print nothing but errors (and what --format asks for)")
    _format_option(run)

    report = commands.add_parser("report", help="rebuild report.html from a results folder, without simulating")
    report.add_argument("folder", metavar="DIR", help="results folder (holds summary.json)")
    report.add_argument("--out", metavar="FILE", help=f"where to write the report (default: DIR/{REPORT_NAME})")
    report.add_argument("--quiet", action="store_true", help="print nothing but errors (and what --format asks for)")
    _format_option(report)
    return parser


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


def cmd_validate(args) -> int:
    scenario = load_scenario(args.file)
    loads = scenario.offered_load()
    print(f"{args.file}: scenario {scenario.name!r} is valid")
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
    write_report(out)
    if args.format != "table":
        print_machine(result.summary(), args.format)
        return EXIT_OK
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
        print(f"open {out / REPORT_NAME} in a browser for the report")
    return EXIT_OK


def cmd_report(args) -> int:
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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {"validate": cmd_validate, "run": cmd_run, "report": cmd_report}
    try:
        return handlers[args.command](args)
    except ScenarioError as exc:
        for line in exc.messages():
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted; files already written are complete, nothing was half-written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

"""The command line's grammar: every command, its arguments and options, and the exit codes. The commands'
work is in :mod:`supportsim.cli`; a usage mistake is one line on stderr with exit code 2, as every other error."""

from __future__ import annotations

import argparse
import re
from typing import Any, NoReturn

from ._version import __version__
from .backtesting.cli import add_command as add_backtest_command
from .limits import MAX_TICKETS
from .report import REPORT_NAME

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
SCHEDULER = re.compile(r"^(local|(tcp|tls|inproc|ucx|ws|wss)://[^\s/:]+(:\d{1,5})?/?)$")
"""What --scheduler accepts: 'local', or a Dask scheduler address."""


def _whole_number(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be >= {least}, got {value}")
    return value


def _positive(text: str) -> int:
    return _whole_number(text, 1)


def _non_negative(text: str) -> int:
    return _whole_number(text, 0)


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

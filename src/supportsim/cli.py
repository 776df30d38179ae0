"""The ``supportsim`` command: parse arguments, call the library, print. Nothing else lives here."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .loader import ScenarioError, load_scenario
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


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr (exit 2) like every other error."""

    def error(self, message: str):
        self.exit(EXIT_BAD_INPUT, f"error: {self.prog}: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="supportsim", description="Simulate a support desk from a scenario file.")
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
    return parser


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
    try:  # find out before a long simulation, not after, that the results cannot be written
        out.mkdir(parents=True, exist_ok=True)
        if not os.access(out, os.W_OK):
            raise PermissionError("not writable")
    except OSError as exc:
        raise ScenarioError([("", f"--out {out}: cannot write there ({exc.strerror or exc})")], args.file) from None
    from .api import simulate  # the engine loads only once the input is known to be good

    result = simulate(scenario, replications=args.replications, seed=args.seed, jobs=args.jobs)
    result.save(out)
    if not args.quiet:
        summary = result.summary()
        print(f"{scenario.name}: {summary['replications']} replications, seed {summary['seed']}, "
              f"window {scenario.warmup:g}h-{scenario.horizon:g}h; mean with 95% CI")
        for variant, figures in summary["variants"].items():
            print()
            print(segment_table(figures, scenario))
            print()
            print(group_table(figures))
        print(f"\nwrote {out / 'summary.json'}, {out / 'tickets.csv'}, {out / 'scenario.resolved.yaml'}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {"validate": cmd_validate, "run": cmd_run}
    try:
        return handlers[args.command](args)
    except ScenarioError as exc:
        for line in exc.messages():
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted; files already written are complete, nothing was half-written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

"""``python -m supportsim.bench``: measure everything in one run, print the tables, optionally write the doc."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import report, runs
from .models import R1


def _load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m supportsim.bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="small sizes, one repetition: a smoke run of a few seconds")
    p.add_argument("--write", type=Path, metavar="FILE", help="also write the figures into FILE (docs/performance.md)")
    p.add_argument("--tickets", type=int, help="R1 size in tickets (default 200,000; quick 20,000)")
    p.add_argument("--ciw-tickets", type=int, help="R1 size for Ciw (default: --tickets); 0 skips Ciw")
    p.add_argument("--engineers", default="50,200", help="R1 scaled: engineer counts besides 10 (default 50,200)")
    p.add_argument("--memory-tickets", type=int, help="memory run size (default 1,000,000; quick 100,000)")
    p.add_argument("--horizon", help="R2 and the scaling job: simulated time per replication (default 365d; quick 30d)")
    p.add_argument("--replications", type=int, help="scaling job: replications (default 8; quick 4)")
    p.add_argument("--repeat", type=int, help="timings per implementation, best kept (default 3; quick 1)")
    p.add_argument("--scenarios", type=Path, default=None, help="folder with the bundled scenarios")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-staff", action="store_true", help="leave out the staffing search (supportsim staff on "
                                                           "the bundled VIP scenario, about 2-4 minutes)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    quick = args.quick
    tickets = args.tickets or (20_000 if quick else 200_000)
    ciw_tickets = tickets if args.ciw_tickets is None else args.ciw_tickets
    if ciw_tickets and not runs.ciw_available():
        print("Ciw is not installed (pip install supportsim[bench]): its row is left out", file=sys.stderr)
        ciw_tickets = 0
    engineers = [int(c) for c in args.engineers.split(",") if c.strip()]
    memory_tickets = args.memory_tickets or (100_000 if quick else 1_000_000)
    horizon = args.horizon or ("30d" if quick else "365d")
    replications = args.replications or (4 if quick else 8)
    repeat = args.repeat or (1 if quick else 3)
    scenarios = args.scenarios or _scenarios_folder()

    started = time.perf_counter()
    figures: dict[str, Any] = {"machine": report.machine(), "load_before": _load(),
               "command": " ".join(["python -m supportsim.bench", *(sys.argv[1:] if argv is None else argv)])}

    def step(name: str, function: Callable[..., Any], *a: Any) -> Any:
        print(f"{name} ...", file=sys.stderr, flush=True)
        t = time.perf_counter()
        value = function(*a)
        print(f"{name} done in {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
        return value

    model = R1(tickets=tickets, seed=args.seed)
    figures["r1"] = step("R1 four ways", runs.r1, model, repeat, ciw_tickets)
    figures["scaled"] = step("R1 scaled", runs.scaled, model, engineers, repeat)
    r2_data, figures["r2_file"] = runs.r2_scenario(scenarios, horizon)
    figures["r2"] = step("R2", runs.r2, r2_data, repeat)
    figures["memory"] = step("memory", runs.memory, memory_tickets, args.seed)
    figures["scaling"] = step("scaling", runs.scaling, r2_data, replications, min(repeat, 2))
    if not args.no_staff:
        figures["staffing"] = step("staffing search", runs.staffing, scenarios, 2, quick)
    figures["seconds"] = time.perf_counter() - started
    figures["load_after"] = _load()

    text = report.markdown(figures)
    print(text)
    if args.write:
        report.write(args.write, text)
        print(f"wrote {args.write}", file=sys.stderr)
    return 0


def _scenarios_folder() -> Path:
    here = Path("scenarios")
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[3] / "scenarios"  # a source checkout: <repo>/src/supportsim/bench


if __name__ == "__main__":
    sys.exit(main())

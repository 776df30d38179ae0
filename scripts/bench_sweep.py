"""Wall time of one sweep on 1 and on N worker processes (and optionally a local Dask cluster).

    PYTHONPATH=src python scripts/bench_sweep.py [SWEEP_FILE] [--replications N] [--jobs N] [--dask]

Every run must write the same sweep.csv (the script checks); only the time may differ. On a shared machine the
speed-up depends on what else runs: report the load average with the figures.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from supportsim.admit import load_plan
from supportsim.sweeps import run_sweep

ROOT = Path(__file__).resolve().parents[1]


def timed(plan, out: Path, **how) -> tuple[float, str]:
    started = time.perf_counter()
    result = run_sweep(plan, out, progress=False, **how)
    result.save(out)
    return time.perf_counter() - started, (out / "sweep.csv").read_text()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(ROOT / "scenarios" / "sweeps" / "small-desk-grid.yaml"))
    parser.add_argument("--replications", type=int, help="override the sweep's replications per point")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="workers of the parallel runs")
    parser.add_argument("--dask", action="store_true", help="also time a local Dask cluster of --jobs workers")
    args = parser.parse_args()
    plan = load_plan(args.file, replications=args.replications)
    print(f"{plan.scenario.name}: {len(plan.points)} points, {plan.tasks} replications; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} before the runs")
    runs = [("1 process", {"jobs": 1}), (f"{args.jobs} processes", {"jobs": args.jobs})]
    if args.dask:
        runs.append((f"Dask LocalCluster, {args.jobs} workers", {"jobs": args.jobs, "scheduler": "local"}))
    with tempfile.TemporaryDirectory() as folder:
        reference = None
        for i, (label, how) in enumerate(runs):
            seconds, table = timed(plan, Path(folder) / str(i), **how)
            reference = reference or (seconds, table)
            same = "identical sweep.csv" if table == reference[1] else "DIFFERENT sweep.csv"
            print(f"  {label:<32} {seconds:7.1f} s  {plan.tasks / seconds:6.1f} replications/s  "
                  f"speed-up {reference[0] / seconds:4.2f}x  {same}")


if __name__ == "__main__":
    main()

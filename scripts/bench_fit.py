"""Time `supportsim fit` on an event log of about one million events (docs/performance.md, "Fitting").

    python scripts/bench_fit.py [FOLDER]     # FOLDER keeps the log between runs (default: a temporary one)

The log is a simulated desk exported by `supportsim export`: 16 weeks at 100 tickets/h with a weekly profile,
two groups with returns (about 270,000 tickets, 1,010,000 events, 56 MB of CSV). The fit runs in a fresh
process; its peak memory is the OS's resident high-water mark (VmHWM) read as it exits.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = """\
name: fit-bench
start: 2027-01-04T00:00
horizon: 16w
replications: 1
segments: {standard: {share: 0.8}, vip: {share: 0.2}}
priorities: {P1: 0.2, P2: 0.5, P3: 0.3}
arrivals: {rate: 100/h, profile: {weekdays: {sat: 0.3, sun: 0.3}, hours: {"08-18": 2.0}}}
groups:
  L1: {staff: 75, work: {dist: lognormal, mean: 30m, cv: 1.2}, escalate: {L2: 0.3}}
  L2: {staff: 65, work: {dist: gamma, mean: 1.5h, cv: 0.7}, escalate: {L1: 0.2}}
entry: L1
"""
CHILD = """
import sys, time
from supportsim.cli import main
started = time.perf_counter()
code = main(["fit", sys.argv[1], "--out", sys.argv[2], "--quiet"])
seconds = time.perf_counter() - started
peak = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
print(f"{code} {seconds:.1f} {int(peak) / 1024:.0f}")
"""


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "fit-bench.csv"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    if not log.exists():
        (folder / "fit-bench.yaml").write_text(SCENARIO)
        cli = [sys.executable, "-m", "supportsim"]
        subprocess.run([*cli, "run", str(folder / "fit-bench.yaml"), "--out", str(folder / "run"), "--visits",
                        "--quiet"], check=True, env=env)
        subprocess.run([*cli, "export", str(folder / "run"), "--out", str(log)], check=True, env=env)
    events = sum(1 for _ in log.open()) - 1
    load = os.getloadavg()
    out = subprocess.run([sys.executable, "-c", CHILD, str(log), str(folder / "fitted.yaml")], env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    print(f"{events:,} events ({log.stat().st_size / 1e6:.0f} MB): fit in {out[1]} s, peak {out[2]} MB "
          f"(exit {out[0]}); load average before {load[0]:.2f}, after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

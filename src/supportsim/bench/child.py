"""One measured run in a fresh interpreter, so the peak memory reported is that run's own.

``python -m supportsim.bench.child '<scenario as JSON>'`` simulates one replication through the public API,
keeps the result (every ticket's record and the summary) alive, and prints one JSON line: tickets, seconds,
and the resident memory after the imports and at the peak, in MB of 10^6 bytes.

The peak is the OS's high-water mark of resident memory. On Linux it is read from ``VmHWM`` in
/proc/self/status and not from ``resource.getrusage``: a process started from a big one (the benchmark, after
the R1 runs) inherits the parent's resident size at the time of the fork as a floor for ``ru_maxrss``, so a
child measured that way would report the benchmark's memory, not its own. ``VmHWM`` belongs to the new
program image alone. Elsewhere ``getrusage`` is the fallback (both are reported).
"""

from __future__ import annotations

import json
import resource
import sys
import time


def rusage_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # Linux reports KiB


def peak_mb() -> float:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024 / 1e6  # kB
    except OSError:
        pass
    return rusage_mb()


def main(argv: list[str]) -> None:
    from supportsim.api import simulate  # imported before the baseline is taken: the baseline is the libraries

    scenario = json.loads(argv[0])
    baseline = peak_mb()
    start = time.perf_counter()
    result = simulate(scenario, replications=1)
    summary = result.summary()
    seconds = time.perf_counter() - start
    record = result.records["base"][0]
    print(json.dumps({
        "tickets": len(record.tickets),
        "visits": len(record.ended),
        "seconds": seconds,
        "baseline_mb": baseline,
        "peak_mb": peak_mb(),
        "rusage_mb": rusage_mb(),
        "replications": summary["replications"],
    }))


if __name__ == "__main__":
    main(sys.argv[1:])

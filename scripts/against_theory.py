#!/usr/bin/env python3
"""Regenerate docs/against-theory.md: simulated figures (95% CI) against exact queueing results.

    PYTHONPATH=src python scripts/against_theory.py [--jobs N] [--out docs/against-theory.md]

The cases are :data:`supportsim.against_theory.CASES`, the very ones ``tests/test_against_theory.py`` checks. Exits 1
when a check fails (the page is still written, with the failure marked), so it can run in CI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml
from scipy.stats import t as t_dist

from supportsim import against_theory
from supportsim.against_theory import CASES, Case, LittleOutcome, Outcome, PooledOutcome

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/scenario.schema.json"


def number(x: float) -> str:
    return f"{x:.4f}"


def row_prefix(case: Case, label: str, exact: float) -> str:
    """The start of a check's row in the table; tests look for it to know the page shows the current cases."""
    return f"| {case.name} | {label} | {number(exact)} |"


def check_row(case: Case, o: Outcome) -> str:
    relative = f"{o.tolerance / abs(o.figure.exact):.1%}" if o.figure.exact else "-"
    return (f"{row_prefix(case, o.figure.label, o.figure.exact)} {number(o.value)} | "
            f"[{number(o.low)}, {number(o.high)}] | {o.error:+.4f} | {o.tolerance:.4f} ({relative}) | "
            f"{'ok' if o.passed else '**FAIL**'} |")


def little_row(o: LittleOutcome) -> str:
    return (f"| {o.case} | {o.group} | {o.measure} | {number(o.count)} | {number(o.rate_times_time)} | "
            f"{o.difference:+.5f} | {o.tolerance:.5f} | {'ok' if o.passed else '**FAIL**'} |")


def pooled_lines(pooled: PooledOutcome) -> list[str]:
    return [
        "### All cases together",
        "",
        "The headline figure of each case (" + "; ".join(pooled.labels) + ") has a relative error "
        "(simulated - exact) / exact; the cases have independent seeds, so the mean of these errors has a "
        f"standard error about 1/sqrt({len(pooled.labels)}) of one case's, and a bias common to all cases shows "
        "there first. "
        f"It is checked within {against_theory.POOLED_STANDARD_ERRORS:g} standard errors.",
        "",
        "| mean relative error | standard error | tolerance | |",
        "|---|---|---|---|",
        f"| {pooled.relative_error:+.2%} | {pooled.standard_error:.2%} | {pooled.tolerance:.2%} | "
        f"{'ok' if pooled.passed else '**FAIL**'} |",
    ]


def render(results: list[tuple[Case, list[Outcome], list[LittleOutcome]]]) -> str:
    tickets = sum(against_theory.tickets_in(case) for case, _, _ in results)
    degrees = against_theory.REPLICATIONS - 1
    t_quantile = float(t_dist.ppf(0.975, degrees))
    false_alarm = float(2 * t_dist.sf(against_theory.TOLERANCE_FACTOR * t_quantile, degrees))
    lines = [
        "# The simulator against queueing theory",
        "",
        "*Generated from `supportsim.against_theory.CASES` by `PYTHONPATH=src python scripts/against_theory.py`: "
        "rerun it to regenerate this page; edits by hand are lost.*",
        "",
        "supportsim is checked against queueing models whose stationary behaviour is known exactly "
        "(see `supportsim.theory` and the formulas below). Each case is an ordinary scenario, shown in YAML "
        "form so you can run it yourself with `supportsim run`; the same cases run in the test suite "
        "(`tests/test_against_theory.py`), so this page and the tests cannot drift apart.",
        "",
        f"Every case runs {against_theory.REPLICATIONS} independent replications after a warm-up of "
        f"{against_theory.WARMUP_HOURS:g}h (about {tickets / 1e6:.0f} million tickets for the whole page). "
        "Simulated values are the mean over replications with the 95% Student-t confidence interval that "
        "`summary.json` reports. For P(wait > t) the simulated value is one minus the SLA attainment for a "
        "reaction target of t.",
        "",
        "## How the tolerances are chosen",
        "",
        f"A check passes when |simulated - exact| <= max({against_theory.TOLERANCE_FACTOR:g} x h, floor), where h is "
        f"the half-width of the 95% interval. With {against_theory.REPLICATIONS} replications, "
        f"{against_theory.TOLERANCE_FACTOR:g}h is {against_theory.TOLERANCE_FACTOR * t_quantile:.2f} standard errors, "
        "so a "
        f"correct simulator fails a given check with probability {false_alarm:.1e} (Student t, "
        f"{against_theory.REPLICATIONS - 1} degrees of freedom): the tests do not flake, whatever the seeds. A bare "
        "95% interval would fail one correct check in twenty.",
        "",
        "The horizons are chosen from the variance per ticket of each figure so that the tolerance is about 5% "
        "of the exact value for waiting times (the `tolerance` column gives it in % of exact). A systematic "
        "error of 5% then fails each such check about half the time and an error of 8% almost always; since "
        "a real bias of the engine shows in every case and the cases use independent seeds, a 5% bias fails "
        "the suite with probability above 95%, and the pooled check of all cases together (below) fails for "
        "sure. The floor (0.001) only matters for figures whose interval is almost zero.",
        "",
        "Little's law (number present = arrival rate x time present) holds on every sample path up to edge "
        "effects at the ends of the observation window, so for every group the per-replication difference "
        "between the time-average count and arrival rate x mean time is checked against zero with the same "
        f"rule, with a floor of {against_theory.LITTLE_FLOOR:.1%} of the count.",
        "",
        "## Results",
        "",
        "| case | figure | exact | simulated | 95% CI | error | tolerance | |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [check_row(case, o) for case, outcomes, _ in results for o in outcomes]
    pooled = against_theory.pooled_outcome([o for _, outcomes, _ in results for o in outcomes])
    lines += [""] + pooled_lines(pooled)
    lines += [
        "",
        "### Little's law per group",
        "",
        "| case | group | measure | time average | arrival rate x mean time | difference | tolerance | |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [little_row(o) for _, _, little in results for o in little]
    lines += ["", "## The models", ""]
    for case, _, _ in results:
        scenario = yaml.safe_dump(case.scenario, sort_keys=False, default_flow_style=None).rstrip()
        lines += [f"### {case.name}: {case.title}", "", case.model, "", "```yaml", SCHEMA_LINE, scenario, "```", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (results do not depend on it)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "against-theory.md")
    args = parser.parse_args(argv)
    results = []
    for case in CASES:
        print(f"{case.name}: {against_theory.tickets_in(case) / 1e6:.1f}M tickets", file=sys.stderr)
        result = against_theory.run(case, jobs=args.jobs)
        results.append((case, against_theory.evaluate(case, result), against_theory.little_outcomes(case, result)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(results) + "\n", encoding="utf-8")
    pooled = against_theory.pooled_outcome([o for _, outcomes, _ in results for o in outcomes])
    failed = [o for _, outcomes, little in results for o in [*outcomes, *little] if not o.passed]
    failed += [pooled] if not pooled.passed else []
    print(f"wrote {args.out}; {len(failed)} failed check(s)", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""What ``supportsim check`` and ``supportsim baseline`` do: simulate, judge checks, compare with a baseline.

The report says, per check and variant, the estimate, its 95% interval and pass / fail / inconclusive, and
per compared figure whether it regressed against the baseline; it renders as text and as JUnit XML.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .admit import admit
from .baseline import Baseline, Comparison, baseline_document, changed_meaning, compare, default_path, load_baseline
from .checks import Verdict, judge, kind_of, show
from .junit import Case, junit_xml
from .loader import ScenarioError
from .progress import Callback
from .scenario import Scenario
from .targets import file_target, write_atomic
from .workers import run_figures


@dataclass(frozen=True)
class CheckReport:
    scenario: Scenario
    replications: int
    seed: int
    verdicts: list[Verdict]
    baseline: Baseline | None
    comparisons: list[Comparison]
    tolerance: float
    seconds: float
    refused: tuple[str, ...] = ()   # baseline figures not compared because their meaning changed, and why

    @property
    def regressions(self) -> list[Comparison]:
        return [c for c in self.comparisons if c.regression]

    @property
    def passed(self) -> bool:
        return all(v.passed for v in self.verdicts) and not self.regressions

    def text(self) -> str:
        lines = [f"{self.scenario.name}: {self.replications} replications, seed {self.seed}; "
                 "a check passes when its whole 95% interval is on the right side of the bound"]
        width = max([len(v.name) for v in self.verdicts] + [5])
        for v in self.verdicts:
            kind = v.check.kind
            interval = f"[{show(v.low, kind)}, {show(v.high, kind)}]" if v.low is not None else ""
            outcome = v.outcome if v.passed == (v.outcome == "pass") else f"{v.outcome}, passed"
            note = f"  {v.reason}" if v.reason else ""
            lines.append(f"{outcome:<12}  {v.name:<{width}}  {show(v.value, kind):>9} {interval}{note}")
        lines += self._baseline_lines()
        failed = sum(not v.passed for v in self.verdicts)
        verdict = "PASSED" if self.passed else "FAILED"
        lines.append(f"{verdict}: {len(self.verdicts) - failed} of {len(self.verdicts)} checks passed"
                     + (f", {len(self.regressions)} regressions against the baseline" if self.baseline else ""))
        return "\n".join(lines)

    def _baseline_lines(self) -> list[str]:
        if self.baseline is None:
            return []
        tests = sorted({"paired t-test" if c.test == "paired" else "Welch t-test" for c in self.comparisons})
        found = self.regressions
        b = self.baseline
        lines = [f"baseline {b.path} ({b.replications} replications, seed {b.seed}): "
                 f"{len(self.comparisons)} figures compared by {' and '.join(tests) or 'no test'}, tolerance "
                 f"{100 * self.tolerance:g}%: " + (f"{len(found)} regressed" if found else "no regression")]
        for c in found:
            kind = kind_of(c.key)
            lines.append(f"regression    {c.name}: {show(c.baseline, kind)} -> {show(c.current, kind)} "
                         f"({c.change:+.1%}, p={c.p:.2g})")
        if self.baseline.note:
            lines.append(f"note: {self.baseline.path}: {self.baseline.note}")
        for reason in self.refused:
            lines.append(f"not compared  {reason}")
        if self.refused and not self.baseline.note:
            lines.append("  the meaning of these figures changed: write a new baseline with: "
                         "supportsim baseline <scenario file>")
        return lines

    def junit(self) -> str:
        cases = []
        for v in self.verdicts:
            detail = f"{v.outcome}: {v.detail}"
            cases.append(Case("checks", v.name, None if v.passed else detail, detail))
        for c in self.comparisons:
            kind = kind_of(c.key)
            detail = (f"baseline {show(c.baseline, kind)}, now {show(c.current, kind)} ({c.change:+.1%}); "
                      f"p={c.p:.2g} (one-sided {c.test} t-test for worse)")
            cases.append(Case("baseline", c.name, f"regression: {detail}" if c.regression else None, detail))
        return junit_xml(f"supportsim check {self.scenario.name}", cases, self.seconds)


def run_check(path: str | Path, baseline: str | Path | None = None, tolerance: float = 0.05, lenient: bool = False,
              replications: int | None = None, jobs: int = 1, max_tickets: int | None = None,
              progress: Callback | None = None) -> CheckReport:
    """Simulate the scenario, judge its checks and compare it with a baseline file."""
    checked = admit(path)
    scenario = checked.scenario
    if not checked.checks and baseline is None:
        raise ScenarioError([("checks", "is missing: add a checks: list (see docs/ci.md), or give --baseline")],
                            checked.source, checked.lines)
    before = load_baseline(baseline) if baseline is not None else None
    if before is not None and before.scenario != scenario.name:
        raise ScenarioError([("", f"is the baseline of scenario {before.scenario!r}, not {scenario.name!r}")],
                            str(baseline))
    if before is not None and not set(before.figures) & set(checked.variants):
        raise ScenarioError([("", f"shares no variant with {scenario.name!r} (baseline: {', '.join(before.figures)}; "
                                  f"now: {', '.join(checked.variants)})")], str(baseline))
    replications = replications or scenario.replications
    checked.refuse_beyond(replications, max_tickets, kept=False)
    started = time.monotonic()
    figures = run_figures(checked.variants, replications, scenario.seed, jobs, progress=progress)
    verdicts = judge(checked.checks, figures, lenient)
    refused = changed_meaning(before, checked.variants) if before is not None else {}
    comparisons = compare(before, figures, scenario.seed, tolerance, refused=refused) if before is not None else []
    reasons = tuple(f"{'.'.join(key[1:]) if variant == 'base' else f'{variant}: ' + '.'.join(key[1:])}: {why}"
                    for (variant, key), why in refused.items())
    return CheckReport(scenario, replications, scenario.seed, verdicts, before, comparisons, tolerance,
                       time.monotonic() - started, reasons)


def write_baseline(path: str | Path, out: str | Path | None = None, replications: int | None = None,
                   jobs: int = 1, max_tickets: int | None = None, progress: Callback | None = None) -> Path:
    """Simulate the scenario and save its figures per replication as a baseline (atomically)."""
    checked = admit(path)
    scenario = checked.scenario
    checked.refuse_beyond(replications, max_tickets, kept=False)
    target = Path(out) if out is not None else default_path(scenario)
    file_target(target, "--out ")  # before simulating: a target that cannot take the file is bad input
    figures = run_figures(checked.variants, replications or scenario.replications, scenario.seed, jobs,
                          progress=progress)
    write_atomic(target, baseline_document(scenario, figures, scenario.seed, checked.variants))
    return target

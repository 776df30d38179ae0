"""``supportsim fit``: options in, files out, a summary printed (the work is in :mod:`.pipeline`)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from .errors import FitError
from .read import ROLES, ReadOptions
from .result import FitResult

FIT_REPORT = "fit-report.html"


def options_from(args: argparse.Namespace) -> ReadOptions:
    return ReadOptions(columns={role: getattr(args, role) for role in ROLES if getattr(args, role, None)},
                       preset=args.preset, states=args.states, ignore_unknown=args.ignore_unknown,
                       skip_bad=args.skip_bad, tz=args.tz, since=args.since, until=args.until)


def targets(export: str, out: str | None, report: str | None) -> tuple[Path, Path]:
    scenario = Path(out) if out else Path(f"{Path(export).name.split('.')[0]}-fitted.yaml")
    page = Path(report) if report else scenario.parent / FIT_REPORT
    for path in (scenario, page):
        if path.exists() and path.is_dir():
            raise FitError(f"{path}: is a folder; give a file name")
        folder = path.parent if str(path.parent) else Path(".")
        if folder.exists() and not os.access(folder, os.W_OK):
            raise FitError(f"{path}: cannot write there (permission denied)")
    return scenario, page


def run_fit(args: argparse.Namespace) -> int:
    from .pipeline import fit_export, save

    scenario_path, report_path = targets(args.file, args.out, args.report)
    vip = [v.strip() for v in args.vip.split(",")] if args.vip else None
    result = fit_export(args.file, options_from(args), cut=args.on_duty_cut, draws=args.bootstrap, vip=vip)
    save(result, scenario_path, report_path, args.name)
    if not args.quiet:
        print(summary(result))
        print(f"wrote {scenario_path} and {report_path}")
    return 0


def summary(r: FitResult) -> str:
    ev = r.events
    q = ev.quality
    lines = [(f"{r.source}: {q['kind']}, {q['events']} events, {q['cases']} tickets, {r.arrivals.weeks:.1f} weeks "
              f"({r.first_seen} to {r.last_seen})")]
    for kind, info in q["bad"].items():
        lines.append(f"  left out {info['count']} bad rows: {kind} (e.g. {q['unit']}s "
                     f"{', '.join(map(str, info['examples']))})")
    for status, count in q["unknown_statuses"].items():
        lines.append(f"  ignored unknown status {status!r} ({count} events)")
    if q["truncated"]:
        lines.append(f"  {q['truncated']} tickets were open before the window (left-truncated)")
    for role, mapping in ev.renamed.items():
        lines.append(f"  {role} names mapped to valid names: "
                     + ", ".join(f"{old!r} -> {new}" for old, new in mapping.items()))
    a = r.arrivals
    lines.append(f"  arrivals: {a.rate.value:.3f}/h [95% CI {a.rate.low:.3f}, {a.rate.high:.3f}]"
                 + (", hour-of-week profile" if a.factors is not None else ", no profile (under a week)")
                 + (f"; holidays: {', '.join(h['date'] for h in a.holidays)}" if a.holidays else ""))
    for g in r.group_order:
        w = r.work[g]
        work = (f"{w.fit.family} mean {w.fit.mean * 60:.1f}m [{w.fit.mean_ci[0] * 60:.1f}, {w.fit.mean_ci[1] * 60:.1f}]"
                f" cv {w.fit.cv:.2f}" if w.fit else "too few visits to fit")
        to = ", ".join(f"{h} {e.value:.1%}" for h, e in r.routing.to.get(g, {}).items())
        staff = f"staff ~{int(r.staff[ev.groups.index(g)].max())}" if r.staff_seen.any() else "staff unknown"
        lines.append(f"  {g:<10} work {work}; {staff}; on to {to or 'none'}; "
                     f"resolved here {r.routing.resolved[g].value:.1%}")
    return "\n".join(lines)

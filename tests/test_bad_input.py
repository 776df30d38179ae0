"""Bad input never produces a traceback: one line per problem, ``error: FILE:LINE: key.path: message``, exit 2.

Each file in tests/bad/ holds one mistake; the table says where the mistake is and what the message must say.
Every case goes through the real command (``python -m supportsim`` in a process of its own, see cli_runner),
both ``validate`` and ``run``; a few also through a fresh interpreter, exactly as typed in a shell.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cli_runner import ROOT, run_cli, run_many
from supportsim.strategies import REGISTRY

BAD = Path(__file__).parent / "bad"
POLICY_NAMES = ", ".join(sorted(REGISTRY))  # every registered policy, in one order wherever they are listed

# file -> (key path or None, fragment of the message, line or None)
EXPECTED = {
    "unknown-key-top.yaml": ("replicatons", "unknown key; did you mean 'replications'?", 8),
    "unknown-key-nested.yaml": ("groups.L1.stafff", "unknown key; did you mean 'staff'?", 8),
    "unknown-key-in-work.yaml": ("groups.L1.work.meen", "unknown key; did you mean 'mean'?", 9),
    "duplicate-key.yaml": ("horizon", "appears twice (also on line 2)", 8),
    "bare-number-duration.yaml": ("horizon", "a bare number is ambiguous: add a unit", 2),
    "bare-number-rate.yaml": ("arrivals.rate", "add a unit, e.g. '9/h'", 6),
    "bad-unit.yaml": ("groups.L1.work.mean", "unknown time unit 'hour'", 9),
    "bad-rate-unit.yaml": ("arrivals.rate", "unknown time unit 'month'", 5),
    "shares-not-one.yaml": ("segments", "shares must sum to 1, got 0.9", 3),
    "priorities-not-one.yaml": ("priorities", "shares must sum to 1, got 1.1", 5),
    "type-shares-not-one.yaml": ("types", "type shares must sum to 1, got 0.9", 5),
    "type-without-work.yaml": ("groups.L2.work_by_type.request", "request tickets reach L2, which has no work", 13),
    "confusion-row-not-one.yaml": ("priorities.P1.declared", "a row of the confusion matrix must sum to 1, got 0.8", 6),
    "skill-no-engineer-has.yaml": ("groups.L1.staff", "no engineer has skills de, which 0.3 of tickets need", 10),
    "negative-staff.yaml": ("groups.L1.staff", "must be a whole number >= 1, got -3", 9),
    "fractional-staff.yaml": ("groups.L1.staff", "must be a whole number >= 1, got 2.5", 8),
    "unknown-escalate.yaml": ("groups.L1.escalate.L3", "unknown group 'L3'; groups are L1, L2", 10),
    "unknown-entry.yaml": ("entry", "unknown group 'Level1'; groups are L1, L2", 9),
    "escalation-loop.yaml": ("groups.L1.escalate", "escalation loop L1>L2>L1 never ends", 10),
    "unknown-policy.yaml": ("policy", f"unknown kind 'vip-first'; expected one of {POLICY_NAMES}", 8),
    "policy-unknown-key.yaml": ("groups.L1.policy.preempt", "unknown key for kind 'priority'", 10),
    "unknown-distribution.yaml": ("groups.L1.work.dist", "unknown dist 'pareto'; expected one of", 9),
    "lognormal-without-cv.yaml": ("groups.L1.work.cv", "is required for dist 'lognormal'", 9),
    "sla-unknown-segment.yaml": ("sla.gold", "unknown segment 'gold'; segments are vip, standard", 11),
    "warmup-after-horizon.yaml": ("warmup", "must be shorter than horizon (100h), got 5d", 3),
    "invalid-yaml-indent.yaml": (None, "invalid YAML: the indentation does not line up", 5),
    "invalid-yaml-bracket.yaml": (None, "invalid YAML: '{' opened here is not closed", 4),
    "not-a-mapping.yaml": (None, "a scenario must be a mapping of keys", 1),
    "empty.yaml": (None, "the file is empty", None),
    "plan-negative-points.yaml": ("contracts.plans.basic.points", "must be >= 0, got -40", 11),
    "plan-unknown-type.yaml": ("contracts.plans.basic.charge.consultation",
                               "unknown ticket type 'consultation'; ticket types are incident, request", 14),
    "card-unknown-route.yaml": ("contracts.cards.emergency.grants.route", "unknown group 'L3'; groups are L1, L2",
                                13),
    "no-such-file.yaml": (None, "no such file", None),  # deliberately absent from tests/bad/
}

WITH_PATH = re.compile(r"^error: (?P<file>[^\s:]+):(?P<line>\d+): (?P<path>[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*): "
                       r"(?P<message>\S.*)$")
WITHOUT_PATH = re.compile(r"^error: (?P<file>[^\s:]+)(?::(?P<line>\d+))?: (?P<message>\S.*)$")
COMMANDS = ("validate", "run")


def test_the_table_covers_the_corpus():
    on_disk = {p.name for p in BAD.glob("*.yaml")}
    assert on_disk == set(EXPECTED) - {"no-such-file.yaml"}
    assert not (BAD / "no-such-file.yaml").exists()


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """Every (file, command) run once, in parallel; ``run`` gets its own --out folder that must stay absent."""
    out_root = tmp_path_factory.mktemp("bad-out")
    cases = [(name, command) for name in EXPECTED for command in COMMANDS]
    argv = []
    for name, command in cases:
        relative = (BAD / name).relative_to(ROOT)
        extra = ["--out", str(out_root / name)] if command == "run" else []
        argv.append([command, str(relative), *extra])
    results = run_many(argv)
    return {case: (result, out_root / case[0]) for case, result in zip(cases, results)}


def check_one_clear_line(result, out: Path, name: str):
    path, fragment, line = EXPECTED[name]
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"one mistake, one line; got {lines}"
    pattern = WITH_PATH if path else WITHOUT_PATH
    match = pattern.match(lines[0])
    assert match, f"not in the form 'error: FILE:LINE: key.path: message': {lines[0]!r}"
    assert match["file"] == f"tests/bad/{name}"
    assert (int(match["line"]) if match["line"] else None) == line, lines[0]
    if path:
        assert match["path"] == path, lines[0]
    else:
        assert not WITH_PATH.match(lines[0]), lines[0]
    assert fragment in match["message"], lines[0]
    assert not out.exists(), "a bad scenario must not write anything"


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_scenario_is_one_clear_line(outcomes, name, command):
    result, out = outcomes[(name, command)]
    check_one_clear_line(result, out, name)


@pytest.mark.parametrize("name,command", [("unknown-key-nested.yaml", "run"), ("invalid-yaml-bracket.yaml", "validate"),
                                          ("no-such-file.yaml", "run")])
def test_bad_scenario_in_a_fresh_interpreter(tmp_path, name, command):
    out = tmp_path / "out"
    extra = ["--out", out] if command == "run" else []
    check_one_clear_line(run_cli(command, f"tests/bad/{name}", *extra), out, name)


USAGE_MISTAKES = {
    "--replications 0": "argument --replications: must be >= 1, got 0",
    "--seed -1": "argument --seed: must be >= 0, got -1",
    "--jobs 0": "argument --jobs: must be >= 1, got 0",
    "--replications many": "argument --replications: must be a whole number, got 'many'",
    "--colour": "unrecognized arguments: --colour",
}


def test_usage_mistakes_are_one_line_and_exit_2(tmp_path):
    argv = [["run", "scenarios/small-desk.yaml", "--out", tmp_path / "out", *flag.split()] for flag in USAGE_MISTAKES]
    for (flag, fragment), result in zip(USAGE_MISTAKES.items(), run_many(argv)):
        assert result.returncode == 2 and result.stdout == "", flag
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: supportsim"), (flag, lines)
        assert fragment in lines[0], (flag, lines)
    assert not (tmp_path / "out").exists()
    fresh = run_cli("run", "scenarios/small-desk.yaml", "--seed", "-1")  # and once exactly as typed in a shell
    assert fresh.returncode == 2 and fresh.stderr.splitlines() == [
        "error: supportsim run: argument --seed: must be >= 0, got -1 (see 'supportsim run --help')"]


def test_a_bad_run_leaves_the_previous_results_alone(tmp_path):
    out = tmp_path / "out"
    good = run_cli("run", "scenarios/small-desk.yaml", "--out", out, "--replications", "1", "--quiet")
    assert good.returncode == 0, good.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert set(before) == {"summary.json", "tickets.csv", "scenario.resolved.yaml", "profiles.json", "report.html",
                           "manifest.json"}
    bad = run_cli("run", "tests/bad/negative-staff.yaml", "--out", out)
    assert bad.returncode == 2 and "groups.L1.staff" in bad.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_out_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "taken"
    target.write_text("keep me")
    result = run_cli("run", "scenarios/small-desk.yaml", "--out", target, "--replications", "1")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "exists and is not a folder" in result.stderr
    assert target.read_text() == "keep me"


# ---- the long tail, checked in this process (cheap): scenario text -> (key path or None, fragment) ------------

BASE = """\
name: tail
horizon: 100h
segments:
  everyone: {share: 1}
arrivals: {rate: 2/h}
groups:
  L1: {staff: 3, work: {dist: exponential, mean: 1h}}
"""
WORK = "work: {dist: exponential, mean: 1h}"


def edit(old: str, new: str) -> str:
    assert old in BASE
    return BASE.replace(old, new)


TAIL = {
    # pydantic's union tags ('dist', 'lognormal', 'priority') must not show in key paths
    "work-value-bad-unit": (edit(WORK, "work: {dist: gamma, mean: 1 hour, cv: 1}"), "groups.L1.work.mean", "unknown time unit 'hour'"),
    "cv-negative": (edit(WORK, "work: {dist: lognormal, mean: 1h, cv: -1}"), "groups.L1.work.cv", "must be >= 0.001, got -1"),
    "empirical-bare-number": (edit(WORK, "work: {dist: empirical, values: [1h, 2]}"), "groups.L1.work.values.1", "add a unit"),
    "empirical-empty": (edit(WORK, "work: {dist: empirical, values: []}"), "groups.L1.work.values", "needs at least 1 entry"),
    "uniform-swapped": (edit(WORK, "work: {dist: uniform, low: 2h, high: 1h}"), "groups.L1.work", "high must be greater than low"),
    "work-not-mapping": (edit(WORK, "work: 1h"), "groups.L1.work", "must be a distribution such as {dist: exponential"),
    "work-without-dist": (edit(WORK, "work: {mean: 1h}"), "groups.L1.work", "needs a 'dist' key"),
    "by-priority-bare": (edit(WORK, "work: {default: {dist: exponential, mean: 1h}, by_priority: {P1: {dist: exponential, mean: 1}}}"),
                         "groups.L1.work.by_priority.P1.mean", "add a unit"),
    "by-class-typo": (edit(WORK, "work: {default: {dist: exponential, mean: 1h}, by_prio: {}}"), "groups.L1.work.by_prio", "did you mean 'by_priority'?"),
    "policy-number": (BASE + "policy: 3\n", "policy", f"must be a policy name ({POLICY_NAMES}) or a mapping"),
    "policy-without-kind": (BASE + "policy: {name: fifo}\n", "policy", "needs a 'kind' key"),
    "policy-typo-in-group": (edit(WORK, WORK + ", policy: {kind: fifo, lanes: 2}"), "groups.L1.policy.lanes", "unknown key for kind 'fifo'"),
    # numbers and names
    "staff-as-text": (edit("staff: 3", "staff: '3'"), "groups.L1.staff", "must be a whole number >= 1, got '3'"),
    "staff-absurd": (edit("staff: 3", "staff: 100000000000000000000000"), "groups.L1.staff", "must be at most"),
    "seed-fraction": (BASE + "seed: 1.5\n", "seed", "must be a whole number, got 1.5"),
    "replications-zero": (BASE + "replications: 0\n", "replications", "must be >= 1, got 0"),
    "horizon-zero": (edit("100h", "0h"), "horizon", "must be > 0, got '0h'"),
    "horizon-negative": (edit("100h", "-5h"), "horizon", "must not be negative, got '-5h'"),
    "horizon-infinite": (edit("100h", "1e400h"), "horizon", "is not finite"),
    "rate-infinite": (edit("2/h", "1e400/h"), "arrivals.rate", "is not finite"),
    "escalate-above-one": (edit(WORK, WORK + ", escalate: {L1: 2}"), "groups.L1.escalate.L1", "must be <= 1, got 2"),
    "escalate-to-itself": (edit(WORK, WORK + ", escalate: {L1: 1}"), "groups.L1.escalate", "escalation loop L1>L1 never ends"),
    "share-percent": (edit("share: 1", "share: 50%"), "segments.everyone.share", "must be a number, got '50%'"),
    "vip-maybe": (edit("share: 1", "share: 1, vip: maybe"), "segments.everyone.vip", "must be true or false"),
    "segment-null": (edit("everyone: {share: 1}", "everyone:"), "segments.everyone", "must be a mapping of keys"),
    # segment names that summary.json uses for its totals
    "segment-named-all": (edit("everyone:", "all:"), "segments.all", "the name 'all' is reserved (segments.all is every segment"),
    "segment-named-mean": (edit("everyone:", "mean:"), "segments.mean", "the name 'mean' is reserved"),
    "group-name-with-dot": (edit("L1:", "L1.a:"), "groups.L1.a", "use only letters, digits, '-' and '_'"),
    "group-name-number": (edit("L1:", "1:"), "groups.1", "names must be text"),
    "name-missing": (edit("name: tail\n", ""), "name", "is required"),
    "no-arrival-rate": (edit("arrivals: {rate: 2/h}\n", ""), "arrivals.rate", "is missing"),
    "two-groups-no-entry": (BASE + "  L2: {staff: 1, work: {dist: exponential, mean: 1h}}\n", "entry", "is missing"),
    "duplicate-group": (BASE + "  L1: {staff: 1, work: {dist: exponential, mean: 1h}}\n", "groups.L1", "appears twice"),
    "sla-bare-number": (BASE + "sla: {everyone: {reaction: 30}}\n", "sla.everyone.reaction", "add a unit"),
    "sla-typo": (BASE + "sla: {everyone: {reacton: 30m}}\n", "sla.everyone.reacton", "did you mean 'reaction'?"),
    # YAML itself
    "tab-indent": (edit("  everyone", "\teveryone"), None, "indent with spaces"),
    "python-tag": (edit("name: tail", "name: !!python/object:os.system x"), None, "unsupported tag"),
    "undefined-alias": (BASE + "description: *nope\n", None, "alias"),
    "two-documents": (BASE + "---\nname: other\n", None, "more than one document"),
    "comments-only": ("# nothing yet\n", None, "the file is empty"),
    "a-plain-string": ("just words\n", None, "must be a mapping of keys"),
}


@pytest.mark.parametrize("case", sorted(TAIL))
def test_long_tail_of_mistakes(tmp_path, case):
    from supportsim import ScenarioError, load_scenario

    text, path, fragment = TAIL[case]
    file = tmp_path / f"{case}.yaml"
    file.write_text(text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(file)
    messages = caught.value.messages()
    assert len(messages) == 1, messages
    prefix = f"{file}:"
    assert messages[0].startswith(prefix) or messages[0].startswith(f"{file}: "), messages
    rest = messages[0][len(str(file)):]
    if path:
        assert re.match(rf"^:\d+: {re.escape(path)}: ", rest), messages[0]
    assert fragment in rest, messages[0]
    assert "\n" not in str(caught.value)


def test_errors_from_a_dict_name_the_key_too():
    from supportsim import ScenarioError, load_scenario

    data = {"name": "d", "horizon": "100h", "segments": {"everyone": {"share": 1}}, "arrivals": {"rate": "2/h"},
            "groups": {"L1": {"staff": -3, "work": {"dist": "lognormal", "mean": "1h"}}}}
    with pytest.raises(ScenarioError) as caught:
        load_scenario(data)
    assert caught.value.messages() == [
        "<scenario>: groups.L1.staff: must be a whole number >= 1, got -3",
        "<scenario>: groups.L1.work.cv: is required for dist 'lognormal': coefficient of variation (standard deviation / mean)",
    ]


def test_a_lone_segment_needs_no_share(tmp_path):
    """Next to arrivals.rate, one segment without a share gets every ticket (several segments each need one)."""
    from supportsim import ScenarioError, load_scenario, simulate

    file = tmp_path / "lone.yaml"
    file.write_text(edit("everyone: {share: 1}", "everyone: {}"))
    scenario = load_scenario(file)
    assert scenario.segment_shares.tolist() == [1.0]
    figures = simulate(scenario, replications=1, seed=1).summary()["variants"]["base"]["segments"]
    assert figures["everyone"]["tickets"]["value"] == figures["all"]["tickets"]["value"] > 0
    two = tmp_path / "two.yaml"
    two.write_text(edit("everyone: {share: 1}", "everyone: {}\n  others: {share: 0.5}"))
    with pytest.raises(ScenarioError, match="segments.everyone.share: is missing"):
        load_scenario(two)

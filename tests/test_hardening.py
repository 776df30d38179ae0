"""Inputs that once crashed, hung or silently misled (issue 23): each is now one line and exit 2, or correct.

Every scenario case goes through ``validate`` and ``run`` as real commands (cli_runner.run_many: one process
each), and both must print the same single error line. The cases that are about numbers (more than 127
segments or groups) check the simulated counts against their expectation instead.
"""

from __future__ import annotations

import os
import re

import numpy as np
import pytest

from cli_runner import run_cli, run_many
from report_fixtures import seal
from test_bad_input import BASE, WORK, edit

HOURS = r"(?:\d+h)"
# case -> (file text, key path or None, fragment of the one error line)
CASES = {
    # silent wrong numbers
    "staff-empty-list": (edit("staff: 3", "staff: []"), "groups.L1.staff", "needs at least 1 entry, got []"),
    "staff-sexagesimal": (edit("staff: 3", "staff: 1:30"), "groups.L1.staff", "must be a whole number >= 1, got '1:30'"),
    "start-a-number": (BASE + "start: 5\n", "start", "expected a date such as 2027-01-04"),
    "sweep-path-typo": (edit("everyone: {share: 1}", "vip: {share: 0.2, vip: true}\n  standard: {share: 0.8}")
                        + "sweep:\n  grid:\n    segments.VIP.share: [0.3]\n",
                        "sweep.grid.segments.VIP.share", "no segment 'VIP'; did you mean 'vip'?"),
    "check-bound-banana": (BASE + "checks:\n  - all.reaction.mean <= banana\n", "checks.0", "banana"),
    "check-bound-percent": (BASE + "checks:\n  - all.reaction.mean <= 150%\n", "checks.0", "150%"),
    "check-operator": (BASE + "checks:\n  - all.reaction.mean => 1h\n", "checks.0", "=>"),
    "sweep-name": (BASE + "sweep:\n  grid:\n    name: [a, b]\n", "sweep.grid.name", "'name' cannot be swept"),
    # hangs and unbounded memory
    "horizon-1e9h": (edit("100h", "1e9h"), "horizon", "must be at most 20 years (175320h), got '1e9h'"),
    "rate-1e9": (edit("2/h", "1e9/h"), "arrivals.rate", "must be at most 100000/h, got '1e9/h'"),
    "burst-every-second": (edit("arrivals: {rate: 2/h}", "arrivals: {rate: 2/h, bursts: {every: 1s, tickets: 100000, within: 1s}}"),
                           None, "the run would simulate about 3.6e+11 tickets"),
    "replications-1e20": (BASE + "replications: 1e20\n", "replications", "got 1e+20"),
    "replications-too-many": (BASE + "replications: 20000\n", "replications", "must be <= 10000, got 20000"),
    "grid-700000-points": (BASE + "sweep:\n  grid:\n    groups.L1.staff: [" + ", ".join(map(str, range(1, 101)))
                           + "]\n    arrivals.rate: [" + ", ".join(f"{i}/h" for i in range(1, 71))
                           + "]\n    seed: [" + ", ".join(map(str, range(100))) + "]\n",
                           "sweep.grid", "has 700,000 points"),
    "billion-laughs": ("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + chr(ord(c) - 1)] * 9)}]\n" for c in "bcdefghi"), "e",
        "expands to more than 20,000 values through aliases"),
    "file-too-large": ("description: " + "x" * 600_000 + "\n", None, "KiB; a scenario file is at most 512 KiB"),
    # tracebacks
    "date-february-30": (BASE + "start: 2027-02-30\n", "start", "cannot read '2027-02-30' as a date or datetime"),
    "holiday-february-29": (BASE + "start: 2027-01-04\ncalendars:\n  office: {holidays: [2027-02-29]}\n",
                            "calendars.office.holidays.0", "day value is outside expected range"),
    "hour-25": (BASE + "calendars:\n  office: {hours: '09:00-25:00'}\n", "calendars.office.hours", "'25:00' is out of range"),
    "int-5000-digits": (BASE + "seed: " + "9" * 5000 + "\n", "seed", "a number of 5000 digits is too long"),
    "variants-a-list": (BASE + "variants: [a]\n", "variants", "must be a mapping of keys"),
    "nesting-5000": (BASE + "description: " + "[" * 5000 + "]" * 5000 + "\n", "description.0.0.0.0.0",
                     "nested more than 64 levels deep"),
    "gamma-cv-tiny": (edit(WORK, "work: {dist: gamma, mean: 1h, cv: 1e-200}"), "groups.L1.work.cv", "must be >= 0.001"),
    "gamma-cv-huge": (edit(WORK, "work: {dist: gamma, mean: 1h, cv: 1e200}"), "groups.L1.work.cv", "must be <= 100"),
    "lognormal-1e308": (edit(WORK, "work: {dist: lognormal, mean: 1e308h, cv: 1}"), "groups.L1.work.mean",
                        "must be at most 20 years"),
    "lognormal-cv-1e308": (edit(WORK, "work: {dist: lognormal, mean: 1h, cv: 1e308}"), "groups.L1.work.cv",
                           "must be <= 100"),
    "profile-factor-inf": (edit("arrivals: {rate: 2/h}", "arrivals: {rate: 2/h, profile: {hours: {'09-12': .inf}}}"),
                           "arrivals.profile.hours.09-12", "must be a finite number"),
    "cv-inf": (edit(WORK, "work: {dist: lognormal, mean: 1h, cv: .inf}"), "groups.L1.work.cv", "must be a finite number"),
    "lone-surrogate": (BASE + 'description: "a \\ud800 b"\n', "description", "contains a lone surrogate"),
    "duplicate-key-in-a-list": (edit("staff: 3", "staff: [{count: 2, count: 3}]"), "groups.L1.staff.0.count",
                                "appears twice"),
    # messages
    "bad-key-in-variant": (BASE + "variants:\n  alt:\n    groups:\n      L1:\n        stafff: 2\n",
                           "variants.alt.groups.L1.stafff", "unknown key; did you mean 'staff'?"),
    "escalation-cut-short": (edit(WORK, WORK + ", escalate: {L2: 1}") +
                             "  L2: {staff: 1, work: {dist: exponential, mean: 1h}, escalate: {L1: 0.9999}}\nentry: L1\n",
                             "groups", "through more than 100 group visits"),
}


def _line_of(text: str, path: str | None) -> int | None:
    """The line a path's last key is on in text (None: the case does not say)."""
    if not path:
        return None
    last = path.split(".")[-1]
    for number, line in enumerate(text.splitlines(), start=1):
        if re.search(rf"(^|[\s{{,])['\"]?{re.escape(last)}['\"]?\s*:", line):
            return number
    return None


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hard")
    commands = []
    for case, (text, _, _) in CASES.items():
        (folder / f"{case}.yaml").write_text(text, encoding="utf-8")
        commands += [["validate", folder / f"{case}.yaml"], ["run", folder / f"{case}.yaml", "--out", folder / case]]
    results = run_many(commands)
    return folder, {case: (results[2 * i], results[2 * i + 1]) for i, case in enumerate(CASES)}


@pytest.mark.parametrize("case", list(CASES))
def test_each_case_is_one_line_in_validate_and_run_alike(outcomes, case):
    folder, found = outcomes
    _, path, fragment = CASES[case]
    validate, run = found[case]
    for done in (validate, run):
        assert done.returncode == 2, (done.args, done.stdout, done.stderr)
        errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and "Traceback" not in done.stderr, done.stderr
        assert fragment in errors[0], errors[0]
        file = str(folder / f"{case}.yaml")
        if path:
            assert re.match(rf"^error: {re.escape(file)}:\d+: {re.escape(path)}", errors[0]), errors[0]
    assert validate.stderr == run.stderr  # the same words from the same checks
    assert not (folder / case).exists() or not any((folder / case).iterdir())  # nothing written


def test_error_lines_point_at_the_key(outcomes):
    _, found = outcomes
    for case in ("staff-sexagesimal", "start-a-number", "bad-key-in-variant", "int-5000-digits", "date-february-30"):
        text, path, _ = CASES[case]
        line = found[case][0].stderr.splitlines()[0]
        assert f".yaml:{_line_of(text, path)}: " in line, (case, line)


def test_a_named_pipe_or_device_is_refused_at_once(tmp_path):
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    trace_pipe = tmp_path / "trace.csv"
    os.mkfifo(trace_pipe)
    traced = tmp_path / "traced.yaml"
    traced.write_text(edit("arrivals: {rate: 2/h}", "arrivals: {trace: trace.csv}") + "start: 2027-01-04\n")
    done = run_many([["validate", pipe], ["run", pipe], ["validate", "/dev/zero"], ["run", traced], ["run", ""]],
                    timeout=60)
    assert [d.returncode for d in done] == [2] * 5
    assert done[0].stderr == f"error: {pipe}: is not a regular file (a pipe, device or socket); save the scenario file to a file and name that\n"
    assert "is not a regular file" in done[2].stderr and "MemoryError" not in done[2].stderr
    assert f"arrivals.trace: {trace_pipe}: is not a regular file" in done[3].stderr
    assert done[4].stderr == "error: '': no file name given: name the scenario file\n"


def test_an_empty_trace_is_an_error(tmp_path):
    (tmp_path / "trace.csv").write_text("arrived\n2031-01-01T00:00\n")  # after the horizon: nothing to replay
    scenario = tmp_path / "s.yaml"
    scenario.write_text(edit("arrivals: {rate: 2/h}", "arrivals: {trace: trace.csv}") + "start: 2027-01-04\n")
    done = run_many([["validate", scenario], ["run", scenario, "--out", tmp_path / "out"]])
    for d in done:
        assert d.returncode == 2
        assert "arrivals.trace: trace.csv: no ticket arrives before the horizon (1 rows): there is nothing to replay" in d.stderr


def test_max_tickets_raises_the_limit(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(BASE + "replications: 1\n")  # 2/h over 100h: about 200 tickets
    done = run_many([["validate", scenario, "--max-tickets", "100"], ["run", scenario, "--max-tickets", "100"],
                     ["validate", scenario, "--max-tickets", "1000"]])
    assert done[0].returncode == done[1].returncode == 2
    assert "the run would simulate about 200 tickets (600 events, about 37.1 KiB of memory), more than the limit of 100" \
        in done[0].stderr
    assert done[2].returncode == 0, done[2].stderr


def test_overload_is_warned_in_validate_and_run_alike(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(BASE + "replications: 1\nvariants:\n  lean:\n    groups:\n      L1:\n        staff: 1\n")
    validate, run = run_many([["validate", scenario], ["run", scenario, "--out", tmp_path / "out", "--quiet"]])
    assert validate.returncode == run.returncode == 0, run.stderr
    warning = (f"warning: {scenario}: variants.lean.groups.L1: cannot keep up over a week: 336 h of work offered per "
               "week, 168 engineer-hours on duty (load 2.00)")
    assert warning in validate.stderr and warning in run.stderr


def test_scheduler_and_policy_mistakes_are_one_line(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(BASE)
    commands = [["sweep", scenario, "--scheduler", "notaurl"]] + [
        ["compare", scenario, "--policy", item, "--out", tmp_path / "c"]
        for item in ("fifo:a=[", "fifo:x.y=1:x.y.z=2", "fifo:a..b=1", "fifo,,priority", "vip_lane:pickup_within={a: 1}")]
    done = run_many(commands)
    assert done[0].stderr == (f"error: {scenario}: --scheduler 'notaurl': give 'local' or a Dask scheduler address "
                              "such as tcp://10.0.0.5:8786\n")
    expected = ["cannot read the value '['", "'x.y.z' sets a key inside 'y', which already has a value",
                "'a..b' is not a key path", "'': start with a policy kind", "cannot read the value '{a'"]
    for d, fragment in zip(done[1:], expected):
        assert d.returncode == 2 and len(d.stderr.splitlines()) == 1 and fragment in d.stderr, d.stderr


def test_a_tampered_summary_nested_deep_is_one_line(tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "summary.json").write_text('{"variants": ' + "[" * 5000 + "]" * 5000 + "}")
    seal(folder)  # a whole run by its manifest, so the report gets as far as reading the summary
    done = run_cli("report", folder)
    assert done.returncode == 2
    assert done.stderr == f"error: {folder / 'summary.json'}: invalid JSON: nested too deeply to be a results file\n"


def test_labels_are_never_read_as_tex(tmp_path):
    import matplotlib.pyplot as plt

    from supportsim.report import plots  # noqa: F401  (sets the style)

    figure, axes = plt.subplots()
    axes.set_title("$\\frac{$ a^b_c $")  # unbalanced mathtext: a ValueError when parsed as TeX
    axes.plot([0, 1], [0, 1], label="$x_{")
    axes.legend()
    figure.savefig(tmp_path / "labels.png")
    plt.close(figure)


def test_yaml_1_1_readings_are_gone():
    from supportsim.loader import _read_yaml

    data, _ = _read_yaml("a: 1:30\nb: yes\nc: no\nd: on\ne: 2027-01-04\nf: 012\ng: 0o12\nh: 0x1F\ni: .inf\nj: ~\n", "x")
    assert data == {"a": "1:30", "b": "yes", "c": "no", "d": "on", "e": "2027-01-04", "f": 12, "g": 10, "h": 31,
                    "i": float("inf"), "j": None}


def _simulated(data: dict):
    from supportsim.api import simulate

    return simulate(data).records["base"][0].tickets


def test_more_than_127_segments_each_get_their_share():
    n, horizon, rate = 200, 1000.0, 200.0   # about 1,000 tickets per segment
    shares = {f"s{i}": {"share": 1 / n} for i in range(n)}
    tickets = _simulated({"name": "many", "horizon": f"{horizon:g}h", "replications": 1, "segments": shares,
                          "arrivals": {"rate": f"{rate:g}/h"},
                          "groups": {"L1": {"staff": 400, "work": {"dist": "exponential", "mean": "1h"}}}})
    counts = np.bincount(tickets.segment.astype(np.int64), minlength=n)
    assert len(counts) == n and tickets.segment.min() >= 0
    expected = rate * horizon / n
    # each count is binomial around 1,000: 7 standard deviations is never reached by a correct draw
    assert np.all(np.abs(counts - expected) < 7 * np.sqrt(expected)), counts


def test_more_than_127_groups_each_get_their_escalations():
    n = 150
    groups = {f"g{i}": {"staff": 3, "work": {"dist": "exponential", "mean": "1h"}} for i in range(n)}
    groups["g0"]["escalate"] = {f"g{i}": 1 / (n - 1) for i in range(1, n)}
    tickets = _simulated({"name": "wide", "horizon": "40000h", "replications": 1, "segments": {"c": {"share": 1}},
                          "arrivals": {"rate": "3/h"}, "entry": "g0", "groups": groups})
    visits = np.bincount(tickets.route.astype(np.int64), minlength=n)
    assert tickets.route.min() >= 0 and len(visits) == n
    expected = len(tickets.arrived) / (n - 1)   # about 800 escalations to each group
    assert np.all(np.abs(visits[1:] - expected) < 7 * np.sqrt(expected)), visits


def test_the_python_api_checks_what_validate_checks():
    import yaml

    import supportsim
    from supportsim import ScenarioError

    base = yaml.safe_load(BASE)
    nested = deep = {}
    for _ in range(5000):
        deep["a"] = {}
        deep = deep["a"]
    cases = [({**base, "checks": ["all.reaction.mean <= banana"]}, "checks.0: "),
             ({**base, "sweep": {"grid": {"name": ["a"]}}}, "sweep.grid.name: 'name' cannot be swept"),
             ({**base, "description": "a\ud800"}, "description: contains a lone surrogate"),
             ({**base, "seed": 10**400}, "seed: a number of more than 100 digits is too long"),
             ({**base, "description": nested}, "nested more than 64 levels deep"),
             ({**base, "replications": 10**4, "horizon": "20w"}, None)]
    for data, fragment in cases[:-1]:
        for call in (supportsim.load_scenario, supportsim.simulate):
            with pytest.raises(ScenarioError) as caught:
                call(data)
            assert fragment in str(caught.value) and "\n" not in str(caught.value), str(caught.value)
    with pytest.raises(ScenarioError, match="the run would simulate about 6.72e\\+07 tickets"):
        supportsim.simulate(cases[-1][0])


def test_a_library_warning_is_one_line(monkeypatch, capsys):
    import warnings

    from supportsim import cli

    def numerical(args):
        import numpy

        numpy.mean(numpy.array([]))   # numpy's "Mean of empty slice" RuntimeWarning
        return cli.EXIT_OK

    monkeypatch.setattr(cli, "cmd_validate", numerical)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert cli.main(["validate", "any.yaml"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("warning: RuntimeWarning: Mean of empty slice"), err
    assert all(line.startswith("warning: RuntimeWarning: ") for line in err.splitlines()), err  # no source lines

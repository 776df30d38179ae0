"""A property-based fuzzer of everything a scenario file can hold (hypothesis), run in this process.

Two sources of documents: scenarios generated from the schema (every key, with values drawn from ordinary,
edge and absurd ones), and raw YAML text (a valid scenario with random edits: tokens YAML 1.1 misreads, dates
that do not exist, aliases, brackets, tabs, huge numbers, surrogates). For every document:

* ``validate`` exits 0 or 2, never with a traceback, never with a raw warning, within a few seconds;
* an error is one line ``error: FILE[:LINE]: [key.path: ]message``;
* ``run`` refuses (exit 2) whatever ``validate`` refuses, and a document ``validate`` accepts simulates.

Generated scenarios are capped in size (a few segments and groups, short horizons, low rates), so one example
takes milliseconds. Profiles (``HYPOTHESIS_PROFILE``): ``ci`` (chosen when CI=true: derandomized, a few hundred
examples, under a minute), ``dev`` (the default: the same size, random), ``long`` (thousands of examples, for
occasional use; see docs/limits.md).
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import re
import time
import warnings
from pathlib import Path

import pytest
import yaml

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from supportsim.cli import main  # noqa: E402
from supportsim.strategies import REGISTRY  # noqa: E402

COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
              print_blob=True)
settings.register_profile("ci", max_examples=150, derandomize=True, **COMMON)
settings.register_profile("dev", max_examples=150, **COMMON)
settings.register_profile("long", max_examples=5000, **COMMON)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
settings.load_profile(PROFILE)
RUNS = {"ci": 12, "dev": 12, "long": 300}.get(PROFILE, 12)
"""Examples that go through the whole of ``run`` (simulation, files, report), which takes most of a second."""

SECONDS = 5.0   # "a few seconds": the slowest document allowed, on a busy machine
ERROR_LINE = re.compile(r"^error: \S.*$")
WARNING_LINE = re.compile(r"^warning: \S.*$")
MAX_TICKETS = "20000"  # keeps the simulations of accepted documents to milliseconds


def command(*argv: str) -> tuple[int, str, str, float]:
    """``supportsim ARGV`` in this process: (exit code, stdout, stderr, seconds). Any exception escaping
    main() is a failure of the property (a traceback for the user), as is a warning that is not our line."""
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a raw RuntimeWarning reaching the user is a failure
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
    return code, out.getvalue(), err.getvalue(), time.monotonic() - started


def check_document(tmp: Path, text: str, simulate: bool) -> None:
    path = tmp / "scenario.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    code, _, err, seconds = command("validate", str(path), "--max-tickets", MAX_TICKETS)
    assert code in (0, 2), err
    assert seconds < SECONDS, f"validate took {seconds:.1f}s"
    for line in err.splitlines():
        assert ERROR_LINE.match(line) or WARNING_LINE.match(line), line
    assert "Traceback" not in err
    if code == 2:
        run_code, _, run_err, _ = command("run", str(path), "--out", str(tmp / "out"), "--max-tickets", MAX_TICKETS)
        assert run_code == 2, f"validate refused but run exited {run_code}: {err}"
        assert [line for line in run_err.splitlines() if line.startswith("error:")] == \
               [line for line in err.splitlines() if line.startswith("error:")]
    elif simulate:
        run_code, _, run_err, seconds = command("run", str(path), "--out", str(tmp / "out"), "--quiet",
                                                "--max-tickets", MAX_TICKETS)
        assert run_code == 0, run_err
        assert "Traceback" not in run_err
    else:
        from supportsim.api import simulate as simulate_api

        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = simulate_api(str(path), max_tickets=int(MAX_TICKETS))
            result.summary()


# ---- scenarios from the schema ----------------------------------------------------------------------------

NAMES = st.sampled_from(["vip", "standard", "gold", "L1", "L2", "a-b", "x_1", "all", "VIP", "$a$", "é", ""])
DURATIONS = st.sampled_from(["15m", "1h", "2.5h", "3d", "0h", "0s", "1e-9h", "1e9h", "175320h", "-1h", "1:30",
                             "90", "1h30", ".inf", "2w", "0.0001s", "8 hours"])
RATES = st.sampled_from(["2/h", "0.5/h", "40/d", "1e-6/h", "100000/h", "1e9/h", "0/h", "2/month", "3", "-1/h"])
NUMBERS = st.one_of(st.integers(-3, 300), st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from([0, 1, 1e-200, 1e200, 1e308, 10**50]))
SHARES = st.one_of(st.sampled_from([0.2, 0.5, 0.8, 1, 0, 1.5, "50%"]), st.floats(0, 1))
DISTS = st.one_of(
    st.fixed_dictionaries({"dist": st.just("exponential"), "mean": DURATIONS}),
    st.fixed_dictionaries({"dist": st.sampled_from(["lognormal", "gamma"]), "mean": DURATIONS, "cv": NUMBERS}),
    st.fixed_dictionaries({"dist": st.just("deterministic"), "mean": DURATIONS}),
    st.fixed_dictionaries({"dist": st.just("uniform"), "low": DURATIONS, "high": DURATIONS}),
    st.fixed_dictionaries({"dist": st.just("empirical"), "values": st.lists(DURATIONS, max_size=4)}),
    st.fixed_dictionaries({"dist": st.just("weibull"), "mean": DURATIONS}),
)
STAFF = st.one_of(st.integers(-1, 12), st.sampled_from([[], "3", 2.5, 10**6]),
                  st.lists(st.fixed_dictionaries({"count": st.integers(0, 4)},
                                                 optional={"calendar": st.sampled_from(["office", "always", "x"])}),
                           max_size=3))
POLICIES = st.one_of(st.sampled_from(sorted(REGISTRY) + ["vip-first"]),
                     st.fixed_dictionaries({"kind": st.sampled_from(sorted(REGISTRY))},
                                           optional={"pickup_within": DURATIONS, "lanes": NUMBERS}))
CHECKS = st.lists(st.sampled_from(["vip.reaction.p90 <= 1h", "all.reaction.mean <= 2h", "vip.reaction.p90 <= banana",
                                   "all.sla.reaction_met >= 150%", "all.reaction.mean => 1h", "name <= 1",
                                   "L1.utilization <= 0.9"]), max_size=2)


SANE_DURATIONS = st.sampled_from(["15m", "30m", "1h", "2.5h"])
SANE_RATES = st.sampled_from(["2/h", "0.5/h", "40/d", "4/h"])
SANE_DISTS = st.one_of(
    st.fixed_dictionaries({"dist": st.just("exponential"), "mean": SANE_DURATIONS}),
    st.fixed_dictionaries({"dist": st.sampled_from(["lognormal", "gamma"]), "mean": SANE_DURATIONS,
                           "cv": st.sampled_from([0.5, 1, 2.5])}),
    st.fixed_dictionaries({"dist": st.just("deterministic"), "mean": SANE_DURATIONS}),
    st.just({"dist": "uniform", "low": "10m", "high": "1h"}),
    st.just({"dist": "empirical", "values": ["10m", "1h", "3h"]}),
)
NASTY = st.one_of(DURATIONS, RATES, NUMBERS, SHARES, NAMES, DISTS, STAFF, POLICIES, CHECKS,
                  st.sampled_from([None, [], {}, ["a"], {"a": 1}, True, "2027-02-30", "1:30", "\ud800"]))


def _leaves(data, prefix=()):
    """Key paths of every value in nested mappings and lists (mutation targets)."""
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    out = [prefix] if prefix else []
    for key, value in items:
        out += _leaves(value, prefix + (key,))
    return out


@st.composite
def scenarios(draw) -> dict:
    """A sane small scenario (most keys drawn), then up to three of its values replaced by absurd ones."""
    names = draw(st.lists(st.sampled_from(["vip", "standard", "gold"]), min_size=1, max_size=3, unique=True))
    segments = {n: {"rate": draw(SANE_RATES), **({"vip": True} if n == "vip" else {})} for n in names}
    groups = {"L1": {"staff": draw(st.integers(1, 6)), "work": draw(SANE_DISTS)}}
    if draw(st.booleans()):
        groups["L2"] = {"staff": draw(st.integers(1, 4)), "work": draw(SANE_DISTS)}
        groups["L1"]["escalate"] = {"L2": draw(st.sampled_from([0.1, 0.3]))}
    data = {"name": "fuzz", "horizon": draw(st.sampled_from(["50h", "150h"])), "replications": draw(st.integers(1, 3)),
            "segments": segments, "groups": groups, "entry": "L1"}
    optional = {
        "warmup": st.just("5h"), "seed": st.integers(0, 10**6), "policy": st.sampled_from(sorted(REGISTRY)),
        "start": st.just("2027-01-04"),
        "calendars": st.just({"office": {"days": "mon-fri", "hours": "08:00-18:00", "holidays": ["2027-01-06"]}}),
        "priorities": st.just({"P1": 0.3, "P2": 0.7}),
        "sla": st.just({names[0]: {"reaction": "30m", "resolution": "8h"}}),
        "variants": st.just({"alt": {"policy": "fifo"}, "more": {"groups": {"L1": {"staff": 7}}}}),
        "checks": st.just([f"{names[0]}.reaction.p90 <= 1h"]),
        "sweep": st.just({"grid": {"groups.L1.staff": [2, 3]}}),
        "arrivals": st.just({"profile": {"hours": {"09-12": 2}}, "bursts": {"every": "1w", "tickets": 5, "within": "1h"}}),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            data[key] = draw(strategy)
    if "start" not in data and "calendars" in data:
        data["start"] = "2027-01-04"
    if "calendars" in data and draw(st.booleans()):
        groups["L1"]["staff"] = [{"count": 2, "calendar": "office"}, {"count": 1}]
    if "arrivals" in data:  # a profile shapes one overall rate
        data["arrivals"]["rate"] = "3/h"
        segments.update({n: {"share": 1 / len(names), **({"vip": True} if n == "vip" else {})} for n in names})
    data = copy.deepcopy(data)  # st.just() hands out the same objects every time: never mutate those
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(_leaves(data)))
        node = data
        for key in path[:-1]:
            node = node[key]
        if isinstance(node, (dict, list)):
            node[path[-1]] = copy.deepcopy(draw(NASTY))
    return data


def _yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@given(scenarios())
def test_every_generated_scenario_is_valid_or_refused_in_one_line(tmp_path_factory, data):
    check_document(tmp_path_factory.mktemp("fuzz"), _yaml(data), simulate=False)


@settings(max_examples=RUNS)
@given(scenarios())
def test_run_accepts_what_validate_accepts_and_writes_its_files(tmp_path_factory, data):
    check_document(tmp_path_factory.mktemp("fuzz"), _yaml(data), simulate=True)


# ---- raw YAML text ----------------------------------------------------------------------------------------

VALID = """\
name: fuzz
description: a small desk
horizon: 200h
warmup: 10h
replications: 2
seed: 7
start: 2027-01-04
segments:
  vip: {share: 0.2, vip: true}
  standard: {share: 0.8}
arrivals:
  rate: 3/h
groups:
  L1:
    staff: 3
    work: {dist: lognormal, mean: 30m, cv: 1.2}
    escalate: {L2: 0.2}
  L2:
    staff: 2
    work: {dist: exponential, mean: 1h}
entry: L1
policy: priority
sla:
  vip: {reaction: 15m}
checks:
  - vip.reaction.p90 <= 1h
"""
TOKENS = ["1:30", "yes", "no", "on", "~", "null", "2027-02-30", "2027-02-29", "25:00", ".inf", "-.inf", ".nan",
          "&a", "*a", "*b", "<<: *a", "[", "]", "{", "}", "'", '"', "\t", "- ", ": ", "#", "!!binary", "!!python/name:os",
          "!!timestamp 2027-02-30", "9" * 5000, '"\\ud800"', "1e308h", "1e-200", "0x1F", "0o17", "012", "---",
          "[" * 200, "%YAML 1.1", "? ", "|", ">", "1e20", "-1", "0", "", "\n", "\n  ", "   "]


@st.composite
def edited_text(draw) -> str:
    """The valid document with values replaced by tokens (line by line) and raw text spliced in anywhere."""
    lines = VALID.splitlines()
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        key, sep, _ = lines[i].partition(": ")
        if sep:
            lines[i] = key + sep + draw(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8)))
    text = "\n".join(lines) + "\n"
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 12))
        piece = draw(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8)))
        text = text[:at] + piece + text[at + cut:]
    return text


@given(edited_text())
def test_every_edited_document_is_valid_or_refused_in_one_line(tmp_path_factory, text):
    check_document(tmp_path_factory.mktemp("fuzz"), text, simulate=False)


@given(st.text(max_size=200))
def test_any_text_is_valid_or_refused_in_one_line(tmp_path_factory, text):
    check_document(tmp_path_factory.mktemp("fuzz"), text, simulate=False)

"""The ``supportsim`` command and the Python API, as documented in README.md and docs/outputs.md."""

from __future__ import annotations

import csv
import json
import math
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest
import yaml

import supportsim
from cli_runner import ROOT, run_cli
from supportsim.results import resolved_scenario_yaml
from supportsim.service_targets import measured_clock
from supportsim.workdays import allowance

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
SMALL_DESK = ROOT / "scenarios" / "small-desk.yaml"
REPLICATIONS, SEED = 2, 7  # both differ from what small-desk.yaml says, so the overrides show
TICKET_COLUMNS = ["variant", "replication", "ticket", "segment", "priority", "arrived", "first_response", "resolved",
                  "reaction", "resolution", "path"]
STATS = ("mean", "p50", "p90", "p95", "max")
OUTPUT_FILES = {"summary.json", "tickets.csv", "scenario.resolved.yaml", "profiles.json", "report.html", "manifest.json"}


# ---- validate ------------------------------------------------------------------------------------------------

def test_validate_prints_the_offered_load_per_group():
    result = run_cli("validate", SMALL_DESK)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    scenario = supportsim.load_scenario(SMALL_DESK)
    for group, rho in scenario.offered_load().items():
        assert any(line.split()[:1] == [group] and f"rho = {rho:.3f}" in line for line in result.stdout.splitlines()), \
            result.stdout
    assert "0.900" in result.stdout and "0.750" in result.stdout  # 9/h x 1h / 10 and 9/h x 0.25 x 1h / 3


def test_validate_warns_but_passes_when_a_queue_would_grow_without_bound(tmp_path):
    data = yaml.safe_load(SMALL_DESK.read_text())
    data["groups"]["L2"]["staff"] = 2  # 9/h x 0.25 x 1h / 2 = 1.125
    file = tmp_path / "overloaded.yaml"
    file.write_text(yaml.safe_dump(data))
    result = run_cli("validate", file)
    assert result.returncode == 0, result.stderr
    assert "rho = 1.125" in result.stdout and "WARNING" in result.stdout
    warnings = result.stderr.splitlines()
    assert len(warnings) == 1 and warnings[0].startswith("warning: ") and "groups.L2" in warnings[0], warnings
    assert "groups.L1" not in result.stderr


# ---- run: every bundled scenario, its four files ---------------------------------------------------------------

@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    """``supportsim run FILE --replications 2 --seed 7`` once per file: (result, output folder)."""
    done = {}

    def run(file: Path):
        if file not in done:
            out = tmp_path_factory.mktemp(file.stem)
            done[file] = run_cli("run", file.relative_to(ROOT), "--out", out, "--replications", REPLICATIONS,
                                 "--seed", SEED, timeout=300), out
        return done[file]
    return run


@pytest.fixture(params=SCENARIOS, ids=[p.name for p in SCENARIOS])
def bundled_run(request, cli_run):
    return (request.param, *cli_run(request.param))


def read_tickets(out: Path) -> tuple[list[str], list[dict]]:
    with open(out / "tickets.csv", newline="") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


def test_run_exits_0_prints_tables_and_writes_four_files(bundled_run):
    file, result, out = bundled_run
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    scenario = supportsim.load_scenario(file)
    if scenario.variants:  # one comparison table: a VIP and a non-VIP line per variant, against the baseline
        lines = result.stdout.splitlines()
        for variant in scenario.variants:
            assert any(line.split()[:1] == [variant] for line in lines), variant
        assert f"{scenario.baseline or next(iter(scenario.variants))} (baseline)" in result.stdout
        assert "non-VIP" in result.stdout and "vs baseline" in result.stdout
    else:  # a table per segment
        for segment in scenario.segment_names:
            assert segment in result.stdout
    assert "utilization" in result.stdout and "reaction mean" in result.stdout
    assert {p.name for p in out.iterdir()} == OUTPUT_FILES


def check_estimate(node, where: str) -> None:
    assert set(node) == {"value", "ci95"}, where
    low, high = node["ci95"]
    assert isinstance(node["value"], float | int), where
    assert low is not None and low <= node["value"] <= high, where


def check_ratio(node, where: str) -> None:
    """A ratio to the baseline: {ratio, ci95}, null where the baseline's figure is zero or missing."""
    assert set(node) == {"ratio", "ci95"}, where
    if node["ratio"] is None:
        assert node["ci95"] == [None, None], where
        return
    low, high = node["ci95"]
    assert 0 <= low <= node["ratio"] <= high, where


def check_times(figures: dict, measure: str, where: str) -> None:
    assert set(figures[measure]) == set(STATS), where
    for stat in STATS:
        check_estimate(figures[measure][stat], f"{where}.{measure}.{stat}")
    assert 0 <= figures[measure]["p50"]["value"] <= figures[measure]["p90"]["value"] \
        <= figures[measure]["p95"]["value"] <= figures[measure]["max"]["value"], where


def test_summary_json_has_the_documented_shape(bundled_run):
    file, _, out = bundled_run
    scenario = supportsim.load_scenario(file)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == scenario.name
    assert summary["units"] == {"time": "hours"}
    assert (summary["replications"], summary["seed"]) == (REPLICATIONS, SEED)
    assert summary["window"] == {"from": scenario.warmup, "to": scenario.horizon}
    variants = list(scenario.variants) or ["base"]
    assert list(summary["variants"]) == variants
    assert summary["baseline"] == (scenario.baseline or variants[0])
    for variant in variants:
        check_variant(scenario, summary["variants"][variant], variant, summary["baseline"])


def check_variant(scenario, figures: dict, variant: str, baseline: str) -> None:
    segments, groups = figures["segments"], figures["groups"]
    on_call = {g: [i for i, b in enumerate(scenario.groups[g].blocks) if b.on_call] for g in scenario.group_names}
    on_call = {g: blocks for g, blocks in on_call.items() if blocks}
    assert set(figures) == {"segments", "tiers", "groups", "targets", "clocks", "workforce"} | (
        {"vs_baseline"} if variant != baseline else set()) | ({"on_call"} if on_call else set())
    workforce = figures["workforce"]  # engineers on the roster, per group and in all; headcount no fewer
    assert set(workforce) == {*scenario.group_names, "all"}
    assert {g: workforce[g]["engineers"] for g in scenario.group_names} == \
           {g: scenario.groups[g].headcount for g in scenario.group_names}
    assert workforce["all"]["engineers"] == sum(scenario.groups[g].headcount for g in scenario.group_names)
    assert all(w["headcount"] >= w["engineers"] for w in workforce.values())
    for group in on_call:  # call-outs in the window, per day of it, per on-call engineer; they add up
        node = figures["on_call"][group]
        days = (scenario.horizon - scenario.warmup) / 24
        assert node["per_night"]["value"] == pytest.approx(node["call_outs"]["value"] / days)
        engineers = node["per_engineer"]
        assert sum(e["call_outs"]["value"] for e in engineers.values()) == pytest.approx(node["call_outs"]["value"])
        assert node["call_outs"]["value"] > 0, f"{variant}.on_call.{group}"
    assert set(segments) == {*scenario.segment_names, "all"}
    on_business_clock = {s for s in scenario.sla
                         if any(not scenario.calendar(measured_clock(scenario, s, m)).is_always
                                for m in ("reaction", "resolution"))}
    assert figures["clocks"] == {s: {m: measured_clock(scenario, s, m) for m in ("reaction", "resolution")}
                                 for s in scenario.segment_names}
    for path, target in figures["targets"].items():   # each target, on its own clock, judged on its interval
        segment_or_group, measure = path.split(".")[1], path.split(".")[2]
        same = (segments[segment_or_group]["sla"][f"{measure}_met"] if path.startswith("sla.")
                else groups[segment_or_group]["ola_met"])
        assert target["attainment"] == same, path
        if target["attain"] is not None:
            low, high = target["attainment"]["ci95"]
            assert target["verdict"] == ("met" if low >= target["attain"] else
                                         "missed" if high < target["attain"] else "inconclusive"), path
    vip = {s for s, segment in scenario.segments.items() if segment.vip}
    for segment, node in [*segments.items(), *(("tiers." + t, figures["tiers"][t]) for t in ("vip", "non_vip"))]:
        where = f"{variant}.{segment}"
        check_estimate(node["tickets"], f"{where}.tickets")
        assert node["tickets"]["value"] > 0, where
        measures = ["reaction", "resolution"]
        if segment in on_business_clock:  # also on the SLA's clock, never longer than on the wall clock
            measures += ["reaction_business", "resolution_business"]
            for measure in ("reaction", "resolution"):
                assert node[f"{measure}_business"]["mean"]["value"] <= node[measure]["mean"]["value"] + 1e-9, where
        assert set(node) - {"sla"} == {"tickets", *measures}, where
        for measure in measures:
            check_times(node, measure, where)
        assert node["reaction"]["mean"]["value"] <= node["resolution"]["mean"]["value"]
        sla = scenario.sla.get(segment)
        if segment in scenario.segment_names and sla is None:
            assert "sla" not in node, where
        if sla is not None:
            for measure in ("reaction", "resolution"):
                if getattr(sla, measure) is not None:
                    met = node["sla"][f"{measure}_met"]
                    check_estimate(met, f"{where}.sla.{measure}_met")
                    assert 0 <= met["value"] <= 1
    for total, members in (("all", scenario.segment_names), ("tiers.vip", vip), ("tiers.non_vip", set(scenario.segment_names) - vip)):
        node = segments["all"] if total == "all" else figures["tiers"][total.split(".")[1]]
        tickets = [segments[s]["tickets"]["value"] for s in members]
        assert math.isclose(sum(tickets), node["tickets"]["value"]), total
    if variant != baseline:  # vs_baseline.<vip|non_vip|all>.<reaction|resolution>.<mean|p90> = {ratio, ci95}
        ratios = figures["vs_baseline"]
        assert set(ratios) == {"vip", "non_vip", "all"}
        for tier, node in ratios.items():
            assert set(node) == {"reaction", "resolution"}
            for measure, stats in node.items():
                assert set(stats) == {"mean", "p90"}
                for stat, ratio in stats.items():
                    check_ratio(ratio, f"{variant}.vs_baseline.{tier}.{measure}.{stat}")
    assert set(groups) == set(scenario.group_names)
    for group, node in groups.items():
        where = f"{variant}.{group}"
        has_ola = scenario.groups[group].ola is not None
        assert set(node) == {"utilization", "queue_wait", "queue_length", "tickets_present", "arrival_rate",
                             "time_in_group"} | ({"ola_met"} if has_ola else set()), where
        check_estimate(node["utilization"], f"{where}.utilization")
        assert 0 < node["utilization"]["value"] <= 1
        if has_ola:
            check_estimate(node["ola_met"], f"{where}.ola_met")
            assert 0 <= node["ola_met"]["value"] <= 1
        assert set(node["queue_wait"]) == {"mean", *scenario.segment_names}, where
        check_estimate(node["queue_wait"]["mean"], f"{where}.queue_wait.mean")
        for segment in scenario.segment_names:
            check_estimate(node["queue_wait"][segment]["mean"], f"{where}.queue_wait.{segment}.mean")
            assert node["queue_wait"][segment]["mean"]["value"] >= 0, where
        for figure in ("queue_length", "tickets_present", "arrival_rate", "time_in_group"):
            check_estimate(node[figure], f"{where}.{figure}")
            assert node[figure]["value"] >= 0, where
        assert node["queue_wait"]["mean"]["value"] >= 0


def test_tickets_csv_holds_every_counted_ticket_once(bundled_run):
    file, _, out = bundled_run
    scenario = supportsim.load_scenario(file)
    summary = json.loads((out / "summary.json").read_text())["variants"]
    columns, rows = read_tickets(out)
    with_sla = {m for m in ("reaction", "resolution") if any(getattr(s, m) for s in scenario.sla.values())}
    business = any(not scenario.calendar(target.clock).is_always for target in scenario.sla.values())
    assert columns == TICKET_COLUMNS + (["reaction_business", "resolution_business"] if business else []) \
        + (["burst"] if scenario.arrivals.bursts else []) \
        + [f"{m}_sla_met" for m in ("reaction", "resolution") if m in with_sla]
    assert {row["variant"] for row in rows} == set(summary)
    for variant, figures in summary.items():
        check_variant_tickets(scenario, [row for row in rows if row["variant"] == variant], figures["segments"],
                              with_sla, business)


def entry_of(scenario, arrived: float, segment: str) -> str:
    """The group the scenario's entry rules give a ticket (by segment and arrival time)."""
    from supportsim.tickets import entry_groups

    given = entry_groups(scenario, np.array([arrived]), np.array([scenario.segment_names.index(segment)]))
    return scenario.entry_group if given is None else scenario.group_names[int(given[0])]


def check_variant_tickets(scenario, rows: list[dict], summary: dict, with_sla: set, business: bool) -> None:
    assert {int(row["replication"]) for row in rows} == set(range(REPLICATIONS))
    per_replication = Counter((row["replication"], row["ticket"]) for row in rows)
    assert max(per_replication.values()) == 1, "a ticket appears twice in one replication"
    # one row per counted ticket: the rows are exactly what the summary counted
    for segment in [*scenario.segment_names, "all"]:
        count = sum(1 for row in rows if segment in ("all", row["segment"]))
        assert count / REPLICATIONS == pytest.approx(summary[segment]["tickets"]["value"], abs=1e-9)
    reaction_sums = defaultdict(float)
    for row in rows:
        arrived, first, resolved = float(row["arrived"]), float(row["first_response"]), float(row["resolved"])
        assert scenario.warmup <= arrived < scenario.horizon, "a warm-up ticket was counted"
        assert float(row["reaction"]) == pytest.approx(first - arrived, abs=2e-6)
        assert float(row["resolution"]) == pytest.approx(resolved - arrived, abs=2e-6)
        assert 0 <= float(row["reaction"]) <= float(row["resolution"])
        assert row["path"].split(">")[0] == entry_of(scenario, arrived, row["segment"])
        assert set(row["path"].split(">")) <= set(scenario.group_names)
        assert row["segment"] in scenario.segment_names
        assert row["priority"] in (scenario.priority_names or [""])
        if "burst" in row:
            assert int(row["burst"]) >= -1
        reaction_sums[row["replication"]] += float(row["reaction"])
        for measure in ("reaction", "resolution"):
            target_clock = measured_clock(scenario, row["segment"], measure)
            if business:  # on the target's clock: never longer than on the wall clock, the same on a 24x7 clock
                on_clock, wall = float(row[f"{measure}_business"]), float(row[measure])
                assert 0 <= on_clock <= wall + 2e-6
                if scenario.calendar(target_clock).is_always:
                    assert on_clock == pytest.approx(wall, abs=2e-6)
        for measure in with_sla:
            target = getattr(scenario.sla.get(row["segment"]), measure, None) if row["segment"] in scenario.sla else None
            value = row[f"{measure}_sla_met"]
            if target is None:
                assert value == ""
            else:  # met on the target's clock
                taken = float(row[f"{measure}_business"] if business else row[measure])
                clock = scenario.calendar(measured_clock(scenario, row["segment"], measure))
                allowed = float(np.squeeze(allowance(clock, [float(row["arrived"])], target.within.working_days))) \
                    if target.hours is None else target.hours
                assert value == str(int(taken <= allowed + 1e-6)) or abs(taken - allowed) < 1e-5
    # the mean reaction in the summary is the mean over replications of each replication's mean
    counts = Counter(row["replication"] for row in rows)
    mean_of_means = sum(reaction_sums[r] / counts[r] for r in counts) / len(counts)
    assert mean_of_means == pytest.approx(summary["all"]["reaction"]["mean"]["value"], abs=1e-6)


def test_resolved_scenario_loads_again_and_gives_the_same_results(bundled_run):
    file, _, out = bundled_run
    resolved = supportsim.load_scenario(out / "scenario.resolved.yaml")
    original = supportsim.load_scenario(file)
    assert (resolved.replications, resolved.seed) == (REPLICATIONS, SEED), "the resolved file records what was run"
    assert [resolved.policy_of(g) for g in resolved.group_names] == [original.policy_of(g) for g in original.group_names]
    skip = {"groups", "replications", "seed"}
    assert resolved.model_dump(exclude=skip) == original.model_dump(exclude=skip)
    assert resolved_scenario_yaml(resolved) == (out / "scenario.resolved.yaml").read_text(), "resolving twice changes it"
    again = supportsim.simulate(resolved).summary()
    assert json.loads(json.dumps(again)) == json.loads((out / "summary.json").read_text())


def test_resolved_scenario_spells_out_the_defaults(bundled_run):
    file, _, out = bundled_run
    data = yaml.safe_load((out / "scenario.resolved.yaml").read_text())
    for key in ("warmup", "replications", "seed", "entry", "policy"):
        assert key in data, key
    for name, group in data["groups"].items():
        assert "escalate" in group
        # a group without its own policy inherits the scenario's, spelled out at the top (see results.py)
        assert ("policy" in group) == (supportsim.load_scenario(file).groups[name].policy is not None)


@pytest.mark.parametrize("policy", [{"kind": "dedicated", "engineers": {"L1": 2}}, {"kind": "reserve"},
                                    {"kind": "personal"}, {"kind": "contact_first"}], ids=lambda p: p["kind"])
def test_resolved_scenario_keeps_a_scenario_wide_vip_policy_scenario_wide(policy):
    """Written into every group, these policies would mean something else (or be refused) there."""
    data = yaml.safe_load((ROOT / "scenarios" / "vip-no-extra-staff.yaml").read_text())
    del data["variants"], data["baseline"]
    scenario = supportsim.load_scenario({**data, "policy": policy})
    again = supportsim.load_scenario(yaml.safe_load(resolved_scenario_yaml(scenario)))
    assert again == scenario


# ---- run options -------------------------------------------------------------------------------------------

def test_quiet_prints_nothing_and_still_writes(tmp_path):
    result = run_cli("run", SMALL_DESK, "--out", tmp_path, "--replications", 1, "--seed", 3, "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert (summary["replications"], summary["seed"]) == (1, 3)
    _, rows = read_tickets(tmp_path)
    assert {row["replication"] for row in rows} == {"0"}


def test_default_output_folder_is_results_slash_name(tmp_path):
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text("name: tiny\nhorizon: 50h\nsegments: {everyone: {share: 1}}\narrivals: {rate: 2/h}\n"
                        "groups: {L1: {staff: 3, work: {dist: exponential, mean: 1h}}}\nreplications: 2\n")
    result = run_cli("run", scenario, "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert {p.name for p in (tmp_path / "results" / "tiny").iterdir()} == OUTPUT_FILES


# ---- the Python API ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def api_result():
    return supportsim.simulate(str(SMALL_DESK), replications=REPLICATIONS, seed=SEED)


def test_api_summary_is_what_the_command_writes(api_result, cli_run):
    result, out = cli_run(SMALL_DESK)
    assert result.returncode == 0, result.stderr
    assert json.loads(json.dumps(api_result.summary())) == json.loads((out / "summary.json").read_text())
    assert api_result.tickets_csv() == (out / "tickets.csv").read_text()


def test_api_load_simulate_tickets_save(api_result, tmp_path):
    scenario = supportsim.load_scenario(SMALL_DESK)
    assert isinstance(scenario, supportsim.Scenario) and scenario.name == "small-desk"
    assert supportsim.load_scenario(scenario.model_dump(mode="json")) == scenario
    summary = api_result.summary()
    assert (summary["replications"], summary["seed"]) == (REPLICATIONS, SEED)
    tickets = api_result.tickets()  # a DataFrame with pandas installed, else a list of dicts
    rows = tickets.to_dict("records") if hasattr(tickets, "to_dict") else tickets
    assert list(rows[0])[:len(TICKET_COLUMNS)] == TICKET_COLUMNS
    assert len(rows) == round(summary["variants"]["base"]["segments"]["all"]["tickets"]["value"] * REPLICATIONS)
    assert all(row["arrived"] >= scenario.warmup for row in rows)
    assert rows == [dict(row) for row in api_result.ticket_rows()]
    saved = api_result.save(tmp_path / "saved")
    # the data files; the HTML report is the command's (or supportsim.report.write_report's) job
    assert {p.name for p in saved.iterdir()} == OUTPUT_FILES - {"report.html"}
    assert json.loads((saved / "summary.json").read_text()) == json.loads(json.dumps(summary))


def test_api_takes_a_dict_and_the_same_seed_gives_the_same_result():
    data = {"name": "tiny", "horizon": "200h", "warmup": "10h", "segments": {"everyone": {"share": 1}},
            "arrivals": {"rate": "3/h"}, "groups": {"L1": {"staff": 2, "work": {"dist": "exponential", "mean": "30m"}}}}
    first = supportsim.simulate(data, replications=2, seed=11).summary()
    assert first == supportsim.simulate(supportsim.load_scenario(data), replications=2, seed=11).summary()
    assert first != supportsim.simulate(data, replications=2, seed=12).summary()


def test_api_refuses_bad_input_with_the_same_messages():
    with pytest.raises(supportsim.ScenarioError) as caught:
        supportsim.simulate(str(ROOT / "tests" / "bad" / "negative-staff.yaml"))
    assert "groups.L1.staff: must be a whole number >= 1, got -3" in str(caught.value)

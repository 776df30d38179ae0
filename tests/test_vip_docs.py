"""docs/vip-policies.md: its examples run, and its generated table is what the bundled scenario produces."""

import importlib.util
import re
from pathlib import Path

import pytest
import yaml

from supportsim import load_scenario
from supportsim.cli import main
from supportsim.variants import deep_merge

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "vip-policies.md").read_text()
BUNDLED = ROOT / "scenarios" / "vip-no-extra-staff.yaml"


def _blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", DOC, re.S)


@pytest.mark.parametrize("block", _blocks("yaml"))
def test_every_yaml_example_is_valid_on_the_bundled_desk(block):
    base = {k: v for k, v in yaml.safe_load(BUNDLED.read_text()).items() if k not in ("variants", "baseline")}
    load_scenario(deep_merge(base, yaml.safe_load(block)))


def test_the_compare_example_runs(tmp_path, capsys):
    commands = [line.split("#")[0].split() for block in _blocks("bash") for line in block.splitlines()]
    compare = [c for c in commands if c[:2] == ["supportsim", "compare"]]
    assert compare
    for command in compare:
        assert main(command[1:] + ["--replications", "2", "--out", str(tmp_path)]) == 0
        assert "reaction vs" in capsys.readouterr().out


def test_the_bundled_scenario_is_the_desk_the_issue_asks_for():
    scenario = load_scenario(BUNDLED)
    assert [scenario.groups[g].staff for g in ("L1", "L2", "L3")] == [12, 4, 2]
    assert all(0.80 <= rho <= 0.85 for rho in scenario.offered_load().values())
    assert scenario.segments["vip"].share == 0.1
    kinds = {name: (v["policy"] if isinstance(v["policy"], str) else v["policy"]["kind"]) for name, v in scenario.variants.items()}
    assert set(kinds.values()) == {"fifo", "priority", "preemptive", "vip_lane", "dedicated", "reserve", "personal",
                                   "contact_first", "deadline"}


def test_the_generated_table_in_the_docs_is_up_to_date():
    spec = importlib.util.spec_from_file_location("report", ROOT / "scripts" / "vip_policies_report.py")
    report = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(report)
    block = re.search(r"<!-- generated: table -->\n(.*?)<!-- end generated: table -->", DOC, re.S).group(1)
    assert block == report.table_part(), "rerun: PYTHONPATH=src python scripts/vip_policies_report.py --only table"

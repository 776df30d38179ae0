"""The examples in docs/working-time.md are real: every scenario in it loads, and the walk-through produces
the tickets.csv lines the page shows. Every working-time key of the reference is a key of the model."""

import csv
import io
import re
from pathlib import Path

import pytest

from supportsim import load_scenario
from supportsim.api import simulate

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGE = (DOCS / "working-time.md").read_text()


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", PAGE, flags=re.S)


@pytest.mark.parametrize("text", blocks("yaml"), ids=lambda t: t.split("\n")[0])
def test_every_scenario_on_the_page_loads(tmp_path, text):
    (tmp_path / "scenario.yaml").write_text(text)
    (tmp_path / "tickets.csv").write_text(blocks("csv")[0])
    scenario = load_scenario(tmp_path / "scenario.yaml")
    assert scenario.uses_working_time()


def test_the_walk_through_gives_the_numbers_on_the_page(tmp_path):
    text = next(b for b in blocks("yaml") if b.startswith("name: walk-through"))
    (tmp_path / "scenario.yaml").write_text(text)
    (tmp_path / "tickets.csv").write_text(blocks("csv")[0])
    result = simulate(tmp_path / "scenario.yaml")
    expected = list(csv.DictReader(io.StringIO(blocks("text")[-1])))
    produced = list(csv.DictReader(io.StringIO(result.tickets_csv())))
    assert len(produced) == len(expected) == 3
    for want, got in zip(expected, produced):
        assert {k: got[k] for k in want} == want
    figures = result.summary()["variants"]["base"]
    assert figures["groups"]["L1"]["utilization"]["value"] == pytest.approx(3 / 90)


def test_the_reference_names_only_keys_the_model_has():
    reference = (DOCS / "scenario-reference.md").read_text()
    section = reference.split("BEGIN working-time keys")[1].split("END working-time keys")[0]
    keys = re.findall(r"^\| `([^`]+)` \|", section, flags=re.M)
    assert len(keys) > 20
    from supportsim.scenario import SLA, Arrivals, Group, Scenario
    from supportsim.working_time import OLA, Burst, CalendarSpec, Profile, StaffBlock
    models = {"calendars": CalendarSpec, "staff": StaffBlock, "ola": OLA, "bursts": Burst, "profile": Profile,
              "sla": SLA, "arrivals": Arrivals, "groups": Group}
    for key in keys:
        parts = [p for p in key.split(".") if not p.startswith("<")]
        owner = Scenario if len(parts) == 1 else models[parts[-2]]
        assert parts[-1] in owner.model_fields, key

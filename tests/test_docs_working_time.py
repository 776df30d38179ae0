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


@pytest.mark.parametrize("text", blocks("yaml"), ids=lambda t: re.search(r"^name: (\S+)", t, re.M).group(1))
def test_every_scenario_on_the_page_loads(tmp_path, text):
    (tmp_path / "scenario.yaml").write_text(text)
    (tmp_path / "tickets.csv").write_text(blocks("csv")[0])
    scenario = load_scenario(tmp_path / "scenario.yaml")
    assert scenario.uses_working_time()


def test_the_walk_through_gives_the_numbers_on_the_page(tmp_path):
    text = next(b for b in blocks("yaml") if "\nname: walk-through\n" in b)
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
    """The converse of test_docs' check that every model key is documented: no row documents a key that
    does not exist (working-time keys included), and the working-time keys are among them."""
    from test_docs import model_keys, placeholders

    reference = (DOCS / "scenario-reference.md").read_text()
    keys = [placeholders(k) for k in re.findall(r"^\| `([^`]+)` \|", reference, flags=re.M)]
    # distributions and policies (tables headed `dist` and `kind`) are checked in test_docs
    keys = [k for k in keys if k not in ("dist", "kind") and not k.startswith(("dist: ", "kind: "))]
    paths = model_keys()[0]
    containers = {p[:i + 3] for p in paths for i in range(len(p)) if p[i:].startswith(".<>")}  # calendars.<>
    assert len(keys) > 50
    for key in keys:
        assert key in paths or key in containers, key
    working_time = {"start", "calendars.<>.days", "calendars.<>.week", "calendars.<>.offset", "sla.<>.clock",
                    "groups.<>.staff.<>.calendar", "groups.<>.ola.pickup", "arrivals.profile.hours",
                    "arrivals.bursts.<>.within", "arrivals.trace"}
    assert working_time <= set(keys)
    assert len(keys) == len(set(keys)), "a key documented twice"

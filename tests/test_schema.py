"""The JSON Schema editors use: it accepts exactly what the loader accepts where a schema can say it, flags
typos (unknown keys, bare numbers for durations, unknown strategies), is referenced by every bundled file and
docs example, and the committed copy is what ``supportsim schema`` writes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

import pytest
import yaml
from pydantic import Field

from supportsim import load_scenario, strategies
from supportsim.cli import main
from supportsim.schema import (
    DURATION,
    RATE,
    REGENERATE,
    scenario_schema,
    schema_text,
    sweep_schema,
)
from supportsim.strategies.fifo import Fifo, FifoConfig
from supportsim.units import parse_duration, parse_rate

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
SWEEPS = sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml"))
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.MULTILINE)
FENCE = re.compile(r"^```yaml[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)


class Yaml12Loader(yaml.SafeLoader):
    """Reads YAML as the YAML language server does (YAML 1.2 core): a date is a string, not a date object."""


Yaml12Loader.yaml_implicit_resolvers = {
    key: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def errors(schema: dict, text: str) -> list[str]:
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(yaml.load(text, Loader=Yaml12Loader))]


def docs_files() -> list[tuple[str, str]]:
    """Every whole file shown in the docs (scenarios and sweep files; fragments have no schema of their own):
    the blocks that start with the schema line."""
    found = []
    for doc in sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]:
        for i, body in enumerate(FENCE.findall(doc.read_text())):
            if MODELINE.search(body):
                found.append((f"{doc.name}-{i}", body))
    return found


def test_the_committed_schemas_are_current():
    for which, name in (("scenario", "scenario.schema.json"), ("sweep", "sweep.schema.json")):
        committed = (ROOT / "schema" / name).read_text()
        assert committed == schema_text(which, builtin=True), f"schema/{name} is stale: run {REGENERATE[which]}"


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft7Validator.check_schema(scenario_schema())
    jsonschema.Draft7Validator.check_schema(sweep_schema())


@pytest.mark.parametrize("path", SCENARIOS + SWEEPS, ids=lambda p: p.name)
def test_every_bundled_file_names_the_schema_and_is_valid_against_it(path):
    text = path.read_text()
    line = MODELINE.match(text)
    assert line, f"{path.name}: the first line should be '# yaml-language-server: $schema=...'"
    target = (path.parent / line.group(1)).resolve()
    assert target == ROOT / "schema" / ("sweep.schema.json" if path in SWEEPS else "scenario.schema.json")
    assert errors(json.loads(target.read_text()), text) == []


def test_the_docs_show_the_schema_line_on_every_whole_file():
    shown = docs_files()
    names = {body.split("name: ", 1)[1].split()[0] for _, body in shown if "name: " in body}
    # the reference's examples, every validation case, the working-time examples and the sweep file
    assert {"small-desk", "one-queue", "own-streams", "mmc-rho70", "tandem", "walk-through"} <= names
    assert any(MODELINE.search(body).group(1).endswith("sweep.schema.json") for _, body in shown)
    for doc in sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]:
        for body in FENCE.findall(doc.read_text()):
            if re.search(r"^horizon: ", body, re.MULTILINE) or body.startswith("# scenarios/sweeps/"):
                assert MODELINE.search(body), f"{doc.name}: a whole file without the schema line:\n{body[:200]}"


@pytest.mark.parametrize("name,body", docs_files(), ids=lambda v: v if isinstance(v, str) and "\n" not in v else "")
def test_every_file_in_the_docs_is_valid_against_its_schema(name, body):
    """The schema line is relative to where the file would be: the bundled file a block shows ('# scenarios/...'
    on its first line), else a file next to the docs (scenarios/ is beside docs/, so the same line works there)."""
    shown_as = re.match(r"# (scenarios/\S+\.yaml)\n", body)
    folder = (ROOT / shown_as.group(1)).parent if shown_as else ROOT if name.startswith("README") else ROOT / "docs"
    target = (folder / MODELINE.search(body).group(1)).resolve()
    assert target.is_file(), f"{name}: {target} does not exist"
    assert errors(json.loads(target.read_text()), body) == []


def small_desk() -> str:
    return (ROOT / "scenarios" / "small-desk.yaml").read_text()


@pytest.mark.parametrize("change,where", [
    (("    staff: 10", "    stafff: 10"), "groups.L1"),                      # a typo in a key
    (("horizon: 2000h", "horizon: 2000"), "horizon"),                        # a bare number for a duration
    (("rate: 9/h", "rate: 9"), "arrivals.rate"),                             # a bare number for a rate
    (("policy: priority", "policy: priorty"), "policy"),                     # an unknown strategy
    (("policy: priority", "policy: {kind: vip_lane, pickup_withn: 30m}"), "policy"),  # a strategy's key
    (("policy: priority", "policy: {kind: vip_lane, pickup_within: 30}"), "policy"),
    (("mean: 1h}", "mean: 1h, cv: 2}"), "groups.L1.work"),                   # cv is not exponential's
    (("name: small-desk", "name: small-desk\nreplication: 5"), ""),         # an unknown top-level key
])
def test_a_typo_is_flagged_by_the_schema_and_by_the_loader(tmp_path, change, where):
    old, new = change
    assert old in small_desk()
    text = small_desk().replace(old, new, 1)
    found = errors(scenario_schema(), text)
    assert found and any(e.startswith(f"{where}:") for e in found), found
    (tmp_path / "typo.yaml").write_text(text)
    assert main(["validate", str(tmp_path / "typo.yaml")]) == 2


DURATIONS = ["30m", "2.5h", "3d", "1w", "90s", "15 min", ".5h", "1e3s", "2hr", "30M", " 8h ",
             "30", "-1h", "1y", "h", "1.2.3h", "30 m s", "1h30m", "5sec"]
RATES = ["9/h", "40/d", "1.5 / w", "100/D", "9", "9/y", "/h", "9h", "-2/h"]


@pytest.mark.parametrize("kind,text", [("duration", d) for d in DURATIONS] + [("rate", r) for r in RATES])
def test_the_pattern_accepts_what_the_loader_accepts(kind, text):
    parse, pattern = (parse_duration, DURATION["pattern"]) if kind == "duration" else (parse_rate, RATE["pattern"])
    try:
        parse(text)
        accepted = True
    except ValueError:
        accepted = False
    assert bool(re.search(pattern, text)) == accepted


def test_every_key_has_a_description_and_durations_say_their_unit_and_default():
    schema = scenario_schema()
    undescribed = []

    def visit(node, path):
        if isinstance(node, dict):
            for key, field in node.get("properties", {}).items():
                if not field.get("description"):
                    undescribed.append(f"{path}.{key}")
            for key, value in node.items():
                visit(value, f"{path}/{key}")
        elif isinstance(node, list):
            for value in node:
                visit(value, path)

    visit(schema, "")
    visit(sweep_schema(), "sweep")
    assert undescribed == []
    warmup = schema["properties"]["warmup"]
    assert warmup["default"] == "0h" and "unit" in warmup["description"]
    lane = schema["definitions"]["policy.vip_lane"]["properties"]["pickup_within"]
    assert lane["default"] == "1h" and "'30m'" in lane["description"]
    assert schema["properties"]["policy"]["default"] == "fifo"
    assert schema["properties"]["replications"]["default"] == 10


def test_a_plugin_strategy_appears_in_what_schema_prints_but_not_in_the_committed_file(monkeypatch, capsys):
    class RoundRobinConfig(FifoConfig):
        kind: Literal["round_robin"] = "round_robin"  # type: ignore[assignment]  # as every strategy declares it
        turns: int = Field(1, ge=1, description="Tickets an engineer takes in a row.")

    class RoundRobin(Fifo):
        """``round_robin``: engineers take tickets in turn."""
        kind = "round_robin"
        Config = RoundRobinConfig

    RoundRobin.__module__ = "supportsim_plugin.round_robin"
    monkeypatch.setitem(strategies.REGISTRY, "round_robin", RoundRobin)
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    plugin = printed["definitions"]["policy.round_robin"]
    assert plugin["properties"]["turns"]["description"] == "Tickets an engineer takes in a row."
    assert plugin["description"] == "``round_robin``: engineers take tickets in turn."
    assert "round_robin" in printed["definitions"]["policy"]["anyOf"][0]["enum"]
    text = small_desk().replace("policy: priority", "policy: {kind: round_robin, turns: 3}")
    assert errors(printed, text) == []
    assert errors(json.loads((ROOT / "schema" / "scenario.schema.json").read_text()), text)
    assert main(["schema", "--builtin"]) == 0
    assert "round_robin" not in capsys.readouterr().out


def test_schema_writes_a_file_and_a_bad_target_is_one_line(tmp_path, capsys):
    assert main(["schema", "sweep", "--out", str(tmp_path / "sweep.schema.json")]) == 0
    assert json.loads((tmp_path / "sweep.schema.json").read_text())["title"] == "supportsim sweep file"
    assert main(["schema", "--out", str(tmp_path / "no" / "such" / "x.json" / "y")]) in (0, 2)
    (tmp_path / "folder").mkdir()
    assert main(["schema", "--out", str(tmp_path / "folder")]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_every_bundled_scenario_loads():  # the schema's verdict and the loader's agree on the bundled files
    for path in SCENARIOS:
        load_scenario(path)

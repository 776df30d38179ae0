"""The user-facing docs say what the program does: every scenario key documented, every output key documented,
every example loads (YAML) or runs (Python)."""

from __future__ import annotations

import re
import types
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
import yaml
from pydantic import BaseModel

import supportsim
from supportsim.scenario import Scenario
from supportsim.strategies import PolicyConfig, strategies

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "scenario-reference.md"
OUTPUTS = ROOT / "docs" / "outputs.md"
README = ROOT / "README.md"
OWN_DOCS = [REFERENCE, OUTPUTS, README]
ALL_DOCS = sorted((ROOT / "docs").glob("*.md")) + [README]
DISCRIMINATORS = ("dist", "kind")
FENCE = re.compile(r"^```(\S*)[ \t]*(.*?)\n(.*?)^```[ \t]*$", re.S | re.M)


def blocks(path: Path, language: str, marker: str | None = None) -> list[str]:
    """Fenced code blocks of a language; with ``marker``, only those whose info string carries it."""
    return [body for lang, info, body in FENCE.findall(path.read_text())
            if lang == language and (marker is None or marker in info.split())]


def placeholders(text: str) -> str:
    """`groups.<g>.staff` and `groups.<group>.staff` are the same key."""
    return re.sub(r"<[^<>`]*>", "<>", text)


# ---- every key of the scenario model is in the reference ------------------------------------------------------

def model_keys() -> tuple[set[str], dict[tuple[str, Any], list[str]]]:
    """Key paths of every field under Scenario ('groups.<>.work.default'), and the fields of each variant of a
    discriminated union (('dist', 'lognormal') -> ['mean', 'cv']), walking the whole model tree."""
    paths: set[str] = set()
    variants: dict[tuple[str, Any], list[str]] = {}
    seen: set[tuple[type, str]] = set()

    def walk(t: Any, path: str) -> None:
        while get_origin(t) is Annotated:
            t = get_args(t)[0]
        origin = get_origin(t)
        if origin in (Union, types.UnionType):
            for arg in get_args(t):
                walk(arg, path)
        elif origin in (dict, list, tuple, set, frozenset):
            args = get_args(t)
            if args:
                walk(args[-1] if origin is dict else args[0], f"{path}.<>")
        elif t is PolicyConfig:  # a policy: the settings of every registered strategy
            for strategy in strategies().values():
                walk(strategy.Config, path)
        elif isinstance(t, type) and issubclass(t, BaseModel):
            if (t, path) in seen:
                return
            seen.add((t, path))
            chooser = next((k for k in DISCRIMINATORS if k in t.model_fields), None)
            if chooser:  # a distribution or a policy: documented once, wherever it is used
                variants[(chooser, t.model_fields[chooser].default)] = [f for f in t.model_fields if f != chooser]
                for name, info in t.model_fields.items():
                    walk(info.annotation, f"{chooser}: {t.model_fields[chooser].default}.{name}")
                return
            for name, info in t.model_fields.items():
                child = f"{path}.{name}" if path else name
                paths.add(child)
                walk(info.annotation, child)

    walk(Scenario, "")
    return paths, variants


def test_the_model_walk_finds_what_the_issue_names():
    paths, variants = model_keys()
    assert {"name", "horizon", "warmup", "segments.<>.share", "groups.<>.staff", "groups.<>.work.by_priority",
            "groups.<>.escalate", "sla.<>.reaction", "arrivals.rate", "policy", "entry"} <= paths
    assert variants[("dist", "lognormal")] == ["mean", "cv"]
    assert variants[("dist", "triangular")] == ["low", "mode", "high"]
    assert {("kind", "fifo"), ("kind", "priority"), ("kind", "preemptive")} <= set(variants)


@pytest.mark.parametrize("path", sorted(model_keys()[0]))
def test_every_scenario_key_is_in_the_reference(path):
    text = placeholders(REFERENCE.read_text())
    assert f"`{path}`" in text, f"docs/scenario-reference.md does not document `{path}`"


@pytest.mark.parametrize("variant", sorted(model_keys()[1], key=str), ids=lambda v: f"{v[0]}-{v[1]}")
def test_every_distribution_and_policy_is_in_the_reference_with_its_keys(variant):
    chooser, name = variant
    rows = [line for line in REFERENCE.read_text().splitlines() if f"`{chooser}: {name}`" in line]
    assert rows, f"docs/scenario-reference.md has no row for `{chooser}: {name}`"
    for field in model_keys()[1][variant]:
        assert f"`{field}`" in rows[0], f"the row of `{chooser}: {name}` does not name `{field}`"


# ---- every example loads ---------------------------------------------------------------------------------------

def deep_merge(base: dict, change: dict) -> dict:
    """The desk with the fragment's changes; a mapping that names its own kind (a new distribution, work by
    class, a policy) replaces the old value instead of mixing keys into it."""
    out = dict(base)
    for key, value in change.items():
        replaces = not isinstance(value, dict) or {*DISCRIMINATORS, "default"} & set(value)
        out[key] = value if replaces or not isinstance(out.get(key), dict) else deep_merge(out[key], value)
    return out


@pytest.mark.parametrize("doc", OWN_DOCS, ids=lambda p: p.name)
def test_every_yaml_example_says_what_it_is(doc):
    for lang, info, body in FENCE.findall(doc.read_text()):
        if lang == "yaml":
            assert {"full-scenario", "fragment"} & set(info.split()), f"mark this block full-scenario or fragment:\n{body}"


FULL = [(doc, i, body) for doc in ALL_DOCS for i, body in enumerate(blocks(doc, "yaml", "full-scenario"))]


@pytest.mark.parametrize("doc,index,body", FULL, ids=[f"{d.name}-{i}" for d, i, _ in FULL])
def test_full_scenario_examples_load(tmp_path, doc, index, body):
    file = tmp_path / "example.yaml"
    file.write_text(body)
    scenario = supportsim.load_scenario(file)  # raises ScenarioError with the line if not
    assert all(rho < 1 for rho in scenario.offered_load().values()), "an example should be a desk that copes"


def test_the_reference_example_is_the_bundled_scenario():
    assert blocks(REFERENCE, "yaml", "full-scenario")[0] == (ROOT / "scenarios" / "small-desk.yaml").read_text()


FRAGMENTS = [(doc, i, body) for doc in OWN_DOCS for i, body in enumerate(blocks(doc, "yaml", "fragment"))]


@pytest.mark.parametrize("doc,index,body", FRAGMENTS, ids=[f"{d.name}-{i}" for d, i, _ in FRAGMENTS])
def test_fragments_are_valid_on_the_bundled_desk(doc, index, body):
    desk = yaml.safe_load((ROOT / "scenarios" / "small-desk.yaml").read_text())
    supportsim.load_scenario(deep_merge(desk, yaml.safe_load(body)))


# ---- every output key is in outputs.md, and its examples run --------------------------------------------------

@pytest.fixture(scope="module")
def small_result():
    desk = yaml.safe_load((ROOT / "scenarios" / "small-desk.yaml").read_text())
    return supportsim.simulate({**desk, "horizon": "300h", "warmup": "20h"}, replications=2, seed=3)


def summary_paths(summary: dict) -> set[str]:
    """Documented spelling of every key of a summary: names of variants, segments, groups, statistics as <>."""
    out = set()

    def walk(node: Any, parts: list[str]) -> None:
        if isinstance(node, dict) and set(node) == {"value", "ci95"}:
            out.add(".".join(parts))
            return
        if not isinstance(node, dict):
            out.add(".".join(parts))
            return
        for key, value in node.items():
            walk(value, parts + [key])

    base = dict(summary)
    variants = base.pop("variants")
    walk(base, [])
    out.add("variants.<>")
    for figures in variants.values():
        for section, members in figures.items():
            for member in members.values():
                for path in _leaf_paths(member):
                    parts = path.split(".")
                    if parts[0] in MEASURES and len(parts) == 2:
                        parts[1] = "<>"  # the statistic
                    if parts[0] == "queue_wait" and len(parts) == 3:
                        parts[1] = "<>"  # the segment
                    if parts[0] == "by_type":
                        parts[1] = "<>"  # the ticket type
                    out.add(".".join([section, "<>", *parts]))
    return out


MEASURES = ("reaction", "resolution", "reaction_business", "resolution_business")


def _leaf_paths(node: dict, prefix: str = "") -> list[str]:
    if not isinstance(node, dict) or set(node) in ({"value", "ci95"}, {"ratio", "ci95"}):  # a word, an estimate, a ratio
        return [prefix]
    return [p for key, value in node.items() for p in _leaf_paths(value, f"{prefix}.{key}" if prefix else key)]


@pytest.fixture(scope="module")
def bundled_results(small_result):
    """Every bundled scenario, shortened: between them they produce every key (variants and vs_baseline,
    business-clock figures, OLAs, bursts)."""
    results = [small_result]
    for name in ("office-hours-desk", "vip-no-extra-staff", "software-vendor"):
        data = yaml.safe_load((ROOT / "scenarios" / f"{name}.yaml").read_text())
        results.append(supportsim.simulate({**data, "horizon": "300h", "warmup": "20h"}, replications=2, seed=3))
    return results


def test_every_summary_key_is_in_outputs_md(bundled_results):
    text = placeholders(OUTPUTS.read_text())
    paths = set().union(*(summary_paths(result.summary()) for result in bundled_results))
    assert {"baseline", "tiers.<>.tickets", "vs_baseline.<>.reaction.<>", "segments.<>.reaction_business.<>",
            "groups.<>.ola_met", "groups.<>.queue_wait.<>.mean"} <= paths
    missing = [p for p in sorted(paths) if f"`{p}`" not in text]
    assert not missing, f"docs/outputs.md does not document {missing}"


def profile_paths(profiles: dict) -> set[str]:
    """Key paths of profiles.json, with variant and group names as <>."""
    out = {key for key, value in profiles.items() if not isinstance(value, dict)}
    out |= {f"{key}.{sub}" for key, value in profiles.items() if isinstance(value, dict) and key != "variants"
            for sub in value}
    out.add("variants.<>")
    for figures in profiles["variants"].values():
        for key, value in figures.items():
            if key == "groups":
                out |= {f"groups.<>.{figure}" for group in value.values() for figure in group}
            elif isinstance(value, dict):
                out |= {f"{key}.{sub}" for sub in value}
            else:
                out.add(key)
    return out


def test_every_profiles_json_key_is_in_outputs_md(bundled_results):
    text = placeholders(OUTPUTS.read_text())
    paths = set().union(*(profile_paths(result.profiles()) for result in bundled_results))
    assert {"hour_of_week", "arrivals_per_hour", "groups.<>.utilization", "backlog_over_time.values"} <= paths
    missing = [p for p in sorted(paths) if f"`{p}`" not in text]
    assert not missing, f"docs/outputs.md does not document these keys of profiles.json: {missing}"


def test_every_tickets_csv_column_is_in_outputs_md(bundled_results):
    headers = [result.tickets_csv().splitlines()[0].split(",") for result in bundled_results]
    columns = {column for header in headers for column in header}
    assert {"reaction_sla_met", "resolution_sla_met", "reaction_business", "burst"} <= columns
    text = OUTPUTS.read_text()
    missing = [column for column in sorted(columns) if f"| `{column}` |" not in text]
    assert not missing, missing


def test_python_examples_in_outputs_md_run(small_result, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    small_result.save(tmp_path / "results" / "small-desk")
    examples = blocks(OUTPUTS, "python")
    assert len(examples) == 2
    try:
        import pandas  # noqa: F401  (an optional extra; the example that needs it runs where it is installed)
        runnable = examples
    except ImportError:
        runnable = [code for code in examples if "import pandas" not in code]
    for code in runnable:
        exec(compile(code, str(OUTPUTS), "exec"), {})
    assert {p.name for p in (tmp_path / "results" / "my-run").iterdir()} == \
        {"summary.json", "tickets.csv", "scenario.resolved.yaml", "profiles.json", "manifest.json"}


# ---- README -----------------------------------------------------------------------------------------------------

README_COMMANDS = ["python3 -m venv .venv && . .venv/bin/activate",
                   'python3 -m pip install -e ".[test]" && supportsim run scenarios/vip-no-extra-staff.yaml',
                   "python3 -m pytest -q"]


def test_readme_opens_with_a_virtual_environment_and_the_two_commands_and_ci_runs_the_same():
    text = README.read_text()
    first_block = FENCE.search(text)
    assert first_block and first_block.group(3).splitlines() == README_COMMANDS
    assert "VIP" in text[:first_block.start()], "the README opens with what supportsim is for"
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [line.strip() for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert commands.index(README_COMMANDS[0]) < commands.index("python -m pip install -q --upgrade pip")
    # CI runs inside a fresh venv, where `python` is that venv's python3; -q only quiets pip
    assert 'python -m pip install -q -e ".[test]" && supportsim run scenarios/vip-no-extra-staff.yaml' in commands
    assert commands[-1] == "python -m pytest -q"


def test_ci_runs_the_readmes_lint_and_type_checks():
    text = README.read_text()
    section = text[text.index("## Checking the code"):]
    command = FENCE.search(section).group(3).strip()
    assert command == 'python3 -m pip install -e ".[lint]" && ruff check . && mypy'
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    # CI runs inside its fresh venv (`python`), -q only quiets pip
    assert command.replace("python3 -m pip install -e", "python -m pip install -q -e") in ci


def test_readme_links_resolve():
    for target in re.findall(r"\]\(([^)#]+)\)", README.read_text()):
        assert (ROOT / target).exists(), target


def test_python_example_in_readme_runs(monkeypatch):
    monkeypatch.chdir(ROOT)
    for code in blocks(README, "python"):
        exec(compile(code, str(README), "exec"), {})

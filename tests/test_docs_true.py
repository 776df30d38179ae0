"""The docs stay true: every link and every file a page names exists in the repository (nothing outside it),
and the generated pages say which command regenerates them and cover every current case, strategy and
section, whatever their seeded numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from supportsim import load_scenario
from supportsim.against_theory import CASES
from supportsim.schema import builtin_strategies

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
TOP = {p.name for p in ROOT.iterdir() if p.name not in (".git", "build", ".pytest_cache", ".venv")} | {"supportsim"}
OUTPUTS = "results/"          # where commands write: a page may name what a run will create there
COMMITTED_OUTPUTS = "results/baselines/"
PLACEHOLDER = re.compile(r"[<>*{}]")
LINK = re.compile(r"\]\(([^)\s]+)\)")
PATH = re.compile(r"(?<![\w/.<~-])((?:\.?[\w.-]+/)+[\w.<>*{}-]*)")
ABSOLUTE = re.compile(r"(?<![\w.~/<>:-])(/(?:[\w.-]+/)+[\w.-]+)")
SYSTEM = ("/proc/", "/dev/", "/usr/", "/etc/", "/bin/")
GENERATED = {
    "against-theory.md": "PYTHONPATH=src python scripts/against_theory.py",
    "vip-policies.md": "PYTHONPATH=src python scripts/vip_policies_report.py",
    "performance.md": "python -m supportsim.bench --write docs/performance.md",
}


def named_paths(text: str) -> list[str]:
    """Repository paths a page names: anything starting with a top-level entry of the repository (docs/,
    scenarios/, src/, schema/...) or with supportsim/ (which must be written src/supportsim/...), left out
    placeholders (results/<name>) and globs (scenarios/**)."""
    found = []
    for match in PATH.finditer(text):
        path = match.group(1).rstrip(".")
        if path.split("/")[0] in TOP and not PLACEHOLDER.search(path):
            found.append(path)
    return found


def test_the_checker_sees_what_it_must():
    text = "see `docs/nothing.md`, [x](missing.md), `src/supportsim/none.py` and `/work/shared/theory.md`"
    assert named_paths(text) == ["docs/nothing.md", "src/supportsim/none.py"]
    assert LINK.findall(text) == ["missing.md"]
    assert ABSOLUTE.findall(text) == ["/work/shared/theory.md"]
    assert named_paths("writes `results/<name>/` and `scenarios/**`") == []
    assert named_paths("(`supportsim/bench/models.py`)") == ["supportsim/bench/models.py"]  # it is src/supportsim/...


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_resolves(page):
    for target in LINK.findall(page.read_text()):
        target = target.split("#")[0]
        if not target or "://" in target or not ("." in target or "/" in target):
            continue  # an anchor, a web address, or E[W](x) in a formula
        assert (page.parent / target).exists(), f"{page.name} links to {target}, which does not exist"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_named_file_exists_in_the_repository(page):
    missing = []
    for path in named_paths(page.read_text()):
        if path.startswith(OUTPUTS) and not path.startswith(COMMITTED_OUTPUTS):
            continue
        if not ((ROOT / path).exists() or (page.parent / path).exists()):
            missing.append(path)
    assert not missing, f"{page.name} names files the repository does not have: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_page_names_a_file_outside_the_repository(page):
    outside = [p for p in ABSOLUTE.findall(page.read_text()) if not p.startswith(SYSTEM)]
    assert not outside, f"{page.name} names files outside the repository: {outside}"


@pytest.mark.parametrize("page,command", GENERATED.items())
def test_a_generated_page_says_which_command_regenerates_it(page, command):
    assert command in (ROOT / "docs" / page).read_text(), f"docs/{page} should say: regenerate with {command}"
    script = re.search(r"scripts/\S+\.py", command)
    assert script is None or (ROOT / script.group(0)).is_file()


def test_the_validation_page_shows_every_case():
    page = (ROOT / "docs" / "against-theory.md").read_text()
    for case in CASES:
        assert f"### {case.name}: {case.title}" in page, f"docs/against-theory.md lacks case {case.name}: " \
                                                         f"run {GENERATED['against-theory.md']}"
        assert f"| {case.name} |" in page


def test_the_vip_page_covers_every_built_in_strategy():
    """A section per strategy, and the generated table has a row for every variant of the bundled scenario,
    which runs every strategy."""
    page = (ROOT / "docs" / "vip-policies.md").read_text()
    headings = " ".join(re.findall(r"^### (.*)$", page, re.MULTILINE))
    table = re.search(r"<!-- generated: table -->\n(.*?)<!-- end generated: table -->", page, re.DOTALL).group(1)
    variants = load_scenario(ROOT / "scenarios" / "vip-no-extra-staff.yaml").variants
    kinds = {name: v["policy"] if isinstance(v["policy"], str) else v["policy"]["kind"] for name, v in variants.items()}
    assert set(kinds.values()) == set(builtin_strategies()), "the bundled comparison should run every strategy"
    for kind in builtin_strategies():
        assert f"`{kind}`" in headings, f"docs/vip-policies.md has no section for `{kind}`"
    for name in variants:
        assert re.search(rf"^{re.escape(name)}\b", table, re.MULTILINE), \
            f"the generated table lacks variant {name}: run {GENERATED['vip-policies.md']}"


def test_the_performance_page_has_every_part_of_the_benchmark():
    from supportsim.bench.runs import R2_FILE

    page = (ROOT / "docs" / "performance.md").read_text()
    generated = re.search(r"<!-- benchmark figures: .*?-->(.*)<!-- end of benchmark figures -->", page, re.DOTALL).group(1)
    for heading in ("### Targets", "### R1:", "### R1 scaled", f"### R2: `{R2_FILE}`", "### Memory", "### Scaling",
                    "### Staffing search"):
        assert heading in generated, f"docs/performance.md lacks '{heading}': run {GENERATED['performance.md']}"
    for implementation in ("supportsim", "Ciw", "plain SimPy", "heapq", "Cobham"):
        assert implementation in generated


# ---- units in prose -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("hours,written", [
    ((100, 1200), ["100h", "1200h"]),     # not '100h to 50d'
    ((336, 4368), ["2w", "26w"]),
    ((0, 2000), ["0h", "2000h"]),
    ((100.5, 1000), ["100.5h", "1000h"]),
    ((0.25, 1.5), ["15m", "90m"]),
])
def test_a_window_is_written_in_one_unit(hours, written):
    from supportsim.report.figures import in_one_unit
    from supportsim.units import parse_duration

    assert in_one_unit(*hours) == written
    assert [parse_duration(text) for text in written] == list(hours)


def test_the_report_header_and_description_use_one_unit(tmp_path):
    from supportsim.report.describe import describe_scenario
    from supportsim.report.html import _meta

    class Results:
        summary = {"replications": 2, "seed": 1, "window": {"from": 100.0, "to": 1200.0}}

    assert "tickets arriving from 100h to 1200h counted" in _meta(Results())
    desk = load_scenario(ROOT / "scenarios" / "vip-no-extra-staff.yaml")
    data = {**desk.model_dump(mode="json"), "horizon": "1200h", "warmup": "100h"}
    text = describe_scenario(data, desk, None)
    assert "Arrivals run for 1200h (50 days); tickets of the first 100h (warm-up) are not counted." in text

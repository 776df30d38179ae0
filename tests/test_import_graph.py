"""The package's import graph is a stack of layers without cycles.

Every import counts: at module level, inside functions (an import hidden in a function still makes a cycle) and
under ``if TYPE_CHECKING`` (a type-only import still ties the two modules together). A module may import from
its own layer and the layers below it, never from a layer above, and no set of modules imports itself round.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "supportsim"

LAYERS: list[tuple[str, list[str]]] = [
    # lowest first; names relative to the package, "x.*" for every module of the subpackage x
    ("units, calendars and the file system", ["_version", "units", "wording", "calendar", "theory", "extras", "progress",
                                              "junit", "model", "limits", "safe_yaml", "targets", "lifeline",
                                              "manifest", "zones", "workdays", "formats"]),
    ("scenario model", ["distributions", "customers", "contracts", "visits", "ticket_types", "customer_waits", "special_days", "service_targets", "skills", "priorities", "triage", "callbacks", "arrival_calendar", "working_time", "routing", "strategies", "strategies.*", "scenario",
                        "variants", "trace", "problems", "ticket_checks", "contract_checks", "consistency", "loader", "grid", "plan", "budget", "workforce",
                        "sensitivity", "roster_spec"]),
    ("tickets", ["lifecycle", "tickets", "visit_attributes", "backlog", "cards", "points"]),
    ("records", ["records"]),
    ("engine", ["returns", "engine_groups", "engine"]),
    ("statistics", ["lifecycle_figures", "contract_stats", "stats", "weeks", "profiles", "checks"]),
    ("admission", ["admit"]),
    ("results and report", ["results", "baseline", "tables", "contract_tables", "report", "report.*"]),
    ("api", ["workers", "sweeps", "staffing", "staffing_output", "staffing_by_hour", "roster", "roster_output", "api", "ci", "against_theory", "bench", "bench.*", "export", "fitting",
             "fitting.*", "backtesting", "backtesting.*", "schema", ""]),
    ("cli", ["cli_parser", "cli", "by_hour_cli", "__main__"]),
]
"""The records of a replication sit below the engine that writes them, so statistics, results and reports
read records without importing the engine (and SimPy). Admission (:mod:`supportsim.admit`, the one way in
for every command) checks a scenario's ``checks:`` too, so it sits on the statistics."""


def modules() -> dict[str, Path]:
    """Module name relative to the package ("" for the package itself) -> file."""
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package modules ``name`` imports, wherever the import statement is."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    package = [p for p in package if p]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            elif node.module and (node.module == "supportsim" or node.module.startswith("supportsim.")):
                module = node.module.removeprefix("supportsim").lstrip(".")
            else:
                continue
            for alias in node.names:
                submodule = f"{module}.{alias.name}".lstrip(".")
                found.add(submodule if submodule in known else module)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "supportsim" or alias.name.startswith("supportsim."):
                    found.add(alias.name.removeprefix("supportsim").lstrip("."))
    found.discard(name)
    return {m for m in found if m in known}


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports(name, path, set(found)) for name, path in found.items()}


def layer_of(name: str) -> int:
    for index, (_, members) in enumerate(LAYERS):
        for member in members:
            if name == member or (member.endswith(".*") and name.startswith(member[:-1])):
                return index
    raise LookupError(name)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return out


def test_the_graph_is_read_from_the_sources():
    edges = graph()
    assert {"engine", "stats", "records", "report.html", "cli", ""} <= set(edges)
    assert "records" in edges["engine"] and "records" in edges["stats"]
    assert "report.data" in edges["report.folder"] and "report.optional" in edges["report.folder"]


def test_no_module_imports_itself_round():
    assert cycles(graph()) == []


def test_the_cycle_finder_sees_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_module_has_a_layer():
    unplaced = [name for name in graph() if not _placed(name)]
    assert not unplaced, f"place these modules in a layer of LAYERS in {Path(__file__).name}: {unplaced}"


def _placed(name: str) -> bool:
    try:
        layer_of(name)
    except LookupError:
        return False
    return True


def test_no_module_imports_from_a_layer_above_its_own():
    upward = [f"{name} ({LAYERS[layer_of(name)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})"
              for name, targets in sorted(graph().items()) if _placed(name)
              for target in sorted(targets) if _placed(target) and layer_of(target) > layer_of(name)]
    assert upward == []


@pytest.mark.parametrize("module", ["supportsim.stats", "supportsim.results", "supportsim.profiles",
                                    "supportsim.report", "supportsim.loader"])
def test_statistics_results_and_reports_load_without_the_engine(module):
    code = f"import sys, {module}; print(sorted(m for m in ('simpy', 'supportsim.engine') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"

"""The shape of the code (docs/architecture.md), checked: which way imports point, no cycles,
small modules, one clock, and commands only through the application's named use cases."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "store", "services", "projections", "consumers", "api", "demo")
# What each layer may import of ours (besides itself).
MAY_IMPORT = {
    "domain": set(),
    "store": {"domain"},
    "services": {"domain", "store"},
    "projections": {"domain", "store", "services"},
    "consumers": {"domain", "store", "services", "projections"},
    "demo": {"domain", "store", "services"},
    "api": {"domain", "store", "services", "projections", "consumers", "demo"},
}
MAX_LINES = 400


def modules(packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    found = {}
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(path: Path, known: dict[str, Path]) -> set[str]:
    """The project's modules that `path` imports (TYPE_CHECKING imports too)."""
    named: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            named.add(node.module)
            named.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in named if name in known}


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(group)

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_layers_import_only_inward_and_no_module_imports_itself_in_a_circle() -> None:
    known = modules()
    graph = {name: imports_of(path, known) - {name} for name, path in known.items()}
    outward = [
        f"{name} imports {other}"
        for name, others in graph.items()
        for other in others
        if other.split(".")[0] != name.split(".")[0]
        and other.split(".")[0] not in MAY_IMPORT[name.split(".")[0]]
    ]
    assert outward == []
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def test_no_module_is_over_400_lines() -> None:
    long = {
        name: lines
        for name, path in modules((*PACKAGES, "bench", "tests")).items()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_only_the_clock_reads_the_time() -> None:
    reading = re.compile(r"\b(datetime\.now|datetime\.utcnow|date\.today)\(")
    readers = [name for name, path in modules().items() if reading.search(path.read_text())]
    assert readers == ["services.clock"]


def test_routers_pages_and_consumers_call_use_cases_by_name() -> None:
    """Only services/ loads, decides and saves: nothing else hands the application a decision."""
    generic = re.compile(
        r"\.(change|create|_on_case|_on_practitioner)\(|lambda (case|practitioner)\b"
    )
    callers = [
        name
        for name, path in modules().items()
        if name.split(".")[0] in ("api", "consumers") and generic.search(path.read_text())
    ]
    assert callers == []

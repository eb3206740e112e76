"""The layout holds: no import cycles, capabilities free of request state, small modules.

import-linter (run by `make test`) holds the layer order; these hold what it cannot say."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

from collab.platform.config import ROOT

CAPABILITIES = (
    "accounts",
    "audits",
    "notifications",
    "kpis",
    "work",
    "impacts",
    "training",
    "followup",
    "demo",
    "integrations",
    "reports",
    "models",
    "platform",
)
REQUEST_STATE = {"flask": {"request", "g", "session"}, "flask_login": {"current_user"}}
MAX_LINES = 450
# Issue 9 split these; the list stays, empty, for whatever grows too long next.
NOT_YET_SPLIT: set[str] = set()
NOT_YET_FREE_OF_REQUEST_STATE: set[str] = set()


def _python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def _is_own_submodule(importer: str, imported: str) -> bool:
    # A package's __init__ gathering its own submodules is how Python packages work.
    return imported.startswith(importer + ".")


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    edges = {
        module: sorted(
            m
            for m in graph.find_modules_directly_imported_by(module)
            if not _is_own_submodule(module, m)
        )
        for module in graph.modules
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_module_imports_itself_through_others():
    # grimp reads every import statement, those inside functions included.
    graph = grimp.build_graph("collab", "workers")
    assert _cycles(graph) == []


def test_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for a, b in (("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")):
        graph.add_import(importer=a, imported=b)
    assert _cycles(graph) == [["p.a", "p.b", "p.c"]]


@pytest.mark.parametrize("package", CAPABILITIES)
def test_capabilities_never_read_request_state(package):
    offenders = []
    for path in _python_files(f"collab/{package}"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in REQUEST_STATE:
                names = {alias.name for alias in node.names} & REQUEST_STATE[node.module]
                relative = str(path.relative_to(ROOT))
                if names and relative not in NOT_YET_FREE_OF_REQUEST_STATE:
                    offenders.append(f"{relative}: {', '.join(sorted(names))}")
    assert offenders == []


def test_modules_stay_small():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _python_files("collab", "workers")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert set(long) == NOT_YET_SPLIT

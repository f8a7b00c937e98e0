"""No module of the package imports, while it is being imported, a module that imports it back:
such a cycle works only in one import order, so a test that imports the other module first
(``pytest tests/unit/test_timeline_values.py`` alone: cli.timeline before cli.render) fails
with a half-initialised module. Read from the source: module-level imports (not those inside a
function, which run later, nor ``if TYPE_CHECKING:`` blocks, which never run)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("mediation", "cli")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _top_imports(body: list[ast.stmt]) -> list[ast.Import | ast.ImportFrom]:
    """The imports a module runs when it is imported: at its top level, in ``try`` and in
    ``if`` blocks (other than ``if TYPE_CHECKING:``), never in a function or class body."""
    found: list[ast.Import | ast.ImportFrom] = []
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If) and not _type_checking(node):
            found += _top_imports(node.body) + _top_imports(node.orelse)
        elif isinstance(node, ast.Try):
            found += _top_imports(node.body) + _top_imports(node.orelse)
            found += _top_imports(node.finalbody)
    return found


def _package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def imports_at_import_time() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        edges: set[str] = set()
        for node in _top_imports(ast.parse(path.read_text("utf-8")).body):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = _package_of(module, path).split(".")
                    anchor = anchor[:len(anchor) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                names = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                         for a in node.names]
            edges |= {n for n in names if n in modules and n != module}
        graph[module] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each module that is on one (depth-first, each reported once)."""
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(module, ())):
            if nxt in path:
                cycle = [*path[path.index(nxt):], nxt]
                if not set(cycle) <= done:
                    found.append(cycle)
                    done.update(cycle)
            elif nxt not in done:
                visit(nxt, [*path, nxt])
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            visit(module, [module])
    return found


def test_the_checker_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_back() -> None:
    graph = imports_at_import_time()
    assert graph["cli.render"] >= {"cli.tables", "cli.timeline"}  # the reader reads imports
    found = cycles(graph)
    assert not found, "\n".join(" -> ".join(c) for c in found)

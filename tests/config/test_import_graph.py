"""The configuration package has no import cycle: every module can be read bottom-up."""

from __future__ import annotations

import ast
from pathlib import Path

import omnihub.config

PACKAGE = Path(omnihub.config.__file__).parent


def _imports(path: Path) -> set[str]:
    """Modules of omnihub.config that `path` imports, at any depth of its code."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m.startswith("omnihub.config.")}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> list[str] | None:
        state[module] = 1
        for dep in sorted(graph.get(module, ())):
            if state.get(dep) == 1:
                return [*trail, module, dep]
            if dep not in state and (found := visit(dep, [*trail, module])):
                return found
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (found := visit(module, [])):
            return found
    return None


def test_config_modules_import_each_other_without_a_cycle() -> None:
    graph = {
        f"omnihub.config.{path.stem}": _imports(path)
        for path in PACKAGE.glob("*.py")
        if path.stem != "__init__"
    }
    assert {"omnihub.config.rules", "omnihub.config.edi_rules"} <= set(graph)
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]

"""The dependency direction of the top-level packages, read from every module's imports.

`omnihub` (the shared core) and `transforms` (pure data) sit below the parts that use
them: a module of theirs that imports a package above names itself here, with the line,
whether the import is at module level or inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "omnihub": {"gateway", "connectors", "sandbox", "hub"},
    "transforms": {"omnihub", "gateway", "connectors", "sandbox", "hub"},
}


def imported_packages(tree: ast.AST) -> list[tuple[int, str]]:
    """Every (line, top-level package) the module imports, absolute imports only."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name.split(".")[0]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


def offenders(package: str, forbidden: set[str]) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for line, imported in imported_packages(tree):
            if imported in forbidden:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    return found


def test_the_shared_core_imports_nothing_above_it() -> None:
    assert offenders("omnihub", FORBIDDEN["omnihub"]) == []


def test_transforms_import_none_of_the_other_packages() -> None:
    assert offenders("transforms", FORBIDDEN["transforms"]) == []


def test_the_scan_names_an_offender() -> None:
    tree = ast.parse("import os\n\ndef f():\n    from gateway.edge import app\n")
    assert (4, "gateway") in imported_packages(tree)

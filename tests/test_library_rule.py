"""Third-party libraries only through their public API (docs/architecture.md): outside the
adapter modules, no product module reads or writes a private attribute of an object that
is not its own, subclasses a private class, or imports from a library's private module.
The scan reads the source with `ast` and names each offender with its line.

What is "its own": `self._x` and `cls._x`, and `obj._x` where the product itself defines
`_x` (a `def _x`, a `self._x =`, a class attribute); a standard-library module's names
are not third-party. Anything else spelled `obj._x`, any getattr/setattr/hasattr of a
literal private name on something other than self, and aiormq's channel internals that
carry no underscore (`INTERNALS`) count as another library's state.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("gateway", "omnihub", "connectors", "transforms", "hub", "sandbox")
ADAPTERS = {"omnihub/adapters/aiormq_publish.py", "gateway/ingest/autopipeline.py"}
LIBRARIES = {
    "aiormq", "aio_pika", "redis", "uvicorn", "litestar", "httpx", "pamqp", "hiredis", "coredis",
}  # fmt: skip
ATTRIBUTE_FUNCTIONS = {"getattr", "setattr", "hasattr", "delattr"}
# Library internals spelled without an underscore: aiormq's channel bookkeeping and frames.
INTERNALS = {"confirmations", "message_id_delivery_tag", "write_queue", "ChannelFrame"}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _sources() -> Iterator[tuple[str, ast.Module]]:
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield str(path.relative_to(ROOT)), ast.parse(path.read_text(), filename=str(path))


def own_private_names(trees: list[ast.Module]) -> set[str]:
    """Private names the product defines: functions, classes, attributes, module globals."""
    names: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.add(node.target.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.Constant) and str(node.value).isidentifier():
                names.add(str(node.value))  # __slots__ entries
    return {n for n in names if _private(n)}


def offenders_in(path: str, tree: ast.Module, own: set[str]) -> list[str]:
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in INTERNALS:
            found.append(f"{path}:{node.lineno} uses the library internal .{node.attr}")
        elif isinstance(node, ast.Attribute) and _private(node.attr):
            receiver = node.value
            named = receiver.id if isinstance(receiver, ast.Name) else ""
            # the standard library is not third-party (argparse._SubParsersAction in hints)
            mine = named in ("self", "cls") or named in sys.stdlib_module_names
            if not mine and node.attr not in own:
                found.append(f"{path}:{node.lineno} reads or writes private .{node.attr}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in ATTRIBUTE_FUNCTIONS and len(node.args) >= 2:
                receiver, name = node.args[0], node.args[1]
                mine = isinstance(receiver, ast.Name) and receiver.id in ("self", "cls")
                if isinstance(name, ast.Constant) and _private(str(name.value)) and not mine:
                    found.append(
                        f"{path}:{node.lineno} {node.func.id}(..., {name.value!r}): private"
                    )
        elif isinstance(node, ast.ClassDef):
            for base in node.bases:
                named = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
                if _private(named) and named not in own:
                    found.append(f"{path}:{node.lineno} subclasses the private class {named}")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] in LIBRARIES:
                if any(_private(p) for p in parts):
                    found.append(f"{path}:{node.lineno} imports the private module {node.module}")
                for alias in node.names:
                    if _private(alias.name) or alias.name in INTERNALS:
                        found.append(
                            f"{path}:{node.lineno} imports private {alias.name} from {node.module}"
                        )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] in LIBRARIES and any(_private(p) for p in parts):
                    found.append(f"{path}:{node.lineno} imports the private module {alias.name}")
    return found


def test_no_private_library_state_outside_the_adapters() -> None:
    sources = list(_sources())
    own = own_private_names([tree for _, tree in sources])
    found = [
        offence
        for path, tree in sources
        if path not in ADAPTERS
        for offence in offenders_in(path, tree, own)
    ]
    assert found == []


def test_the_adapters_exist_and_are_the_ones_that_need_the_exemption() -> None:
    sources = dict(_sources())
    own = own_private_names(list(sources.values()))
    for adapter in ADAPTERS:
        assert offenders_in(adapter, sources[adapter], own), f"{adapter} needs no exemption"


def test_the_scan_names_each_kind_of_offence() -> None:
    code = (
        "from httpx._client import Client\n"
        "from redis.asyncio.connection import _Private\n"
        "import litestar._asgi\n"
        "class P(uvicorn._Protocol): ...\n"
        "writer = connection._writer\n"
        "channel._delivery_tag = 1\n"
        "getattr(connection, '_writer')\n"
        "self._mine = 1\n"
        "from aiormq.abc import ChannelFrame\n"
        "channel.confirmations[tag] = future\n"
        "other._ours = 2\n"
        "argparse._SubParsersAction\n"
    )
    found = offenders_in("x.py", ast.parse(code), own={"_ours", "_mine"})
    expected = [f"x.py:{n}" for n in (1, 2, 3, 4, 5, 6, 7, 9, 10)]
    lines = {int(line.split(" ", 1)[0].split(":")[1]) for line in found}
    assert [f"x.py:{n}" for n in sorted(lines)] == expected
    assert any("subclasses the private class _Protocol" in line for line in found)

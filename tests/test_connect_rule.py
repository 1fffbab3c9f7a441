"""Tests open aio-pika connections only through tests/support/connections.py.

`aio_pika.connect` and `aio_pika.connect_robust` leave the connection object of a failed
attempt open; the garbage collector closes it later with `asyncio.ensure_future`, in
whatever thread it runs, and a later test fails with "coroutine 'Connection.close' was
never awaited". `connect_broker` and `connect_broker_robust` (tests/support/connections.py)
go through `omnihub.broker.nodes`, which closes it. The scan reads every module under
tests/ with `ast` and names each use of the two functions with its line: a call, a
reference (passed as a factory), an import by name, through any alias of the module.
"""

from __future__ import annotations

import ast
import asyncio
import gc
import logging
from collections.abc import Iterator
from pathlib import Path

import aio_pika
import pytest

from tests.support.connections import connect_broker, connect_broker_robust
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
MODULES = {"aio_pika", "aio_pika.connection", "aio_pika.robust_connection"}
FUNCTIONS = {"connect", "connect_robust"}


def _sources() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(TESTS.rglob("*.py")):
        yield str(path.relative_to(ROOT)), ast.parse(path.read_text(), filename=str(path))


def offenders_in(path: str, tree: ast.Module) -> list[str]:
    aliases = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name in MODULES
    }
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in FUNCTIONS:
            if ast.unparse(node.value) in aliases:
                found.append((node.lineno, f"{path}:{node.lineno} uses {ast.unparse(node)}"))
        elif isinstance(node, ast.ImportFrom) and node.module in MODULES and node.level == 0:
            for alias in node.names:
                if alias.name in FUNCTIONS:
                    line = f"{path}:{node.lineno} imports {alias.name} from {node.module}"
                    found.append((node.lineno, line))
    return [line for _, line in sorted(found)]


def test_no_test_connects_with_aio_pika_connect_directly() -> None:
    found = [offence for path, tree in _sources() for offence in offenders_in(path, tree)]
    assert found == [], "connect through tests.support.connections (connect_broker)"


def test_the_scan_names_each_kind_of_use() -> None:
    code = (
        "import aio_pika\n"
        "import aio_pika as ap\n"
        "from aio_pika import connect_robust\n"
        "from aio_pika.connection import connect as c\n"
        "connection = await aio_pika.connect(url)\n"
        "robust = await ap.connect_robust(url, timeout=5)\n"
        "factory = aio_pika.connect\n"
        "connection = await connect_broker(url)\n"
        "aio_pika.Message(b'')\n"
        "other.connect(url)\n"
    )
    found = offenders_in("x.py", ast.parse(code))
    assert [line.split(" ", 1)[0] for line in found] == [f"x.py:{n}" for n in (3, 4, 5, 6, 7)]


def _unclosed_garbage() -> int:
    """Collect in this thread, as the collector may at any time: the garbage's finalizers
    (an unclosed connection's `__del__` warns here) run, and the unclosed aio-pika
    connections among it are counted (DEBUG_SAVEALL keeps them for that)."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        return sum(isinstance(o, aio_pika.Connection) and not o.is_closed for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


async def test_a_refused_connect_leaves_nothing_for_a_collection_in_another_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = f"amqp://guest:guest@127.0.0.1:{free_port()}/"
    # aiormq logs the refusal with its exception, and pytest keeps the record (and through
    # the exception's traceback the connection) until the test ends: unlogged, the failed
    # attempts' objects are garbage at once, as they are after the test in a suite run.
    monkeypatch.setattr(logging.getLogger("aiormq.connection"), "disabled", True)
    gc.collect()
    gc.disable()  # the failed attempts' garbage waits for the collection in the thread
    try:
        for connect in (connect_broker, connect_broker_robust):
            with pytest.raises(ConnectionError):
                await connect(url, timeout=2)
        left = await asyncio.to_thread(_unclosed_garbage)
    finally:
        gc.enable()
    assert left == 0

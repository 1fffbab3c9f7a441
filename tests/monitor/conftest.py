"""Fixtures of the monitor tests: the sandbox. Each test takes a database of its own
(`own_settings`, tests/conftest.py): exceptions are global to a database, and a monitor
resolves what it no longer sees."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from sandbox.testing import SandboxServer, running_sandbox
from tests.connectors.harness import delete_declared


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[SandboxServer]:
    with running_sandbox() as server:
        yield server


@pytest.fixture
async def sandbox(sandbox_server: SandboxServer) -> AsyncIterator[SandboxServer]:
    sandbox_server.control.reset()
    yield sandbox_server
    await delete_declared()

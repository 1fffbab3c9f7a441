"""A sandbox for the connector tests (one per module), reset before each test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from sandbox.testing import SandboxServer, running_sandbox
from tests.connectors.harness import delete_declared


@pytest.fixture(autouse=True)
async def _delete_queues_afterwards() -> AsyncIterator[None]:
    yield
    await delete_declared()


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[SandboxServer]:
    with running_sandbox() as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: SandboxServer) -> SandboxServer:
    sandbox_server.control.reset()
    return sandbox_server

"""Fixtures of the monitor tests: a database of each test's own (exceptions are global to
a database, and a monitor resolves what it no longer sees), the sandbox, and settings."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator

import msgspec
import pytest

from omnihub.settings import Settings
from sandbox.testing import SandboxServer, running_sandbox
from tests.connectors.harness import delete_declared
from tests.support.services import TestDatabase


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[SandboxServer]:
    with running_sandbox() as server:
        yield server


@pytest.fixture
async def sandbox(sandbox_server: SandboxServer) -> AsyncIterator[SandboxServer]:
    sandbox_server.control.reset()
    yield sandbox_server
    await delete_declared()


@pytest.fixture
def own_settings(settings: Settings, run_name: str) -> Iterator[Settings]:
    """`settings` with a PostgreSQL database of this test's own."""
    database = TestDatabase(f"omnihub_test_{run_name.replace('-', '_')}_{secrets.token_hex(3)}")
    database.create()
    try:
        yield msgspec.structs.replace(settings, postgres_url=database.url)
    finally:
        database.drop()

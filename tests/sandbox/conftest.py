"""One real sandbox server (uvicorn, real socket) shared by the sandbox tests, reset per test."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sandbox.control import SandboxClient
from sandbox.testing import SandboxServer, running_sandbox


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    with running_sandbox() as server:
        yield server


@pytest.fixture
def control(sandbox_server: SandboxServer) -> SandboxClient:
    sandbox_server.control.reset()
    return sandbox_server.control


@pytest.fixture
def client(sandbox_server: SandboxServer, control: SandboxClient) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox_server.base_url, timeout=10.0) as http:
        yield http


SALES_ORDER: dict[str, object] = {
    "order_number": "SO-WEB-1001",
    "lines": [{"sku": "SKU-1", "quantity": 2}],
}


@pytest.fixture
def sales_order() -> dict[str, object]:
    """A minimal sales order the simulated ERP accepts."""
    return dict(SALES_ORDER)

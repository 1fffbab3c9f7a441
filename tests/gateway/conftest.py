"""One edge configuration and one running gateway per test module (fast); tests that
count quotas or messages start their own with fresh `settings`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import msgspec
import pytest

from omnihub.config import HubConfig
from omnihub.settings import Settings
from tests.gateway.edge import Creds, write_config
from tests.gateway.edi_support import EdiCreds, write_edi_config
from tests.support.hub import running_gateway


@pytest.fixture(scope="session")
def creds() -> Creds:
    return Creds()


@pytest.fixture(scope="session")
def edge_config(creds: Creds, tmp_path_factory: pytest.TempPathFactory) -> HubConfig:
    return write_config(tmp_path_factory.mktemp("edge"), creds)


@pytest.fixture(scope="module")
def module_settings(vhost: object, redis_prefix: str, request: pytest.FixtureRequest) -> Settings:
    from tests.support.services import REDIS_URL

    name = Path(str(request.node.name)).stem.replace("test_", "")
    return Settings(
        amqp_url=vhost.url,  # type: ignore[attr-defined]
        redis_url=REDIS_URL,
        prefix=f"{redis_prefix}-m-{name}",
        publish_timeout_s=3.0,
        retry_after_s=2,
    )


@pytest.fixture(scope="module")
async def edge(
    edge_config: HubConfig, module_settings: Settings
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a gateway running the edge configuration, shared by a module."""
    async with gateway_client(edge_config, module_settings) as client:
        yield client


@pytest.fixture(scope="session")
def edi_creds() -> EdiCreds:
    return EdiCreds()


@pytest.fixture(scope="session")
def edi_config(edi_creds: EdiCreds, tmp_path_factory: pytest.TempPathFactory) -> HubConfig:
    return write_edi_config(tmp_path_factory.mktemp("edi"), edi_creds)


@pytest.fixture
async def edi_gateway(
    edi_config: HubConfig, settings: Settings
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a gateway with the EDI routes, with this test's own `settings`."""
    async with gateway_client(edi_config, settings) as client:
        yield client


@asynccontextmanager
async def gateway_client(config: HubConfig, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        running_gateway(config, settings) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        yield client


def replace_settings(settings: Settings, **changes: object) -> Settings:
    return msgspec.structs.replace(settings, **changes)

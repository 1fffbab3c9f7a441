"""The adapters' fast paths switch themselves off on a library version they do not know
(or when ``OMNIHUB_FAST_PATHS`` says so): the gateway still starts, serves orders on the
libraries' public APIs, and says once which path each adapter uses."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import httpx
import pytest

from gateway.ingest import autopipeline
from omnihub import fast_paths
from omnihub.adapters import aiormq_publish
from omnihub.config import HubConfig
from omnihub.settings import Settings
from tests.gateway.edge import Creds, queued
from tests.support.hub import running_gateway
from tests.support.orders import order


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def path_lines() -> Iterator[list[str]]:
    """What `omnihub.fast_paths` logs (a handler of its own: the servers a test starts
    may reconfigure logging, which would take pytest's capture away)."""
    logger = logging.getLogger(fast_paths.__name__)
    handler, level = _Lines(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


async def test_unknown_library_versions_fall_back_to_the_public_apis_and_serve_orders(
    edge_config: HubConfig,
    settings: Settings,
    creds: Creds,
    monkeypatch: pytest.MonkeyPatch,
    path_lines: list[str],
) -> None:
    monkeypatch.setattr(fast_paths, "_decided", {})  # decide again, in this test
    monkeypatch.delenv(fast_paths.ENV, raising=False)
    monkeypatch.setattr(aiormq_publish, "KNOWN", ("0.0.",))  # no installed version matches
    monkeypatch.setattr(autopipeline, "KNOWN", ("0.0.",))
    headers = {"Authorization": f"Bearer {creds.acme_keys[0]}", "content-type": "application/json"}
    async with running_gateway(edge_config, settings) as url, httpx.AsyncClient(base_url=url) as c:
        for n in range(3):
            response = await c.post(
                "/v1/orders", content=json.dumps(order(f"FB-{n}")), headers=headers
            )
            assert response.status_code == 202, response.text
    assert await queued(settings) == 3
    lines = path_lines
    assert len(lines) == 2, lines  # one per adapter, however many requests and connections
    assert any(line.startswith("aiormq: using the public API (aiormq ") for line in lines)
    assert any(line.startswith("redis: using the public API (redis ") for line in lines)
    assert all("is not a version it knows" in line for line in lines)


@pytest.mark.parametrize(
    ("setting", "on"),
    [(None, {"aiormq", "redis"}), ("1", {"aiormq", "redis"}), ("0", set()), ("redis", {"redis"})],
)
def test_the_setting_turns_adapters_off(
    monkeypatch: pytest.MonkeyPatch,
    path_lines: list[str],
    setting: str | None,
    on: set[str],
) -> None:
    monkeypatch.setattr(fast_paths, "_decided", {})
    if setting is None:
        monkeypatch.delenv(fast_paths.ENV, raising=False)
    else:
        monkeypatch.setenv(fast_paths.ENV, setting)
    chosen = {name for name in ("aiormq", "redis") if fast_paths.fast_path(name, "pytest", ("",))}
    assert chosen == on
    for name in ("aiormq", "redis"):  # decided once: asking again neither changes nor logs
        fast_paths.fast_path(name, "pytest", ("",))
    lines = path_lines
    assert len(lines) == 2
    assert sum("OMNIHUB_FAST_PATHS turns it off" in line for line in lines) == 2 - len(on)


def test_a_library_without_what_the_fast_path_uses_gets_the_public_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fast_paths, "_decided", {})
    monkeypatch.delenv(fast_paths.ENV, raising=False)
    assert not fast_paths.fast_path("aiormq", "pytest", ("",), usable=lambda: False)

"""``omnihub dlq``: list, replay and discard a target's dead letters from the command line."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from hub.cli.main import main
from omnihub.journey import Stage
from omnihub.settings import Settings
from sandbox.testing import SandboxServer, running_sandbox
from tests.connectors.harness import (
    delete_declared,
    envelope,
    erp_config,
    journeys,
    publish,
    running,
    wait_depth,
    wait_for,
)
from tests.support.orders import order


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox() as server:
        yield server


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("OMNIHUB_AMQP_URL", settings.amqp_url)
    monkeypatch.setenv("OMNIHUB_REDIS_URL", settings.redis_url)
    monkeypatch.setenv("OMNIHUB_PREFIX", settings.prefix)
    monkeypatch.setenv("ERP_CLIENT_SECRET", "s3cret-client-value")
    return settings


async def test_list_replay_and_discard_from_the_command_line(
    tmp_path: Path,
    cli_env: Settings,
    sandbox: SandboxServer,
    redis_client: aioredis.Redis,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = cli_env
    sandbox.control.reset()
    config = erp_config(tmp_path, sandbox.base_url)
    first, second = envelope(order("C-1")), envelope(order("C-2"))
    sandbox.control.set_mode("erp", fixed_status=422)
    cfg = ["--config", str(tmp_path), "--target", "erp"]
    try:
        async with running(config, settings):
            await publish(settings, config, [first, second])
            await wait_depth(settings, settings.names.dead_letter_queue("erp"), 2)
            sandbox.control.clear_mode("erp")

            assert await asyncio.to_thread(main, ["dlq", "list", *cfg]) == 0
            listing = capsys.readouterr().out
            refused = await asyncio.to_thread(main, ["dlq", "replay", *cfg])
            replayed = await asyncio.to_thread(
                main, ["dlq", "replay", *cfg, first.id, "--actor", "ops@example.com"]
            )
            discarded = await asyncio.to_thread(
                main, ["dlq", "discard", *cfg, "--all", "--reason", "duplicate order"]
            )
            await wait_for(lambda: len(sandbox.control.records("erp", status=201)) == 1)
    finally:
        await delete_declared()

    assert first.id in listing and second.id in listing and "RejectedByTarget" in listing
    assert refused == 2  # no ids, no filter, no --all: nothing is replayed
    assert (replayed, discarded) == (0, 0)
    store = journeys(redis_client, settings)
    first_journey, second_journey = await store.get(first.id), await store.get(second.id)
    assert first_journey is not None and second_journey is not None
    assert [e.actor for e in first_journey.entries if e.stage is Stage.REPLAYED] == [
        "ops@example.com"
    ]
    assert second_journey.entries[-1].stage is Stage.DISCARDED
    assert second_journey.entries[-1].detail == "duplicate order"

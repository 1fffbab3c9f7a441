"""`omnihub replay archive` lists what it would send, asks first, and has --dry-run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aio_pika
import pytest

from omnihub.broker import Publisher, declare_topology, plan_topology
from omnihub.config.model import Lane
from omnihub.settings import Settings
from tests.omnihub.test_archive_replay import drain, envelope_at
from tests.omnihub.test_cli_dlq import cli
from tests.support.configs import REPO, example_config
from tests.support.connections import connect_broker


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("OMNIHUB_AMQP_URL", settings.amqp_url)
    monkeypatch.setenv("OMNIHUB_REDIS_URL", settings.redis_url)
    monkeypatch.setenv("OMNIHUB_PREFIX", settings.prefix)
    return settings


async def test_archive_replay_dry_run_confirmation_and_nothing_found(cli_env: Settings) -> None:
    names = cli_env.names
    topology = plan_topology(example_config(), names)

    async def declare(connection: aio_pika.abc.AbstractConnection) -> None:
        await declare_topology(connection, topology)

    now = datetime.now(UTC)
    inside = [envelope_at(now - timedelta(minutes=25)), envelope_at(now - timedelta(minutes=24))]
    publisher = Publisher(cli_env.amqp_url, names.events_exchange, on_connect=declare)
    for env in inside:
        await publisher.publish(env)
    await publisher.close()
    window = [
        "--from",
        (now - timedelta(minutes=30)).isoformat(),
        "--to",
        (now - timedelta(minutes=20)).isoformat(),
    ]
    base = ["replay", "archive", "--config", str(REPO), *window, "--target", "erp"]

    dry = await cli([*base, "--dry-run"])
    declined = await cli(base, answer="no\n")
    confirmed = await cli([*base, "--actor", "ops@example.com"], answer="y\n")
    empty = await cli(
        ["replay", "archive", "--config", str(REPO), "--from", "2001-01-01T00:00:00Z",
         "--to", "2001-01-02T00:00:00Z", "--yes"]
    )  # fmt: skip

    connection = await connect_broker(cli_env.amqp_url)
    try:
        queued = await drain(connection, names.target_queue("erp", Lane.PRIORITY))
    finally:
        await connection.close()

    code, out, _ = dry
    assert code == 0
    assert out.splitlines()[0].startswith("would replay 2 event(s) from the archive (")
    assert all(f"{env.id}  " in out and "-> erp" in out for env in inside)
    code, out, err = declined
    assert code == 1 and "would replay 2" in out and "not confirmed" in err
    code, out, _ = confirmed
    assert code == 0 and "replayed 2 event(s) as ops@example.com (erp: 2)" in out
    # the first delivery of each and the one confirmed replay; no dry run or refusal sent any
    assert sorted(e.id for e in queued) == sorted([env.id for env in inside] * 2)
    code, _, err = empty
    assert code == 1
    assert f"no archived event matches in the archive ({names.archive_stream}, prefix " in err

"""`omnihub trace KEY [--json]` against the journey store (PostgreSQL): timeline, JSON,
and "not found"."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from omnihub.config.model import JourneyPolicy
from omnihub.ids import new_message_id
from omnihub.journey import (
    JourneyDatabase,
    JourneyEntry,
    JourneyMeta,
    JourneyWriter,
    Retention,
    Stage,
)
from omnihub.settings import Settings
from tests.omnihub.test_cli_dlq import cli


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("OMNIHUB_POSTGRES_URL", settings.postgres_url)
    return settings


async def test_trace_prints_json_and_says_where_it_looked_when_nothing_is_found(
    cli_env: Settings,
) -> None:
    database = JourneyDatabase(cli_env.postgres_url)
    writer = JourneyWriter(database, Retention(JourneyPolicy()), interval_s=0.01)
    at = datetime.now(UTC)
    mid = new_message_id()
    key = f"T-{mid[-8:]}"
    meta = JourneyMeta(
        message_id=mid,
        partner="acme-market",
        route="orders",
        event="order.created",
        trace_id="4bf92f3577b34da6a3ce929d0e0e4736",
        business_key=key,
    )
    writer.started(meta, [JourneyEntry(at=at, stage=Stage.RECEIVED)], at)
    writer.record(mid, "order.created", [JourneyEntry(at=at, stage=Stage.PUBLISHED)])
    await writer.close()
    await database.close()

    code, out, _ = await cli(["trace", key, "--json"])
    assert code == 0
    (journey,) = json.loads(out)
    assert journey["meta"]["message_id"] == mid
    assert journey["outcome"] == "published"
    assert [e["stage"] for e in journey["entries"]] == ["received", "published"]

    code, out, _ = await cli(["trace", key])
    assert code == 0 and mid in out and "--json" not in out

    code, out, err = await cli(["trace", "T-404", "--partner", "acme-market"])
    assert (code, out) == (1, "")
    database_name = database.database_name
    assert err.strip() == (
        f"omnihub: no journey found for 'T-404' in {database_name} for partner 'acme-market'"
    )

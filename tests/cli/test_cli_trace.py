"""`omnihub trace KEY [--json]` against the real Redis: timeline, JSON, and "not found"."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import redis.asyncio as aioredis

from omnihub.journey import JourneyEntry, JourneyMeta, JourneyStore, Stage
from omnihub.settings import Settings
from tests.omnihub.test_cli_dlq import cli


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("OMNIHUB_REDIS_URL", settings.redis_url)
    monkeypatch.setenv("OMNIHUB_PREFIX", settings.prefix)
    return settings


async def test_trace_prints_json_and_says_where_it_looked_when_nothing_is_found(
    cli_env: Settings, redis_client: aioredis.Redis
) -> None:
    store = JourneyStore(redis_client, cli_env.names, timedelta(days=1))
    at = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)
    meta = JourneyMeta(
        message_id="01-trace-json",
        partner="acme-market",
        route="orders",
        event="order.created",
        trace_id="4bf92f3577b34da6a3ce929d0e0e4736",
        business_key="T-77",
    )
    await store.start(meta, JourneyEntry(at=at, stage=Stage.RECEIVED))
    await store.record("01-trace-json", JourneyEntry(at=at, stage=Stage.PUBLISHED))

    code, out, _ = await cli(["trace", "T-77", "--json"])
    assert code == 0
    (journey,) = json.loads(out)
    assert journey["meta"]["message_id"] == "01-trace-json"
    assert journey["outcome"] == "published"
    assert [e["stage"] for e in journey["entries"]] == ["received", "published"]

    code, out, _ = await cli(["trace", "T-77"])
    assert code == 0 and "01-trace-json" in out and "--json" not in out

    code, out, err = await cli(["trace", "T-404", "--partner", "acme-market"])
    assert (code, out) == (1, "")
    assert err.strip() == (
        f"omnihub: no journey found for 'T-404' under prefix '{cli_env.prefix}' "
        "for partner 'acme-market'"
    )

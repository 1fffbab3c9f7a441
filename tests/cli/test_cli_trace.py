"""`omnihub trace KEY [--json]` against the real journey store: timeline, JSON, and
"not found"."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest

from omnihub.journey import JourneyEntry, Stage
from omnihub.settings import Settings
from tests.omnihub.journey_support import Store, message_id, meta, store
from tests.omnihub.test_cli_dlq import cli

__all__ = ["store"]


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("OMNIHUB_POSTGRES_URL", settings.postgres_url)
    monkeypatch.setenv("OMNIHUB_PREFIX", settings.prefix)
    return settings


async def test_trace_prints_json_and_says_what_it_looked_for_when_nothing_is_found(
    cli_env: Settings, store: Store
) -> None:
    at = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)
    key = f"T-{uuid.uuid4().hex[:8]}"  # the run's database is shared by its tests
    mid = message_id(at)
    m = meta(mid, partner="acme-market", key=key)
    store.start(m, JourneyEntry(at=at, stage=Stage.RECEIVED))
    store.record(m, JourneyEntry(at=at, stage=Stage.PUBLISHED))
    await store.flushed()

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
    assert err.strip() == (
        "omnihub: no journey found for 'T-404' in the journey store for partner 'acme-market'"
    )

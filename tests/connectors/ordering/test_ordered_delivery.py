"""Per-key ordering with one worker: a retry holds back its own key only; stale snapshots
are superseded (and say so in their journey); deltas are never skipped."""

from __future__ import annotations

from pathlib import Path

import redis.asyncio as aioredis

from omnihub.settings import Settings
from sandbox.testing import SandboxServer
from tests.connectors.harness import depth, journeys, publish, running, wait_for
from tests.connectors.ordering.support import inventory, ordered_config, seq_of

SLOW_RETRY = (
    "{attempts: 3, initial_delay: 1s, max_delay: 1s, multiplier: 1.0, jitter: 0.0, "
    "retry_after_cap: 1s}"
)


def erp_keys(sandbox: SandboxServer) -> list[tuple[str, int]]:
    return [
        (r.body["item"], seq_of(r.body)) for r in sandbox.control.records("erp") if r.status == 201
    ]


async def test_a_retry_holds_back_only_the_later_messages_of_its_own_key(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    config = ordered_config(tmp_path, sandbox.base_url, retry=SLOW_RETRY)
    sandbox.control.set_mode("erp", fail_next=1)
    async with running(config, settings):
        await publish(settings, config, [inventory("A", "S1", 1, 10)])
        await wait_for(lambda: sandbox.control.stats("erp").failures_served == 1, what="A1 fails")
        later = [inventory("A", "S1", 2, 9), inventory("B", "S1", 1, 5), inventory("B", "S1", 2, 4)]
        await publish(settings, config, later)
        await wait_for(lambda: len(erp_keys(sandbox)) == 4, timeout=15, what="all delivered")
    seen = erp_keys(sandbox)
    # B flowed on while A1 waited out its retry; A2 came only after A1.
    assert seen.index(("B", 2)) < seen.index(("A", 1)) < seen.index(("A", 2)), seen
    assert await depth(settings, settings.names.dead_letter_queue("erp")) == 0


async def test_a_stale_snapshot_is_superseded_and_a_delta_is_never_skipped(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer, redis_client: aioredis.Redis
) -> None:
    config = ordered_config(tmp_path, sandbox.base_url)
    newer = inventory("C", "S2", 5, 7)
    stale = inventory("C", "S2", 3, 9)
    sale = inventory("C", "S2", 1, 1, kind="sale")  # older source time, but a delta
    async with running(config, settings) as worker:
        await publish(settings, config, [newer, stale, sale])
        await wait_for(lambda: len(erp_keys(sandbox)) == 2, what="newer and sale delivered")
        await wait_for(lambda: worker.metrics.counts["superseded"] == 1, what="stale settled")
    assert erp_keys(sandbox) == [("C", 5), ("C", 1)]
    store = journeys(redis_client, settings)
    stale_journey = await store.get(stale.id)
    assert stale_journey is not None and stale_journey.outcome == "superseded"
    (entry,) = [e for e in stale_journey.entries if e.stage.value == "superseded"]
    assert entry.detail is not None and "older than" in entry.detail and "C" in entry.detail
    sale_journey = await store.get(sale.id)
    assert sale_journey is not None and sale_journey.outcome == "delivered"

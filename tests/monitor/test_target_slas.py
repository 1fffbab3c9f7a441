"""Target SLAs: a breaker open longer than allowed (as the worker stores it in Redis) and
a dead-letter queue deeper than allowed (its depth read from the broker)."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

from omnihub.config import load_config
from omnihub.monitor import Monitor
from omnihub.monitor.breaker_state import breaker_closed, breaker_opened
from omnihub.settings import Settings
from tests.connectors.harness import declared, delete_declared, publish_raw
from tests.support.hub import running_gateway


async def test_a_breaker_open_too_long_and_a_deep_dlq_are_exceptions(
    tmp_path: Path, own_settings: Settings
) -> None:
    settings = own_settings
    (tmp_path / "policies").mkdir()
    (tmp_path / "routes.yaml").write_text(
        "routes: {}\ndeliveries:\n"
        "  orders-to-erp: {target: erp, events: [order.created], operation: sales_order.create}\n"
    )
    (tmp_path / "policies" / "hub.yaml").write_text(
        textwrap.dedent(
            """
            targets:
              erp: {kind: erp, base_url: "http://127.0.0.1:9"}
            slas:
              erp-health: {kind: target, target: erp, breaker_open: 1m, dlq: 2}
            """
        )
    )
    config = load_config(tmp_path, env={})
    declared(settings, config, ["erp"])
    monitor = Monitor(config, settings)
    try:
        async with running_gateway(config, settings):  # declares the topology
            pass
        for n in range(3):
            await publish_raw(settings, settings.names.dead_letter_queue("erp"), b"x%d" % n)
        opened = datetime.now(UTC)
        await breaker_opened(monitor.redis, settings.names, "erp", opened)
        await breaker_opened(monitor.redis, settings.names, "erp", opened + timedelta(minutes=1))
        early = await monitor.run_round(now=opened + timedelta(seconds=30))
        assert early.breaches == 1  # the DLQ only: the breaker is not open for long yet
        await monitor.run_round(now=opened + timedelta(minutes=2))  # the first opening counts
        found = {e.cause.value: e for e in await monitor.store.listing()}
        assert set(found) == {"dead_letters", "target_down"}
        assert "3 messages in the dead-letter queue (limit 2)" in found["dead_letters"].detail
        assert "breaker open since" in found["target_down"].detail
        await breaker_closed(monitor.redis, settings.names, "erp")
        report = await monitor.run_round(now=opened + timedelta(minutes=3))
        assert report.resolved == 1
        assert [e.cause.value for e in await monitor.store.listing()] == ["dead_letters"]
        assert await monitor.queue_depth(f"{settings.prefix}.never-declared") == 0
    finally:
        await monitor.close()
        await delete_declared()

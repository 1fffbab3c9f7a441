"""Standard Webhooks to partners: signed, one partner's events to that partner only, and a
410 disables the subscription (in Redis) and says so."""

from __future__ import annotations

from pathlib import Path

import redis.asyncio as aioredis

from omnihub.config import HubConfig
from omnihub.envelope import Envelope
from omnihub.history import DEAD_ERROR_HEADER, DEAD_REASON_HEADER
from omnihub.settings import Settings
from sandbox.testing import SandboxServer
from tests.connectors.harness import (
    drain,
    envelope,
    publish,
    running,
    wait_depth,
    wait_for,
    write_config,
)

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def webhook_config(tmp_path: Path, base_url: str) -> HubConfig:
    return write_config(
        tmp_path,
        targets=f"""
        hooks:
          kind: webhook
          base_url: {base_url}
          subscriptions:
            acme-market: {{url: /partner/webhooks/acme, secret: '${{env:ACME_SECRET}}'}}
        """,
        deliveries="""
        notices: {target: hooks, events: [shipment.confirmed], retry: fast}
        """,
        env={"ACME_SECRET": SECRET},
    )


def notice(partner: str = "acme-market", number: str = "SH-1") -> Envelope:
    return envelope({"shipment_number": number}, event="shipment.confirmed", partner=partner)


async def test_a_signed_webhook_reaches_the_partner_s_endpoint(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    sandbox.control.set_subscription("acme", secret=SECRET)  # verifies signatures
    config = webhook_config(tmp_path, sandbox.base_url)
    env = notice()
    async with running(config, settings, "hooks"):
        await publish(settings, config, [env])
        await wait_for(lambda: len(sandbox.control.records("partner", status=200)) == 1)
    (record,) = sandbox.control.records("partner")
    assert record.headers["webhook-id"] == env.id
    assert record.body["type"] == "shipment.confirmed"
    assert record.body["data"] == {"shipment_number": "SH-1"}


async def test_another_partner_s_event_is_not_sent(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    config = webhook_config(tmp_path, sandbox.base_url)
    async with running(config, settings, "hooks") as worker:
        await publish(settings, config, [notice(partner="other-partner")])
        await wait_for(lambda: worker.metrics.counts["skipped"] == 1)
    assert sandbox.control.stats("partner").received == 0


async def test_410_disables_the_subscription_and_later_events_are_parked_without_a_call(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer, redis_client: aioredis.Redis
) -> None:
    sandbox.control.set_subscription("acme", secret=SECRET, gone=True)
    config = webhook_config(tmp_path, sandbox.base_url)
    dlq = settings.names.dead_letter_queue("hooks")
    async with running(config, settings, "hooks") as worker:
        await publish(settings, config, [notice(number="SH-1")])
        await wait_depth(settings, dlq, 1)
        assert sandbox.control.stats("partner").received == 1
        await publish(settings, config, [notice(number="SH-2")])
        await wait_depth(settings, dlq, 2)
        status = await worker.status()
        first, second = await drain(settings, dlq)
    assert sandbox.control.stats("partner").received == 1  # the second was never sent
    assert first.headers[DEAD_ERROR_HEADER] == "SubscriptionGone"
    assert "410" in str(first.headers[DEAD_REASON_HEADER])
    assert "disabled" in str(first.headers[DEAD_REASON_HEADER])
    assert second.headers[DEAD_ERROR_HEADER] == "SubscriptionDisabled"
    assert "enable it again" in str(second.headers[DEAD_REASON_HEADER])
    assert status.disabled_subscriptions == ["acme-market"]
    stored = await redis_client.hget(settings.names.webhook_disabled_key("hooks"), "acme-market")
    assert stored is not None and b"410" in stored

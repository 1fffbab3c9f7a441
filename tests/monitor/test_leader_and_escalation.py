"""One monitor leads through a Redis lease; alerts escalate on count and age thresholds."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import redis.asyncio as aioredis

from omnihub.config.sla import AlertPolicy
from omnihub.config.types import Duration
from omnihub.monitor import Cause, ExceptionView
from omnihub.monitor.alerts import level_of, render
from omnihub.monitor.leader import LeaderLease
from omnihub.settings import Settings

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


async def test_one_monitor_leads_and_another_takes_over_when_its_lease_lapses(
    settings: Settings, redis_client: aioredis.Redis
) -> None:
    key = settings.names.monitor_leader_key()
    first = LeaderLease(redis_client, key, ttl_ms=300)
    second = LeaderLease(redis_client, key, ttl_ms=300)
    assert await first.hold() and not await second.hold()
    await asyncio.sleep(0.2)
    assert await first.hold()  # renewed: still the leader after most of its ttl
    await asyncio.sleep(0.2)
    assert not await second.hold()
    await asyncio.sleep(0.35)  # the first stopped renewing (a crashed monitor)
    assert await second.hold() and not await first.hold()
    await second.release()
    assert await first.hold()
    await first.release()
    assert await redis_client.get(key) is None


def _exception(count: int, age: timedelta) -> ExceptionView:
    return ExceptionView(
        id=7,
        cause=Cause.TARGET_REJECTED,
        impact="order",
        target="erp",
        partner="acme",
        signature="status 422 field lines[0].sku",
        detail="last error: RejectedByTarget: erp answered 422: invalid lines[0].sku",
        action="fix the named field",
        status="open",
        first_seen=NOW - age,
        last_seen=NOW,
        count=count,
        business_keys=["WEB-1", "WEB-2"],
        alerted_level=-1,
        clears=True,
    )


def test_alerts_escalate_when_the_count_or_the_age_passes_a_threshold() -> None:
    policy = AlertPolicy(
        escalate_counts=[10, 100], escalate_ages=[Duration(minutes=15), Duration(hours=1)]
    )
    assert level_of(_exception(1, timedelta(minutes=1)), policy, NOW) == 0
    assert level_of(_exception(10, timedelta(minutes=1)), policy, NOW) == 1
    assert level_of(_exception(10, timedelta(minutes=20)), policy, NOW) == 2
    assert level_of(_exception(500, timedelta(hours=2)), policy, NOW) == 4


def test_a_slack_alert_names_cause_target_partner_count_and_action() -> None:
    body = render("escalated", _exception(12, timedelta(minutes=20)), "slack", NOW)
    text = body.decode()
    assert '"text":"[ESCALATED] target rejected at erp / partner acme: 12 affected' in text
    assert "keys: WEB-1, WEB-2" in text and "fix the named field" in text

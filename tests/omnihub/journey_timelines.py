"""A delivered message whose journey was written in the wrong order (the worker's entries
first, the gateway's batched start last), as issue 14.6 found them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from omnihub.journey import JourneyEntry, Stage
from tests.omnihub.journey_support import Store, message_id, meta

TIME_ORDER = ["received", "published", "attempt", "delivered"]


async def written_out_of_order(
    store: Store,
    *,
    partner: str = "acme",
    key: str = "OOO-1",
    route: str = "orders",
    legacy: bool = False,
) -> str:
    """A delivered message whose worker rows land before the gateway's: the gateway's
    part as its one row (schema 4), or with `legacy` as received and published entries
    (rows written before it)."""
    t0 = datetime.now(UTC) - timedelta(minutes=1)
    mid = message_id(t0)
    m = meta(mid, partner=partner, key=key, route=route)
    attempt = JourneyEntry(
        at=t0 + timedelta(milliseconds=40), stage=Stage.ATTEMPT, target="erp", attempt=1,
        status=201, latency_ms=25.0,
    )  # fmt: skip
    delivered = JourneyEntry(
        at=t0 + timedelta(milliseconds=66), stage=Stage.DELIVERED, target="erp"
    )
    store.start(m, attempt, delivered, at=t0)
    await store.flushed()
    if legacy:
        store.start(
            m,
            JourneyEntry(at=t0, stage=Stage.RECEIVED, detail="v1"),
            JourneyEntry(at=t0 + timedelta(milliseconds=5), stage=Stage.PUBLISHED),
            at=t0,
        )
    else:
        store.writer.accepted(m, t0, "v1", t0 + timedelta(milliseconds=5), 1.0)
    await store.flushed()
    return mid

"""Journeys in the real PostgreSQL: written in batches, read back by id, trace and
business key (partner-scoped), ordered by time and decided by precedence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from omnihub.journey import JourneyEntry, Stage, render_timeline
from tests.omnihub.journey_support import Store, message_id, meta, store

__all__ = ["store"]


async def test_a_journey_written_out_of_order_reads_delivered_and_in_time_order(
    store: Store,
) -> None:
    t0 = datetime.now(UTC)
    mid = message_id(t0)
    m = meta(mid)
    # The worker's entries land first; the gateway's batched start (earlier times) last.
    store.start(
        m,
        JourneyEntry(at=t0 + timedelta(milliseconds=20), stage=Stage.ATTEMPT, target="erp",
                     attempt=1, status=201, latency_ms=12.5),
        JourneyEntry(at=t0 + timedelta(milliseconds=33), stage=Stage.DELIVERED, target="erp"),
    )  # fmt: skip
    await store.flushed()
    store.start(
        m,
        JourneyEntry(at=t0, stage=Stage.RECEIVED),
        JourneyEntry(at=t0 + timedelta(milliseconds=3), stage=Stage.PUBLISHED),
    )
    await store.flushed()
    journey = await store.queries.get(mid)
    assert journey is not None
    assert [e.stage for e in journey.entries] == [
        Stage.RECEIVED,
        Stage.PUBLISHED,
        Stage.ATTEMPT,
        Stage.DELIVERED,
    ]
    assert journey.outcome == "delivered"
    assert journey.entries[2].latency_ms == 12.5 and journey.entries[2].status == 201
    text = render_timeline(journey)
    assert "outcome: delivered" in text and "HTTP 201" in text and "key WEB-1" in text


async def test_the_outcome_goes_by_precedence_when_clocks_disagree(store: Store) -> None:
    t0 = datetime.now(UTC)
    mid = message_id(t0)
    # A gateway clock ahead of the worker's: published is stamped after delivered.
    store.start(
        meta(mid),
        JourneyEntry(at=t0 + timedelta(seconds=2), stage=Stage.PUBLISHED),
        JourneyEntry(at=t0 + timedelta(seconds=1), stage=Stage.DELIVERED, target="erp"),
        JourneyEntry(at=t0 + timedelta(seconds=1), stage=Stage.RETRIED, target="erp"),
    )
    await store.flushed()
    journey = await store.queries.get(mid)
    assert journey is not None and journey.outcome == "delivered"


async def test_lookups_by_id_trace_and_business_key_respect_the_partner(store: Store) -> None:
    a, b = message_id(), message_id()
    trace = "0af7651916cd43dd8448eb211c80319c"
    store.start(meta(a, partner="acme", key="PO-7", trace=trace),
                JourneyEntry(at=datetime.now(UTC), stage=Stage.RECEIVED))  # fmt: skip
    store.start(meta(b, partner="bolt", key="PO-7", trace=trace),
                JourneyEntry(at=datetime.now(UTC), stage=Stage.RECEIVED))  # fmt: skip
    await store.flushed()
    q = store.queries
    assert [j.meta.message_id for j in await q.find(a)] == [a]
    assert [j.meta.message_id for j in await q.find("PO-7", partner="acme")] == [a]
    assert [j.meta.message_id for j in await q.find("PO-7", partner="bolt")] == [b]
    assert sorted(j.meta.message_id for j in await q.find("PO-7")) == sorted([a, b])
    assert [j.meta.message_id for j in await q.by_trace(trace, partner="acme")] == [a]
    assert await q.get(b, partner="acme") is None  # another partner's: as if unknown
    assert await q.find(b, partner="acme") == []
    assert await q.get("not-a-message-id") is None


async def test_not_delivered_lists_what_a_target_has_not_confirmed_in_time(
    store: Store,
) -> None:
    now = datetime.now(UTC)
    old = now - timedelta(minutes=10)
    late, done, fresh, stock = message_id(old), message_id(old), message_id(now), message_id(old)
    for mid, at, event in (
        (late, old, "order.created"),
        (done, old, "order.created"),
        (fresh, now, "order.created"),
        (stock, old, "inventory.adjusted"),  # not an event the question is about
    ):
        published = JourneyEntry(at=at, stage=Stage.PUBLISHED)
        store.start(meta(mid, key=None, event=event, route="nd-route"), published, at=at)
    store.record(meta(done), JourneyEntry(at=old, stage=Stage.DELIVERED, target="erp"))
    store.record(
        meta(late),
        JourneyEntry(at=old, stage=Stage.ATTEMPT, target="erp", attempt=1),
        JourneyEntry(at=old, stage=Stage.RETRIED, target="erp"),
    )
    await store.flushed()
    found = await store.queries.not_delivered(
        "erp", ["order.created"], older_than=timedelta(minutes=5), now=now
    )
    mine = [n for n in found if n.route == "nd-route"]
    assert [n.message_id for n in mine] == [late]
    assert mine[0].attempts == 1 and mine[0].last_stage == "retried"


async def test_text_with_tabs_newlines_backslashes_and_nul_is_stored_as_sent(
    store: Store,
) -> None:
    """Rows travel as COPY text: what would break a line or a column is escaped, and a NUL
    (which PostgreSQL cannot store in text) becomes U+FFFD instead of losing the batch."""
    t0 = datetime.now(UTC)
    mid, plain = message_id(t0), message_id(t0)
    key = "PO\t7\\n\nline two\r\\"
    store.start(
        meta(mid, key=key, partner="acme\tcorp", route="orders\\v2"),
        JourneyEntry(at=t0, stage=Stage.RECEIVED, detail="v1, flagged:\ttotal\nmismatch"),
        JourneyEntry(at=t0 + timedelta(milliseconds=5), stage=Stage.ATTEMPT, target="erp",
                     attempt=1, status=500, error="HTTPError: bad\x00byte \\ here"),
    )  # fmt: skip
    store.start(meta(plain), JourneyEntry(at=t0, stage=Stage.RECEIVED))  # same batch
    await store.flushed()
    journey = await store.queries.get(mid)
    assert journey is not None
    assert (journey.meta.business_key, journey.meta.partner) == (key, "acme\tcorp")
    assert journey.meta.route == "orders\\v2"
    received, attempt = journey.entries
    assert received.detail == "v1, flagged:\ttotal\nmismatch" and received.at == t0
    assert attempt.error == "HTTPError: bad\ufffdbyte \\ here"
    assert (attempt.status, attempt.attempt, attempt.target) == (500, 1, "erp")
    assert await store.queries.get(plain) is not None
    assert store.writer.dropped == 0


async def test_the_gateways_row_fills_a_workers_row_in_either_order_and_in_one_batch(
    store: Store,
) -> None:
    """The gateway keeps received and published on the message row: whether a worker's
    first try wrote the row before, after or in the same batch, the journey reads
    received, published, attempt, delivered."""
    t0 = datetime.now(UTC)
    worker = (
        JourneyEntry(at=t0 + timedelta(milliseconds=9), stage=Stage.ATTEMPT, target="erp",
                     attempt=1, status=201),
        JourneyEntry(at=t0 + timedelta(milliseconds=12), stage=Stage.DELIVERED, target="erp"),
    )  # fmt: skip
    sent = t0 + timedelta(milliseconds=2)

    def gateway(m: object) -> None:
        store.writer.accepted(m, t0, "v1, flagged: total", sent, 1.5)  # type: ignore[arg-type]

    before, after, same = message_id(t0), message_id(t0), message_id(t0)
    store.start(meta(before), *worker, at=t0)  # the worker's row lands first
    await store.flushed()
    gateway(meta(before))
    gateway(meta(after))  # the gateway's row lands first
    await store.flushed()
    store.start(meta(after), *worker, at=t0)
    store.start(meta(same), *worker, at=t0)  # both in one batch
    gateway(meta(same))
    await store.flushed()
    assert store.writer.dropped == 0
    for mid in (before, after, same):
        journey = await store.queries.get(mid)
        assert journey is not None, mid
        assert [e.stage for e in journey.entries] == [
            Stage.RECEIVED, Stage.PUBLISHED, Stage.ATTEMPT, Stage.DELIVERED,
        ], mid  # fmt: skip
        received, published = journey.entries[:2]
        assert (received.at, received.detail) == (t0, "v1, flagged: total")
        assert (published.at, published.latency_ms, published.detail) == (sent, 1.5, "confirmed")
        assert journey.outcome == "delivered"

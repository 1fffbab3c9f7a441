"""The envelope's wire encoding, message ids and trace context."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from omnihub.envelope import Envelope, decode_envelope, encode_envelope, new_message_id, uuid7
from omnihub.telemetry.tracing import TraceParent


def test_envelope_round_trips_through_its_wire_encoding() -> None:
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    env = Envelope(
        id=str(uuid7()),
        event="order.created",
        route="orders",
        partner="acme",
        api_version="v1",
        occurred_at=now,
        received_at=now,
        traceparent=TraceParent.start().header(),
        idempotency_key="k1",
        payload={"order_number": "A1"},
    )
    assert decode_envelope(encode_envelope(env)) == env


def test_message_ids_are_uuid7_and_time_ordered() -> None:
    ids = [uuid7(unix_ms=1_700_000_000_000 + i) for i in range(50)]
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in ids)
    assert [str(u) for u in ids] == sorted(str(u) for u in ids)


def test_traceparent_from_partner_is_continued_and_bad_ones_replaced() -> None:
    incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    parsed = TraceParent.parse(incoming)
    assert parsed is not None and parsed.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
    child = parsed.child()
    assert child.trace_id == parsed.trace_id and child.span_id != parsed.span_id
    assert TraceParent.parse("00-" + "0" * 32 + "-00f067aa0ba902b7-01") is None
    assert TraceParent.parse("garbage") is None


def test_message_ids_are_canonical_uuid7_text() -> None:
    ids = [new_message_id() for _ in range(200)]
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text and parsed.version == 7 and parsed.variant == uuid.RFC_4122
    assert len(set(ids)) == len(ids)

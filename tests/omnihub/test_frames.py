"""The hand-encoded publish frames are byte for byte what pamqp writes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from aiormq.abc import ChannelFrame
from pamqp import commands as spec
from pamqp.body import ContentBody
from pamqp.header import ContentHeader

from omnihub.adapters.aiormq_publish import publish_frames
from omnihub.broker.publisher import envelope_properties
from omnihub.envelope import Envelope, encode_envelope
from tests.connectors.harness import envelope


def _pamqp(channel: int, env: Envelope, body: bytes, *, mandatory: bool, frame_body: int) -> bytes:
    frames: list[object] = [
        spec.Basic.Publish(exchange="ex.events", routing_key=env.event, mandatory=mandatory),
        ContentHeader(properties=envelope_properties(env), body_size=len(body)),
    ]
    frames += [ContentBody(body[i : i + frame_body]) for i in range(0, len(body), frame_body)]
    return ChannelFrame.marshall(channel_number=channel, frames=frames).payload  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("payload", "partner", "at"),
    [
        ({"order_number": "A-1"}, "acme-market", None),
        ({"note": "Grüße, 東京 ✓" * 50}, "partner-ü", None),  # non-ASCII body and header
        ({"big": "x" * 300_000}, "acme-market", None),  # three body frames
        ({}, "p", datetime(2026, 3, 29, 1, 30, 15, 999_999, tzinfo=timezone(timedelta(hours=2)))),
    ],
    ids=["small", "unicode", "multi-frame", "offset-time"],
)
@pytest.mark.parametrize("mandatory", [True, False])
def test_frames_equal_pamqps(
    payload: object, partner: str, at: datetime | None, mandatory: bool
) -> None:
    env = envelope(payload, partner=partner, at=at)
    body = encode_envelope(env)
    frame_body = 131_072 - 8
    ours = publish_frames(
        7, "ex.events", env.event, env, body, mandatory=mandatory, max_body_frame=frame_body
    )
    assert ours == _pamqp(7, env, body, mandatory=mandatory, frame_body=frame_body)


def test_a_short_string_over_255_bytes_is_refused() -> None:
    env = envelope({}, partner="p" * 300)
    with pytest.raises(ValueError, match="255 bytes"):
        publish_frames(1, "ex", "x" * 256, env, b"{}", mandatory=True, max_body_frame=1000)

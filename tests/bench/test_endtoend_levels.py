"""bench/delivery/endtoend.py pairs the 202s with the responder's arrival stamps."""

from __future__ import annotations

import pytest

from bench.delivery.endtoend import level_of
from bench.ingest.openloop import Sample


def _accepted(index: int, intended: float, done: float, mid: str) -> Sample:
    body = b'{"message_id":"' + mid.encode() + b'","trace_id":"t","event":"e","message_ids":[]}'
    return Sample(index=index, intended=intended, sent=intended, done=done, status=202, body=body)


def test_end_to_end_is_arrival_minus_intended_and_the_leg_arrival_minus_202() -> None:
    samples = [
        _accepted(0, 1.000, 1.004, "m0"),
        _accepted(1, 1.010, 1.012, "m1"),  # accepted, never arrived
        Sample(index=2, intended=1.020, sent=1.020, done=1.021, status=503, body=b"{}"),
    ]
    level = level_of(0.5, 100.0, samples, {"m0": 1.009, "other": 1.5})
    assert (level.sent, level.accepted, level.delivered) == (3, 2, 1)
    assert level.e2e_ms["p50"] == pytest.approx(9.0)
    assert level.leg_ms["p50"] == pytest.approx(5.0)
    assert level.ingest_ms["max"] == pytest.approx(4.0)

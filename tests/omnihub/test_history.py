"""The attempt history header: encoded, decoded, bounded."""

from __future__ import annotations

from datetime import UTC, datetime

from omnihub.history import (
    ATTEMPTS_HEADER,
    MAX_HISTORY,
    RETRIES_HEADER,
    AttemptRecord,
    decode_history,
    encode_history,
    read_retries,
)

AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def record(n: int) -> AttemptRecord:
    return AttemptRecord(n=n, at=AT, outcome="transient", status=503, error="TargetBusy")


def test_history_round_trips_through_the_header() -> None:
    history = [record(1), record(2)]
    assert decode_history({ATTEMPTS_HEADER: encode_history(history)}) == history


def test_a_long_history_keeps_the_first_and_the_latest_entries() -> None:
    history = [record(n) for n in range(1, MAX_HISTORY + 10)]
    kept = decode_history({ATTEMPTS_HEADER: encode_history(history)})
    assert len(kept) == MAX_HISTORY
    assert kept[0].n == 1 and kept[-1].n == MAX_HISTORY + 9


def test_missing_or_garbled_headers_are_an_empty_history() -> None:
    assert decode_history({}) == []
    assert decode_history({ATTEMPTS_HEADER: "not json"}) == []
    assert read_retries({RETRIES_HEADER: "3"}) == 0
    assert read_retries({RETRIES_HEADER: 3}) == 3

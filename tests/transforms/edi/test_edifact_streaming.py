"""Large EDIFACT interchanges are read as a stream of messages."""

from __future__ import annotations

from collections.abc import Iterator

from transforms.edi.edifact.assembler import InterchangeRead, MessageRead
from transforms.edi.edifact.read import iter_edifact


def big_interchange(messages: int, produced: list[int]) -> Iterator[bytes]:
    yield b"UNA:+.? 'UNB+UNOC:3+SENDER:14+RECIPIENT:14+261123:1430+42'"
    for number in range(1, messages + 1):
        produced[0] = number
        yield f"UNH+M{number}+ORDERS:D:96A:UN'BGM+220+PO{number}+9'UNT+3+M{number}'".encode()
    yield f"UNZ+{messages}+42'".encode()


def test_first_message_is_read_before_the_input_is_exhausted() -> None:
    produced = [0]
    events = iter_edifact(big_interchange(100_000, produced))
    first = next(events)
    assert isinstance(first, MessageRead) and first.message.header.reference == "M1"
    assert produced[0] < 10


def test_interchange_event_closes_the_stream_with_its_count() -> None:
    produced = [0]
    events = list(iter_edifact(big_interchange(1_000, produced)))
    assert sum(isinstance(e, MessageRead) and e.accepted for e in events) == 1_000
    last = events[-1]
    assert isinstance(last, InterchangeRead)
    assert (last.message_count, last.findings) == (1_000, ())

"""The X12 writer: envelopes per partner, control numbers from an allocator."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from transforms.edi.control_numbers import InMemoryControlNumbers, wrap
from transforms.edi.errors import EdiWriteError
from transforms.edi.x12.ack_writer import write_acknowledgements
from transforms.edi.x12.read import read_x12
from transforms.edi.x12.segments import Segment, Separators
from transforms.edi.x12.tokenizer import ISA_LENGTH
from transforms.edi.x12.writer import EnvelopeSettings, OutboundSet, write_interchange

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
SETTINGS = EnvelopeSettings(sender_id="OMNIHUB", receiver_id="ACME3PL", sender_qualifier="01")
ORDER = OutboundSet(
    set_id="850",
    body=(Segment("BEG", ("00", "SA", "PO1", "", "20261123")), Segment("PO1", ("1", "2", "EA"))),
)


async def test_interchange_uses_allocated_control_numbers() -> None:
    allocator = InMemoryControlNumbers({"x12:OMNIHUB:ACME3PL:isa": 41})
    written = await write_interchange([ORDER], SETTINGS, allocator, NOW)
    assert written.interchange_control_number == 42
    assert "*000000042*" in written.text and "IEA*1*000000042" in written.text


async def test_control_numbers_never_repeat() -> None:
    allocator = InMemoryControlNumbers()
    numbers = {
        (await write_interchange([ORDER], SETTINGS, allocator, NOW)).interchange_control_number
        for _ in range(5)
    }
    assert numbers == {1, 2, 3, 4, 5}


def test_control_numbers_wrap_after_nine_digits() -> None:
    assert wrap(1_000_000_000) == 1


async def test_written_interchange_reads_back_clean() -> None:
    written = await write_interchange([ORDER], SETTINGS, InMemoryControlNumbers(), NOW)
    result = read_x12(written.text, mappers={})
    header = result.interchanges[0].header
    assert (header.sender_qualifier, header.sender_id, header.receiver_id) == (
        "01",
        "OMNIHUB",
        "ACME3PL",
    )
    assert result.all_findings() == []


async def test_isa_is_fixed_width() -> None:
    written = await write_interchange([ORDER], SETTINGS, InMemoryControlNumbers(), NOW)
    assert len(written.text.split("\n")[0]) == ISA_LENGTH


async def test_partner_separators_and_repetition_are_written() -> None:
    settings = EnvelopeSettings(
        sender_id="A",
        receiver_id="B",
        version="00501",
        group_version="005010",
        separators=Separators(element="|", component=":", segment="'", repetition="^"),
    )
    written = await write_interchange([ORDER], settings, InMemoryControlNumbers(), NOW)
    assert written.text.startswith("ISA|00|")
    assert "|^|00501|" in written.text
    assert read_x12(written.text, mappers={}).all_findings() == []


async def test_sets_of_different_kinds_get_their_own_groups() -> None:
    ship = OutboundSet(set_id="856", body=(Segment("BSN", ("00", "X", "20261123", "1200")),))
    written = await write_interchange([ORDER, ship, ORDER], SETTINGS, InMemoryControlNumbers(), NOW)
    groups = read_x12(written.text, mappers={}).interchanges[0].groups
    assert [(g.header.functional_id, len(g.sets)) for g in groups] == [("PO", 2), ("SH", 1)]


async def test_data_containing_a_separator_is_refused() -> None:
    bad = OutboundSet(set_id="850", body=(Segment("BEG", ("00", "SA", "PO*1")),))
    with pytest.raises(EdiWriteError, match=r"BEG03 value 'PO\*1' contains the separator"):
        await write_interchange([bad], SETTINGS, InMemoryControlNumbers(), NOW)


def test_repetition_separator_before_00402_is_refused() -> None:
    with pytest.raises(EdiWriteError, match="has no repetition separator"):
        EnvelopeSettings(sender_id="A", receiver_id="B", separators=Separators(repetition="^"))


def test_sender_id_longer_than_15_is_refused() -> None:
    with pytest.raises(EdiWriteError, match="1 to 15 characters"):
        EnvelopeSettings(sender_id="A" * 16, receiver_id="B")


async def test_acknowledgements_are_written_as_one_reply_interchange() -> None:
    inbound = read_x12(
        (await write_interchange([ORDER], SETTINGS, InMemoryControlNumbers(), NOW)).text.replace(
            "IEA*1*000000001", "IEA*1*000000009"
        ),
        mappers={},
    )
    reply_settings = EnvelopeSettings(sender_id="ACME3PL", receiver_id="OMNIHUB")
    written = await write_acknowledgements(
        inbound.interchanges[0], reply_settings, InMemoryControlNumbers(), NOW
    )
    assert written is not None
    reply = read_x12(written.text)
    assert "TA1*000000001*261123*1430*E*001" in written.text
    (ack,) = reply.sets()
    assert ack.set_id == "997" and ack.event_type == "edi.ack_received"


async def test_clean_interchange_without_groups_to_acknowledge_needs_no_reply() -> None:
    text = (await write_interchange([], SETTINGS, InMemoryControlNumbers(), NOW)).text
    inbound = read_x12(text, mappers={})
    reply = await write_acknowledgements(
        inbound.interchanges[0], SETTINGS, InMemoryControlNumbers(), NOW
    )
    assert reply is None

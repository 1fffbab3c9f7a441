"""997/999/TA1 built from what was read, and inbound 997s read back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from transforms.edi.control_numbers import InMemoryControlNumbers
from transforms.edi.x12.ack_matching import match_acknowledgement, sent_group_key
from transforms.edi.x12.ack_writer import write_acknowledgements
from transforms.edi.x12.acks import AckStatus, FunctionalAck
from transforms.edi.x12.read import read_x12
from transforms.edi.x12.segments import Segment
from transforms.edi.x12.settings import AckKind, X12ReadSettings
from transforms.edi.x12.writer import EnvelopeSettings, OutboundSet, write_interchange

X12Builder = Callable[..., str]
NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
ORDER = ("850", ["BEG*00*SA*PO1**20261123", "N1*ST*SHOP", "N3*1 MAIN ST", "N4*AKRON*OH*44301",
                 "PO1*1*2*EA*3.5**VN*ABC"])  # fmt: skip


def ack_lines(text: str, settings: X12ReadSettings | None = None) -> list[str]:
    group = read_x12(text, settings=settings).interchanges[0].groups[0]
    return group.ack_text.split("~")[:-1]


def test_accepted_group_gets_ak5_a_and_ak9_a(x12: X12Builder) -> None:
    assert ack_lines(x12(ORDER)) == [
        "ST*997*0001",
        "AK1*PO*1",
        "AK2*850*0001",
        "AK5*A",
        "AK9*A*1*1*1",
        "SE*6*0001",
    ]


def test_count_error_gives_ak5_r_4_and_partial_group(x12: X12Builder) -> None:
    text = x12(ORDER, ORDER).replace("SE*7*0002", "SE*8*0002")
    lines = ack_lines(text)
    assert "AK5*R*4" in lines
    assert lines[-2] == "AK9*P*2*2*1"


def test_element_error_gives_ak3_and_ak4(x12: X12Builder) -> None:
    text = x12(("850", ["BEG*00*SA*PO1**20261123", "PO1*1**EA*3.5**VN*ABC"]))
    lines = ack_lines(text)
    assert lines[2:6] == ["AK2*850*0001", "AK3*PO1*3**8", "AK4*2*330*2", "AK5*R*5"]


def test_999_for_005010_implementation_versions(x12: X12Builder) -> None:
    text = x12(ORDER, version="00501", group_version="005010X222A1")
    lines = ack_lines(text)
    assert lines[0] == "ST*999*0001*005010X231A1"
    assert lines[1] == "AK1*PO*1*005010X222A1"
    assert "IK5*A" in lines


def test_997_can_be_forced_for_005010(x12: X12Builder) -> None:
    text = x12(ORDER, version="00501", group_version="005010X222A1")
    lines = ack_lines(text, X12ReadSettings(ack=AckKind.ACK_997))
    assert lines[0] == "ST*997*0001"


def test_interchange_problem_gets_a_ta1(x12: X12Builder) -> None:
    text = x12(ORDER).replace("IEA*1*000000001", "IEA*1*000000007")
    ta1 = read_x12(text).interchanges[0].ta1
    assert ta1 is not None
    assert (ta1.control_number, ta1.status, ta1.note_code) == (
        "000000001",
        AckStatus.ACCEPTED_WITH_ERRORS,
        "001",
    )


def test_clean_interchange_without_ack_request_gets_no_ta1(x12: X12Builder) -> None:
    assert read_x12(x12(ORDER)).interchanges[0].ta1 is None


def test_inbound_997_is_read_as_an_acknowledgement(x12: X12Builder) -> None:
    first = read_x12(x12(ORDER, ORDER).replace("SE*7*0002", "SE*8*0002"))
    ack_set = first.interchanges[0].groups[0].ack_text
    body = [line.split("*") for line in ack_set.split("~")[1:-2]]
    inbound = x12(("997", ["*".join(parts) for parts in body]))
    (item,) = read_x12(inbound).sets()
    assert item.event_type == "edi.ack_received"
    assert isinstance(item.payload, FunctionalAck)
    assert item.payload.status is AckStatus.PARTIALLY_ACCEPTED
    assert [r.status for r in item.payload.sets] == [AckStatus.ACCEPTED, AckStatus.REJECTED]
    assert read_x12(inbound).interchanges[0].groups[0].ack is None


async def test_partner_997_is_matched_to_the_group_we_sent() -> None:
    ours = EnvelopeSettings(sender_id="OMNIHUB", receiver_id="PARTNER")
    order = OutboundSet(set_id="850", body=(Segment("BEG", ("00", "SA", "PO1")),))
    sent = await write_interchange([order, order], ours, InMemoryControlNumbers(), NOW)
    # The partner finds the second set's SE01 wrong and answers with a 997.
    received = read_x12(sent.text.replace("SE*3*0002", "SE*4*0002"), mappers={})
    theirs = EnvelopeSettings(sender_id="PARTNER", receiver_id="OMNIHUB")
    reply = await write_acknowledgements(
        received.interchanges[0], theirs, InMemoryControlNumbers(), NOW
    )
    assert reply is not None
    (ack_set,) = read_x12(reply.text).sets()
    assert isinstance(ack_set.payload, FunctionalAck)
    records = {sent_group_key(g.functional_id, g.control_number): g for g in sent.groups}
    match = match_acknowledgement(ack_set.payload, records)
    assert match is not None
    assert match.status is AckStatus.PARTIALLY_ACCEPTED
    assert match.sets == {"0001": AckStatus.ACCEPTED, "0002": AckStatus.REJECTED}


def test_997_for_a_group_we_never_sent_is_not_matched() -> None:
    ack = FunctionalAck(
        kind=AckKind.ACK_997,
        functional_id="PO",
        group_control_number="77",
        version="004010",
        sets=(),
        status=AckStatus.ACCEPTED,
        declared_sets=1,
        received_sets=1,
        accepted_sets=1,
        group_codes=(),
    )
    assert match_acknowledgement(ack, {}) is None


def test_ack_requested_in_isa14_gets_a_ta1_a_000(x12: X12Builder) -> None:
    text = x12(ORDER).replace("*00401*000000001*0*P*", "*00401*000000001*1*P*")
    ta1 = read_x12(text).interchanges[0].ta1
    assert ta1 is not None and (ta1.status, ta1.note_code) == (AckStatus.ACCEPTED, "000")

"""997/999/TA1 built from what was read, and inbound 997s read back."""

from __future__ import annotations

from collections.abc import Callable

from transforms.edi.x12.acks import AckStatus, FunctionalAck
from transforms.edi.x12.read import read_x12
from transforms.edi.x12.settings import AckKind, X12ReadSettings

X12Builder = Callable[..., str]
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
    assert lines[2:6] == ["AK2*850*0001", "AK3*PO1*3**8", "AK4*2*330*1", "AK5*R*5"]


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

"""Each EDIFACT fixture (one per quirk) reads as a careful translator would: its
messages, their events, the CONTRL's actions and the interchange findings."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest

from tests.support.edi_fixtures import FIXTURES, fixture
from transforms.edi.edifact.read import read_edifact
from transforms.edi.edifact.results import EdifactReadResult
from transforms.edi.unmapped import UnmappedDocument
from transforms.model import ASN, Order


class Expected(msgspec.Struct, frozen=True):
    events: tuple[str | None, ...]
    message_actions: tuple[str, ...]
    interchange_codes: tuple[str, ...] = ()


ORDER = "order.created"
EXPECTED: dict[str, Expected] = {
    "ORDERS_syntax4_repetition.edi": Expected((ORDER,), ("7",)),
    "ORDERS_bom_leading-blank-lines_crlf.edi": Expected((ORDER,), ("7",)),
    "ORDERS_unz-reference-mismatch.edi": Expected((ORDER,), ("7",), ("28",)),
    "ORDERS_no-unz_decimal-comma.edi": Expected((ORDER,), ("7",), ("13",)),
    "ORDERS_unt-count-wrong.edi": Expected((None,), ("4",)),
    "ORDERS_ung-version-differs.edi": Expected((ORDER,), ("7",)),
    "DESADV_packs.edi": Expected(("asn.received",), ("7",)),
    "DESADV_lin-outside-cps.edi": Expected(("edi.unmapped",), ("7",)),
}


def read(name: str) -> EdifactReadResult:
    return read_edifact(fixture(f"edifact/{name}"))


def test_every_edifact_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in (FIXTURES / "edifact").iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_fixture_maps_to_the_expected_events(name: str) -> None:
    assert tuple(m.event_type for m in read(name).messages()) == EXPECTED[name].events


@pytest.mark.parametrize("name", list(EXPECTED))
def test_fixture_contrl_message_actions(name: str) -> None:
    (interchange,) = read(name).interchanges
    assert interchange.contrl is not None
    assert tuple(m.action for m in interchange.contrl.messages) == EXPECTED[name].message_actions


@pytest.mark.parametrize("name", list(EXPECTED))
def test_fixture_interchange_findings(name: str) -> None:
    (interchange,) = read(name).interchanges
    assert tuple(f.code for f in interchange.findings) == EXPECTED[name].interchange_codes


def test_byte_order_mark_whitespace_and_crlf_are_tolerated_like_x12() -> None:
    data = fixture("edifact/ORDERS_bom_leading-blank-lines_crlf.edi")
    assert data.startswith(b"\xef\xbb\xbf\r\n")
    (message,) = read_edifact(data).accepted()
    assert isinstance(message.payload, Order) and message.payload.order_number == "PO-EF-1"
    assert message.findings == ()


def test_unz_reference_mismatch_is_reported_in_the_contrl() -> None:
    (interchange,) = read("ORDERS_unz-reference-mismatch.edi").interchanges
    assert "UCI+1+VENDOR:14+OMNIHUB:14+7+28+UNZ+2'" in interchange.contrl_text


def test_decimal_comma_and_missing_unz_are_read() -> None:
    result = read("ORDERS_no-unz_decimal-comma.edi")
    assert result.interchanges[0].header.delimiters.decimal == ","
    (message,) = result.accepted()
    assert isinstance(message.payload, Order)
    assert message.payload.lines[0].unit_price.amount == 250


def test_syntax_4_repetitions_are_split() -> None:
    (message,) = read("ORDERS_syntax4_repetition.edi").messages()
    com = next(s for s in message.message.segments if s.tag == "COM")
    assert com.repetitions(1) == (("s11", "AA"), ("s21", "AA"), ("s31", "AA"))


def test_wrong_unt_count_rejects_the_message_in_the_contrl() -> None:
    result = read("ORDERS_unt-count-wrong.edi")
    (message,) = result.messages()
    assert not message.accepted and result.accepted() == []
    assert "UNT says '22' segments, the message has 11" in message.findings[0].message
    assert "UCM+1+ORDERS:D:96A:UN+4+29+UNT+1'" in result.interchanges[0].contrl_text


def test_group_version_differing_from_the_message_is_a_warning() -> None:
    (message,) = read("ORDERS_ung-version-differs.edi").messages()
    assert message.accepted and message.message.group_reference == "1"
    assert [(f.code, f.severity.value) for f in message.findings] == [("12", "warning")]


def test_desadv_packs_carry_their_items() -> None:
    (message,) = read("DESADV_packs.edi").accepted()
    asn = message.payload
    assert isinstance(asn, ASN)
    (order,) = asn.orders
    assert [(p.sscc, [(i.sku, i.quantity.value) for i in p.items]) for p in order.packs] == [
        ("000123450000000010", [("SKU-1", Decimal(4))]),
        ("000123450000000027", [("SKU-2", Decimal(2))]),
    ]


def test_desadv_lin_outside_any_cps_is_a_contrl_finding_and_handed_over() -> None:
    result = read("DESADV_lin-outside-cps.edi")
    (message,) = result.messages()
    assert message.accepted and isinstance(message.payload, UnmappedDocument)
    assert "LIN at segment 8" in message.payload.reason
    assert [(f.segment_id, f.segment_position, f.code) for f in message.findings] == [
        ("LIN", 8, "15")
    ]
    assert "UCM+1+DESADV:D:96A:UN+7'UCS+8+15'" in result.interchanges[0].contrl_text

"""Each X12 fixture (one per quirk a reader meets in the wild) reads as a careful
translator would: its sets, their events, the 997 per group and the TA1 notes."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest

from tests.support.edi_fixtures import FIXTURES, fixture
from transforms.edi.unmapped import UnmappedDocument
from transforms.edi.x12.acks import AckStatus, FunctionalAck
from transforms.edi.x12.read import read_x12
from transforms.edi.x12.results import X12ReadResult
from transforms.model import ASN, Order


class Expected(msgspec.Struct, frozen=True):
    events: tuple[str | None, ...]
    ack_statuses: tuple[AckStatus | None, ...]
    interchange_codes: tuple[str, ...] = ()


A, E, R = AckStatus.ACCEPTED, AckStatus.ACCEPTED_WITH_ERRORS, AckStatus.REJECTED
ASN_EVENT, UNMAPPED = "asn.received", "edi.unmapped"
EXPECTED: dict[str, Expected] = {
    "856_s-o-i_loose-items.edi": Expected((ASN_EVENT,), (A,)),
    "856_hl02-omitted.edi": Expected((ASN_EVENT,), (A,)),
    "856_s-i_prf-at-item.edi": Expected((ASN_EVENT,), (A,)),
    "856_s-t-p-i_prf-at-shipment.edi": Expected((ASN_EVENT,), (A,)),
    "856_s-o-p-i_crossdock_newline-seg.edi": Expected((ASN_EVENT,), (A,)),
    "856_lin-in-pack-level.edi": Expected((UNMAPPED,), (E,)),
    "856_padded-group-ids.edi": Expected((ASN_EVENT,), (A,)),
    "850_bom_nbsp-padded-isa_iea-mismatch.edi": Expected(("order.created",), (A,), ("001",)),
    "850_control-numbers-unpadded.edi": Expected(("order.created",), (A,)),
    "mixed_810-004010_850-003010.edi": Expected((UNMAPPED, UNMAPPED, "order.created"), (A, A)),
    "940_ship-to-consignee_newline-seg_no-final-terminator.edi": Expected(
        ("order.fulfillment_requested",), (A,)
    ),
    "940_se01-wrong.edi": Expected((None,), (R,)),
    "945_005010_w06-02-empty.edi": Expected(("shipment.confirmed",), (A,)),
    "945_003020_w06-02-empty.edi": Expected((None,), (R,)),
    "997_inbound_rejects-one-set.edi": Expected(("edi.ack_received",), (None,)),
}


def read(name: str) -> X12ReadResult:
    return read_x12(fixture(f"x12/{name}"))


def test_every_x12_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in (FIXTURES / "x12").iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_fixture_maps_to_the_expected_events(name: str) -> None:
    assert tuple(s.event_type for s in read(name).sets()) == EXPECTED[name].events


@pytest.mark.parametrize("name", list(EXPECTED))
def test_fixture_group_acknowledgements(name: str) -> None:
    statuses = tuple(
        group.ack.status if group.ack else None
        for interchange in read(name).interchanges
        for group in interchange.groups
    )
    assert statuses == EXPECTED[name].ack_statuses


@pytest.mark.parametrize("name", list(EXPECTED))
def test_fixture_interchange_findings(name: str) -> None:
    codes = tuple(f.code for i in read(name).interchanges for f in i.findings)
    assert codes == EXPECTED[name].interchange_codes


def test_bom_and_nbsp_padded_isa_read_as_106_characters_with_trimmed_ids() -> None:
    result = read("850_bom_nbsp-padded-isa_iea-mismatch.edi")
    header = result.interchanges[0].header
    assert (header.isa_length, header.sender_id, header.receiver_id) == (106, "VENDOR", "OMNIHUB")
    ta1 = result.interchanges[0].ta1
    assert ta1 is not None and (ta1.status, ta1.note_code) == (
        AckStatus.ACCEPTED_WITH_ERRORS,
        "001",
    )


def test_trailer_control_numbers_are_compared_as_numbers() -> None:
    """IEA02 3438 names ISA13 000003438, GE02 7 names GS06 000000007, SE02 1 names ST02
    0001: no finding, no TA1, the 997 accepts the set."""
    result = read("850_control-numbers-unpadded.edi")
    assert result.all_findings() == []
    assert result.interchanges[0].ta1 is None
    assert "AK5*A~AK9*A*1*1*1~" in result.interchanges[0].groups[0].ack_text


def test_padded_group_ids_are_trimmed() -> None:
    (item,) = read("856_padded-group-ids.edi").sets()
    group = read("856_padded-group-ids.edi").interchanges[0].groups[0].header
    assert (group.sender, group.receiver) == ("COEDITION", "OMNIHUB")
    assert isinstance(item.payload, ASN) and item.payload.supplier_id == "COEDITION"


def test_se01_error_rejects_the_set_with_the_segment_count_code() -> None:
    result = read("940_se01-wrong.edi")
    (item,) = result.sets()
    assert not item.accepted and item.payload is None and result.accepted() == []
    assert "SE01 says '12' segments, the set has 9" in item.findings[0].message
    lines = result.interchanges[0].groups[0].ack_text.split("~")
    assert "AK5*R*4" in lines and "AK9*R*1*1*0" in lines


def test_two_groups_in_two_versions_get_one_997_each() -> None:
    groups = read("mixed_810-004010_850-003010.edi").interchanges[0].groups
    assert [(g.header.version, g.ack_text.split("~")[1]) for g in groups] == [
        ("004010", "AK1*IN*1"),
        ("003010", "AK1*PO*165"),
    ]


def test_810_is_accepted_and_handed_over_unmapped() -> None:
    first = next(read("mixed_810-004010_850-003010.edi").sets())
    assert isinstance(first.payload, UnmappedDocument)
    assert first.payload.reason == "no mapping is configured for 810"
    assert first.payload.text.startswith("ST*810*0001~BIG*20261120*INV-1~")


def test_inbound_997_is_read_as_an_acknowledgement() -> None:
    (item,) = read("997_inbound_rejects-one-set.edi").sets()
    ack = item.payload
    assert isinstance(ack, FunctionalAck)
    assert (ack.functional_id, ack.group_control_number) == ("PO", "42")
    assert [(s.control_number, s.status) for s in ack.sets] == [("0001", A), ("0002", R)]
    assert ack.sets[1].segment_errors[0].segment_id == "PO1"


def test_newline_terminated_850_in_a_003010_group_maps_its_lines() -> None:
    order = read("mixed_810-004010_850-003010.edi").accepted()[-1].payload
    assert isinstance(order, Order)
    assert [(ln.sku, ln.quantity.value, ln.unit_price.amount) for ln in order.lines] == [
        ("ABC", Decimal(10), 250),
        ("DEF", Decimal(4), 1000),
    ]


def test_crossdock_labels_failing_the_check_digit_are_carton_ids() -> None:
    (item,) = read("856_s-o-p-i_crossdock_newline-seg.edi").sets()
    asn = item.payload
    assert isinstance(asn, ASN)
    assert [(o.purchase_order_number, len(o.packs)) for o in asn.orders] == [
        ("POREF00", 2),
        ("POREF01", 1),
    ]
    pack = asn.orders[0].packs[0]
    assert (pack.sscc, pack.carton_id) == (None, "00000715670002152360")
    assert [(i.sku, i.gtin) for i in pack.items] == [("0000000000642", "012345678905")]

"""Every public X12 sample behaves as ../shared/samples/edi/MANIFEST.md says (corpus suite)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest

from transforms.edi.unmapped import UnmappedDocument
from transforms.edi.x12.acks import AckStatus, FunctionalAck
from transforms.edi.x12.read import read_x12
from transforms.edi.x12.results import X12ReadResult
from transforms.model import ASN, Order


class Expected(msgspec.Struct, frozen=True):
    """The MANIFEST's "expected" column, as data."""

    set_ids: tuple[str, ...]
    events: tuple[str | None, ...]
    ack_statuses: tuple[AckStatus | None, ...]
    interchange_codes: tuple[str, ...] = ()


UNMAPPED = "edi.unmapped"
A = AckStatus.ACCEPTED
R = AckStatus.REJECTED
EXPECTED: dict[str, Expected] = {
    "856_node-x12_856.edi": Expected(("856",), ("asn.received",), (A,)),
    "856_gozer_asn856_newline-seg.txt": Expected(("856",), ("asn.received",), (A,), ("001",)),
    "856_ediengine_Crossdock_newline-seg.edi": Expected(("856",), ("asn.received",), (A,)),
    "850_ediengine_850.OK_newline-seg.edi": Expected(("850",), ("order.created",), (A,)),
    "850_node-x12_850_3_redacted.edi": Expected(("850",), ("order.created",), (A,)),
    "850_edi-net_x12.850_nbsp-in-ISA.edi": Expected(("850",), ("order.created",), (A,), ("001",)),
    "810_staedi_simple810.edi": Expected(("810", "810"), (UNMAPPED, UNMAPPED), (A,)),
    "mixed_staedi_invoice810_po850_dual.edi": Expected(
        ("810", "810", "850"), (UNMAPPED, UNMAPPED, "order.created"), (A, A)
    ),
    "940_ediengine_940.OK_newline-seg.edi": Expected(
        ("940",), ("order.fulfillment_requested",), (A,)
    ),
    "940_ediengine_940_Failed_SE01_INVALID.edi": Expected(("940",), (None,), (R,)),
    "997_staedi_simple997_v005010.edi": Expected(("997",), ("edi.ack_received",), (None,)),
}


def read_sample(samples: Path, name: str) -> X12ReadResult:
    return read_x12((samples / "x12" / name).read_bytes())


def test_every_x12_sample_has_an_expectation(samples: Path) -> None:
    assert sorted(p.name for p in (samples / "x12").iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_sample_sets_are_all_read(samples: Path, name: str) -> None:
    result = read_sample(samples, name)
    assert tuple(s.set_id for s in result.sets()) == EXPECTED[name].set_ids


@pytest.mark.parametrize("name", list(EXPECTED))
def test_sample_maps_to_the_expected_events(samples: Path, name: str) -> None:
    result = read_sample(samples, name)
    assert tuple(s.event_type for s in result.sets()) == EXPECTED[name].events


@pytest.mark.parametrize("name", list(EXPECTED))
def test_sample_group_acknowledgements(samples: Path, name: str) -> None:
    result = read_sample(samples, name)
    statuses = tuple(
        group.ack.status if group.ack else None
        for interchange in result.interchanges
        for group in interchange.groups
    )
    assert statuses == EXPECTED[name].ack_statuses


@pytest.mark.parametrize("name", list(EXPECTED))
def test_sample_interchange_findings(samples: Path, name: str) -> None:
    result = read_sample(samples, name)
    codes = tuple(f.code for i in result.interchanges for f in i.findings)
    assert codes == EXPECTED[name].interchange_codes


def test_iea_mismatch_is_acknowledged_with_ta1_e_001(samples: Path) -> None:
    result = read_sample(samples, "856_gozer_asn856_newline-seg.txt")
    ta1 = result.interchanges[0].ta1
    assert ta1 is not None and (ta1.status, ta1.note_code) == (
        AckStatus.ACCEPTED_WITH_ERRORS,
        "001",
    )


def test_nbsp_padded_isa_is_read_as_106_characters(samples: Path) -> None:
    result = read_sample(samples, "850_edi-net_x12.850_nbsp-in-ISA.edi")
    header = result.interchanges[0].header
    assert (header.isa_length, header.sender_id, header.receiver_id) == (
        106,
        "000123456",
        "PARTNERID",
    )


def test_invalid_940_is_rejected_with_the_segment_count_error(samples: Path) -> None:
    result = read_sample(samples, "940_ediengine_940_Failed_SE01_INVALID.edi")
    (item,) = result.sets()
    assert not item.accepted and item.payload is None and result.accepted() == []
    count = item.findings[0]
    assert (count.code, count.segment_id, count.segment_position, count.element) == (
        "4",
        "SE",
        9,
        1,
    )
    assert "SE01 says '12' segments, the set has 9" in count.message


def test_invalid_940_997_says_ak5_r_4(samples: Path) -> None:
    result = read_sample(samples, "940_ediengine_940_Failed_SE01_INVALID.edi")
    lines = result.interchanges[0].groups[0].ack_text.splitlines()
    assert "AK5*R*4*5" in lines
    assert "AK3*W01*5**8" in lines
    assert "AK9*R*1*1*0" in lines


def test_mixed_file_gets_one_997_per_group(samples: Path) -> None:
    result = read_sample(samples, "mixed_staedi_invoice810_po850_dual.edi")
    groups = result.interchanges[0].groups
    assert [(g.header.version, g.ack_text.split("~")[1]) for g in groups] == [
        ("004010", "AK1*IN*1"),
        ("003010", "AK1*PO*165"),
    ]


def test_850_sample_maps_all_six_lines(samples: Path) -> None:
    result = read_sample(samples, "850_ediengine_850.OK_newline-seg.edi")
    (order,) = [s.payload for s in result.accepted()]
    assert isinstance(order, Order)
    assert [(line.sku, line.unit_price.amount) for line in order.lines][:2] == [
        ("AB3542", 925),
        ("RD5322", 1379),
    ]
    assert len(order.lines) == 6


def test_crossdock_856_has_two_orders_and_their_packs(samples: Path) -> None:
    result = read_sample(samples, "856_ediengine_Crossdock_newline-seg.edi")
    (asn,) = [s.payload for s in result.accepted()]
    assert isinstance(asn, ASN)
    assert [(o.purchase_order_number, len(o.packs)) for o in asn.orders] == [
        ("POREF00", 4),
        ("POREF01", 1),
    ]
    assert (asn.supplier_id, asn.ship_to_location_id, asn.bill_of_lading) == (
        "000009",
        "0001",
        "000001",
    )


def test_sscc_with_a_wrong_check_digit_is_kept_as_the_carton_id(samples: Path) -> None:
    result = read_sample(samples, "856_ediengine_Crossdock_newline-seg.edi")
    (asn,) = [s.payload for s in result.accepted()]
    assert isinstance(asn, ASN)
    pack = asn.orders[0].packs[0]
    assert (pack.sscc, pack.carton_id) == (None, "00000715670002152360")
    assert [(i.sku, i.quantity.value) for i in pack.items] == [("0000000000642", Decimal(12))]


def test_inbound_997_sample_is_read_as_an_acknowledgement(samples: Path) -> None:
    result = read_sample(samples, "997_staedi_simple997_v005010.edi")
    (item,) = result.sets()
    ack = item.payload
    assert isinstance(ack, FunctionalAck)
    assert (ack.functional_id, ack.group_control_number, ack.status) == ("HC", "000001", R)
    (response,) = ack.sets
    assert (response.set_id, response.control_number, response.codes) == ("837", "0021", ("5",))
    assert response.segment_errors[0].segment_id == "NM1"


def test_856_without_packs_maps_loose_items(samples: Path) -> None:
    result = read_sample(samples, "856_node-x12_856.edi")
    (item,) = result.sets()
    asn = item.payload
    assert isinstance(asn, ASN)
    (order,) = asn.orders
    assert (order.purchase_order_number, order.packs) == ("99999817", [])
    assert [(i.sku, i.quantity.value) for i in order.items] == [
        ("87787D", Decimal(24)),
        ("99887D", Decimal(6)),
    ]
    assert asn.shipped_at == datetime(2011, 12, 6, tzinfo=UTC)


def test_810_is_accepted_and_handed_over_unmapped(samples: Path) -> None:
    result = read_sample(samples, "810_staedi_simple810.edi")
    first = next(result.sets())
    assert isinstance(first.payload, UnmappedDocument)
    assert first.payload.reason == "no mapping is configured for 810"
    assert first.payload.text.startswith("ST*810*000000001~BIG*19971211")


ITEM_SEGMENT = {"856": "LIN", "850": "PO1", "940": "W01"}


def carried_items(payload: object) -> int:
    if isinstance(payload, ASN):
        return sum(len(o.items) + sum(len(p.items) for p in o.packs) for o in payload.orders)
    assert isinstance(payload, Order)
    return len(payload.lines)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_accepted_sets_carry_every_item_segment(samples: Path, name: str) -> None:
    """No silent drop: an accepted, mapped set holds one item per LIN / PO1 / W01."""
    for item in read_sample(samples, name).accepted():
        tag = ITEM_SEGMENT.get(item.set_id)
        if tag is None or item.event_type == UNMAPPED:
            continue
        segments = sum(s.tag == tag for s in item.transaction_set.body)
        assert carried_items(item.payload) == segments

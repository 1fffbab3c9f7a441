"""Mandatory elements follow the set's version (GS08), not one table for all versions."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.edi_fixtures import fixture
from transforms.edi.unmapped import UnmappedDocument
from transforms.edi.x12.read import read_x12
from transforms.edi.x12.requirements import MANDATORY, missing_code, standard_version
from transforms.model import Shipment

X12Builder = Callable[..., str]


def test_945_in_005010_with_w06_02_empty_is_accepted_with_the_po_number() -> None:
    result = read_x12(fixture("x12/945_005010_w06-02-empty.edi"))
    (item,) = result.sets()
    assert item.accepted and isinstance(item.payload, Shipment)
    assert (item.payload.order_number, item.payload.shipment_id) == ("PO-77", "SHIP-9")
    assert "AK5*A" in result.interchanges[0].groups[0].ack_text


def test_945_in_003020_with_w06_02_empty_is_rejected_as_mandatory_missing() -> None:
    result = read_x12(fixture("x12/945_003020_w06-02-empty.edi"))
    (item,) = result.sets()
    assert not item.accepted
    assert "AK3*W06*2**8~AK4*2**1~AK5*R*5~" in result.interchanges[0].groups[0].ack_text


def test_an_element_optional_in_the_version_but_needed_is_handed_over_unmapped(
    x12: X12Builder,
) -> None:
    """945 W06-04 (shipment id) is optional in every version: no id at all is not the
    partner's error, but a Shipment needs one."""
    body = ["W06*F*WO-1*20261123", "W27*M*UPSN", "LX*1", "W12*CC*1*1**EA**VN*A"]
    (item,) = read_x12(x12(("945", body), group_version="005010")).sets()
    assert item.accepted and isinstance(item.payload, UnmappedDocument)
    assert "W0604 (shipment identification number) at segment 2 is empty: optional in 005010" in (
        item.payload.reason
    )


@pytest.mark.parametrize(
    ("group_version", "interchange_version", "expected"),
    [("005010X222A1", "00501", "005010"), ("", "00401", "004010"), ("X", "", "")],
)
def test_the_version_is_gs08_else_isa12(
    group_version: str, interchange_version: str, expected: str
) -> None:
    assert standard_version(group_version, interchange_version) == expected


def test_w06_02_is_mandatory_until_003030_and_optional_from_it() -> None:
    assert [missing_code("W06", 2, set(), v) for v in ("003010", "003020", "003030", "005010")] == [
        "1",
        "1",
        None,
        None,
    ]


def test_po102_is_required_only_when_po103_is_present() -> None:
    assert missing_code("PO1", 2, {1, 3}, "004010") == "2"
    assert missing_code("PO1", 2, {1}, "004010") is None


def test_every_listed_element_has_a_well_formed_version_range() -> None:
    for (tag, element), (start, until) in MANDATORY.items():
        assert len(tag) in (2, 3) and element >= 1
        assert len(start) == len(until) == 6 and start < until

"""A ship-to is read from the party qualifiers used in practice, not only N1*ST."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.edi_fixtures import fixture
from transforms.edi.x12.read import read_x12
from transforms.model import Order

X12Builder = Callable[..., str]


def test_940_with_the_consignee_as_ship_to_maps_its_address() -> None:
    (item,) = read_x12(
        fixture("x12/940_ship-to-consignee_newline-seg_no-final-terminator.edi")
    ).sets()
    assert item.accepted and isinstance(item.payload, Order), item.findings
    order = item.payload
    assert order.ship_to is not None
    assert (order.ship_to.name, order.ship_to.line1, order.ship_to.line2, order.ship_to.city) == (
        "ACME STORES RECEIVING DOCK 4",
        "12 MARKET STREET",
        "UNIT B",
        "AUSTIN",
    )
    assert (order.ship_to_location_id, order.fulfillment_location_id) == ("STORE-9", "WH1")
    assert [(ln.line_number, ln.sku) for ln in order.lines] == [(1, "ABC"), (2, "DEF")]


def order_940(x12: X12Builder, parties: list[str]) -> Order:
    body = [
        "W05*N*WO-1",
        *parties,
        "N3*1 MAIN ST",
        "N4*AUSTIN*TX*78701*US",
        "G62*04*20261123",
        "LX*1",
        "W01*1*EA**VN*ABC",
    ]
    (item,) = read_x12(x12(("940", body))).sets()
    assert isinstance(item.payload, Order), item.payload
    return item.payload


@pytest.mark.parametrize("code", ["ST", "CN", "BS", "DA", "SN"])
def test_each_ship_to_qualifier_gives_the_940_its_ship_to(x12: X12Builder, code: str) -> None:
    order = order_940(x12, [f"N1*{code}*SHOP*92*S1"])
    assert order.ship_to is not None and order.ship_to.city == "AUSTIN"


def test_st_wins_over_the_consignee_when_both_are_given(x12: X12Builder) -> None:
    order = order_940(x12, ["N1*CN*CONSIGNEE*92*C1", "N1*ST*SHOP*92*S1"])
    assert order.ship_to_location_id == "S1"

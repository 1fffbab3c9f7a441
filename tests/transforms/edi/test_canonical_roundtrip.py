"""Round trips: canonical → EDI → canonical is the identity.

ASN via 856 and via DESADV, Order via 850, 940 and ORDERS.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.edi.edifact.mapping.desadv_write import write_desadv
from transforms.edi.edifact.mapping.orders_write import write_orders
from transforms.edi.edifact.read import read_edifact
from transforms.edi.edifact.writer import EdifactEnvelopeSettings
from transforms.edi.edifact.writer import render_interchange as render_edifact
from transforms.edi.x12.mapping.asn_856_write import write_856
from transforms.edi.x12.mapping.order_850_write import write_850
from transforms.edi.x12.mapping.order_940_write import write_940
from transforms.edi.x12.read import read_x12
from transforms.edi.x12.writer import EnvelopeSettings, OutboundSet, render_interchange
from transforms.model import (
    ASN,
    Address,
    AsnItem,
    AsnOrder,
    AsnPack,
    Customer,
    Money,
    Order,
    OrderLine,
    Quantity,
    gs1_check_digit,
)

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
ENVELOPE = EnvelopeSettings(sender_id="SUPPLIER", receiver_id="OMNIHUB")
EDIFACT = EdifactEnvelopeSettings(sender_id="SUPPLIER", recipient_id="OMNIHUB")

ids = st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-", min_size=1, max_size=20).filter(
    lambda s: s.strip("-") == s
)
words = st.text(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefxyz0123456789 .,#&/-", min_size=1, max_size=30
).filter(lambda s: s.strip() == s and s != "")
optional_words = st.none() | words
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
quantities = st.builds(
    Quantity,
    value=st.decimals(min_value=Decimal("0.001"), max_value=Decimal(99999), places=3),
    uom=st.sampled_from(["EA", "CS", "KG", "LB"]),
)


def gs1(length: int) -> st.SearchStrategy[str]:
    body = st.text("0123456789", min_size=length - 1, max_size=length - 1)
    return body.map(lambda b: b + str(gs1_check_digit(b)))


def roundtrip(outbound: OutboundSet) -> msgspec.Struct:
    text = render_interchange(
        [[outbound]],
        ENVELOPE,
        interchange_control_number=7,
        group_control_numbers=[7],
        now=NOW,
    )
    (item,) = read_x12(text).sets()
    assert item.accepted, [f.describe() for f in item.findings]
    assert item.payload is not None
    return item.payload


items = st.builds(
    AsnItem,
    sku=ids,
    gtin=st.none() | gs1(13) | gs1(14),
    quantity=quantities,
    lot=st.none() | ids,
    expiry_date=st.none() | days,
)


@st.composite
def packs(draw: st.DrawFn, ssccs: Iterator[str]) -> AsnPack:
    labelled = draw(st.sampled_from(["sscc", "carton", "both"]))
    return AsnPack(
        sscc=next(ssccs) if labelled in ("sscc", "both") else None,
        carton_id=draw(ids) if labelled in ("carton", "both") else None,
        items=draw(st.lists(items, min_size=1, max_size=3)),
    )


@st.composite
def asns(draw: st.DrawFn, unique_orders: bool = False) -> ASN:
    ssccs = iter(draw(st.lists(gs1(18), min_size=9, max_size=9, unique=True)))
    po_numbers = iter(draw(st.lists(ids, min_size=3, max_size=3, unique=unique_orders)))
    orders = []
    for _ in range(draw(st.integers(1, 3))):
        order_packs = [draw(packs(ssccs)) for _ in range(draw(st.integers(0, 3)))]
        loose = draw(st.lists(items, min_size=0 if order_packs else 1, max_size=3))
        orders.append(
            AsnOrder(purchase_order_number=next(po_numbers), packs=order_packs, items=loose)
        )
    return ASN(
        asn_number=draw(ids),
        supplier_id=draw(ids),
        ship_to_location_id=draw(ids),
        shipped_at=draw(instants),
        expected_at=draw(st.none() | instants),
        carrier=draw(st.none() | st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=4)),
        tracking_number=draw(st.none() | ids),
        bill_of_lading=draw(st.none() | ids),
        orders=orders,
    )


addresses = st.builds(
    Address,
    name=optional_words,
    line1=words,
    line2=optional_words,
    city=words,
    region=st.none() | st.sampled_from(["OH", "CA", "NY"]),
    postal_code=st.none() | st.text("0123456789", min_size=5, max_size=5),
    country=st.sampled_from(["US", "CA", "DE"]),
    phone=st.none() | st.text("0123456789", min_size=7, max_size=12),
    email=st.none() | st.just("buyer@example.com"),
)
customers = st.builds(
    Customer,
    customer_id=st.none() | ids,
    name=optional_words,
    email=st.none() | st.just("ap@example.com"),
    phone=st.none() | st.text("0123456789", min_size=7, max_size=12),
)


destinations = st.one_of(
    st.fixed_dictionaries({"ship_to": addresses}),
    st.fixed_dictionaries({"ship_to_location_id": ids}),
    st.fixed_dictionaries({"ship_to": addresses, "ship_to_location_id": ids}),
)


@st.composite
def orders_850(draw: st.DrawFn) -> Order:
    currency = draw(st.sampled_from(["USD", "EUR", "JPY"]))
    money = st.builds(Money, amount=st.integers(0, 10_000_000), currency=st.just(currency))
    count = draw(st.integers(1, 4))
    lines = [
        OrderLine(
            line_number=number,
            sku=draw(ids),
            quantity=draw(quantities),
            unit_price=draw(money),
            discount=draw(st.none() | money),
            tax=draw(st.none() | money),
            description=draw(optional_words),
        )
        for number in draw(
            st.lists(st.integers(1, 999), min_size=count, max_size=count, unique=True)
        )
    ]
    return Order(
        order_number=draw(ids),
        channel="edi",
        placed_at=draw(instants),
        currency=currency,
        customer=draw(customers),
        **draw(destinations),
        bill_to=draw(st.none() | addresses),
        promised_date=draw(st.none() | days),
        shipping_charge=draw(st.none() | money),
        lines=lines,
        external_reference=draw(st.none() | ids),
    )


@st.composite
def orders_940(draw: st.DrawFn) -> Order:
    count = draw(st.integers(1, 4))
    lines = [
        OrderLine(
            line_number=number,
            sku=draw(ids),
            quantity=draw(quantities),
            unit_price=Money(amount=0, currency="USD"),
            description=draw(optional_words),
        )
        for number in draw(
            st.lists(st.integers(1, 999), min_size=count, max_size=count, unique=True)
        )
    ]
    return Order(
        order_number=draw(ids),
        channel="edi",
        placed_at=draw(instants),
        currency="USD",
        customer=draw(customers),
        **draw(destinations),
        bill_to=draw(st.none() | addresses),
        fulfillment_location_id=draw(st.none() | ids),
        promised_date=draw(st.none() | days),
        lines=lines,
        external_reference=draw(st.none() | ids),
    )


@settings(max_examples=150, deadline=None)
@given(asns())
def test_asn_to_856_and_back_is_identity(asn: ASN) -> None:
    assert roundtrip(write_856(asn)) == asn


@settings(max_examples=150, deadline=None)
@given(asns(unique_orders=True))
def test_asn_to_desadv_and_back_is_identity(asn: ASN) -> None:
    """Orders must have distinct PO numbers: DESADV groups packs by RFF+ON."""
    message = write_desadv(asn, EDIFACT.delimiters)
    text = render_edifact([message], EDIFACT, control_reference=7, now=NOW)
    (item,) = read_edifact(text).messages()
    assert item.accepted, [f.describe() for f in item.findings]
    assert item.payload == asn


@settings(max_examples=150, deadline=None)
@given(orders_850())
def test_order_to_850_and_back_is_identity(order: Order) -> None:
    assert roundtrip(write_850(order)) == order


@settings(max_examples=150, deadline=None)
@given(orders_940())
def test_order_to_940_and_back_is_identity(order: Order) -> None:
    assert roundtrip(write_940(order)) == order


def test_edifact_service_characters_in_data_are_released_and_read_back() -> None:
    sscc = "00012345600001234"
    asn = ASN(
        asn_number="ASN+1:2'3?4",
        supplier_id="SUP",
        ship_to_location_id="DC1",
        shipped_at=NOW,
        orders=[
            AsnOrder(
                purchase_order_number="PO'1",
                packs=[
                    AsnPack(
                        sscc=sscc + str(gs1_check_digit(sscc)),
                        items=[AsnItem(sku="A+B:C", quantity=Quantity(value=Decimal(2)))],
                    )
                ],
            )
        ],
    )
    message = write_desadv(asn, EDIFACT.delimiters)
    assert "BGM+351+ASN?+1?:2?'3??4+9'" in message
    text = render_edifact([message], EDIFACT, control_reference=7, now=NOW)
    (item,) = read_edifact(text).messages()
    assert item.payload == asn


edifact_words = st.text(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz0123456789 .,#&/-+:'?", min_size=1, max_size=30
).filter(lambda s: s.strip() == s)
edifact_addresses = st.builds(
    Address,
    name=st.none() | edifact_words,
    line1=edifact_words,
    line2=st.none() | edifact_words,
    city=edifact_words,
    region=st.none() | st.sampled_from(["OH", "BY", "NRW"]),
    postal_code=st.none() | st.text("0123456789", min_size=5, max_size=5),
    country=st.sampled_from(["US", "DE", "FR"]),
)


@st.composite
def orders_edifact(draw: st.DrawFn) -> Order:
    currency = draw(st.sampled_from(["EUR", "USD", "JPY"]))
    count = draw(st.integers(1, 4))
    numbers = draw(st.lists(st.integers(1, 999), min_size=count, max_size=count, unique=True))
    ship_to = draw(st.none() | edifact_addresses)
    return Order(
        order_number=draw(ids),
        channel="edi",
        placed_at=draw(instants),
        currency=currency,
        customer=Customer(customer_id=draw(st.none() | ids), name=draw(st.none() | edifact_words)),
        ship_to=ship_to,
        ship_to_location_id=draw(ids) if ship_to is None else draw(st.none() | ids),
        bill_to=draw(st.none() | edifact_addresses),
        promised_date=draw(st.none() | days),
        lines=[
            OrderLine(
                line_number=number,
                sku=draw(ids),
                quantity=draw(quantities),
                unit_price=Money(amount=draw(st.integers(0, 10_000_000)), currency=currency),
                description=draw(st.none() | edifact_words),
            )
            for number in numbers
        ],
        external_reference=draw(st.none() | ids),
    )


@settings(max_examples=150, deadline=None)
@given(orders_edifact())
def test_order_to_orders_and_back_is_identity(order: Order) -> None:
    text = render_edifact(
        [write_orders(order, EDIFACT.delimiters)], EDIFACT, control_reference=7, now=NOW
    )
    (item,) = read_edifact(text).messages()
    assert item.accepted, [f.describe() for f in item.findings]
    assert item.payload == order

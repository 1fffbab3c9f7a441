"""The 850 carries the order's money: line discounts and tax, shipping (SAC*C*D240),
the order tax (header TXI) and the buyer's stated total (AMT*TT), so a route can
reconcile it; the province comes from N4."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import msgspec

from tests.transforms.edi.test_canonical_roundtrip import roundtrip
from transforms.edi.x12.mapping.order_850_write import write_850
from transforms.model import Address, Customer, Money, Order, OrderLine, Quantity
from transforms.pipeline import PipelineContext
from transforms.testing import pipeline_from_yaml


def usd(amount: int) -> Money:
    return Money(amount=amount, currency="USD")


ORDER = Order(
    order_number="PO-850-1",
    channel="edi",
    placed_at=datetime(2026, 11, 23, 15, 15, tzinfo=UTC),
    currency="USD",
    customer=Customer(name="Northstar Retail"),
    ship_to=Address(line1="1 Dock Rd", city="Louisville", region="KY", country="US"),
    shipping_charge=usd(1000),
    tax=usd(1299),
    total=usd(8999 + 15999 - 500 + 1000 + 1299 + 80),
    lines=[
        OrderLine(
            line_number=1, sku="SKU-100", quantity=Quantity(value=Decimal(1)), unit_price=usd(8999)
        ),
        OrderLine(
            line_number=2,
            sku="SKU-200",
            quantity=Quantity(value=Decimal(1)),
            unit_price=usd(15999),
            discount=usd(500),
            tax=usd(80),
        ),
    ],
)


def test_850_reads_back_tax_total_shipping_discounts_and_province() -> None:
    order = roundtrip(write_850(ORDER))
    assert order == ORDER
    assert isinstance(order, Order) and order.ship_to is not None
    assert (order.total, order.tax, order.ship_to.region) == (usd(26877), usd(1299), "KY")


def test_the_850_order_balances_in_a_reconcile_step() -> None:
    pipeline = pipeline_from_yaml("- {step: reconcile, label: po-totals, tolerance: 0}")
    payload = msgspec.to_builtins(roundtrip(write_850(ORDER)))
    ctx = PipelineContext(route_id="edi", now=datetime.now(UTC))
    assert pipeline(payload, ctx)[0].payload["total"] == {"amount": 26877, "currency": "USD"}

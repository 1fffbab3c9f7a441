"""A large, valid 856 interchange generated from canonical ASNs (deterministic)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from transforms.edi.x12.mapping.asn_856_write import write_856
from transforms.edi.x12.writer import EnvelopeSettings, OutboundSet, render_interchange
from transforms.model import ASN, AsnItem, AsnOrder, AsnPack, Quantity, gs1_check_digit

ENVELOPE = EnvelopeSettings(sender_id="BENCHSUPPLIER", receiver_id="OMNIHUB")
START = datetime(2026, 1, 1, tzinfo=UTC)


def _gs1(rng: random.Random, length: int) -> str:
    body = "".join(rng.choice("0123456789") for _ in range(length - 1))
    return body + str(gs1_check_digit(body))


def _asn(rng: random.Random, number: int) -> ASN:
    orders = []
    for o in range(rng.randint(1, 3)):
        packs = [
            AsnPack(
                sscc=_gs1(rng, 18),
                items=[
                    AsnItem(
                        sku=f"SKU-{rng.randint(1, 99999):05d}",
                        gtin=_gs1(rng, 13),
                        quantity=Quantity(value=Decimal(rng.randint(1, 48))),
                        lot=f"LOT{rng.randint(1, 999)}" if rng.random() < 0.3 else None,
                    )
                    for _ in range(rng.randint(1, 4))
                ],
            )
            for _ in range(rng.randint(1, 4))
        ]
        orders.append(AsnOrder(purchase_order_number=f"PO{number:07d}-{o}", packs=packs))
    return ASN(
        asn_number=f"ASN{number:08d}",
        supplier_id="SUP1",
        ship_to_location_id="DC1",
        shipped_at=START + timedelta(minutes=number),
        carrier="UPSN",
        tracking_number=f"1Z{number:010d}",
        orders=orders,
    )


def generate_856(target_bytes: int, seed: int = 7) -> tuple[bytes, int]:
    """An interchange of about ``target_bytes`` holding 856 sets; and the set count."""
    rng = random.Random(seed)
    sets: list[OutboundSet] = []
    size = 0
    while size < target_bytes:
        outbound = write_856(_asn(rng, len(sets) + 1))
        sets.append(outbound)
        size += sum(len(s.render(ENVELOPE.separators)) + 2 for s in outbound.body) + 40
    text = render_interchange(
        [sets], ENVELOPE, interchange_control_number=1, group_control_numbers=[1], now=START
    )
    return text.encode(), len(sets)

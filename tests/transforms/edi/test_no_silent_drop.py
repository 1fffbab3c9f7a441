"""Properties: an accepted document carries every item it holds, or says what it left out.

Generated 856s (S-O-P-I, S-O-I, S-I, S-T-P-I, S-O-T-P-I, S-P-I; HL02 filled or
omitted; PRF at order, item or shipment level), 850s and DESADVs, some with item
segments placed where no mapping can read them. Whatever the shape, the set is either
published with one canonical item per item segment, or rejected with its findings in
the 997/CONTRL, or handed over whole as ``edi.unmapped`` (with a finding in the 997
when the mapping left item segments out): never fewer items under an ``AK5*A``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.edi.edifact.read import read_edifact
from transforms.edi.unmapped import UnmappedDocument
from transforms.edi.x12.acks import AckStatus
from transforms.edi.x12.read import read_x12
from transforms.model import ASN, Order

X12Builder = Callable[..., str]
PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SHAPES = ("SOPI", "SOI", "SI", "STPI", "SOTPI", "SPI")
SSCC = ("000123450000000010", "000123450000000027", "000123450000000034", "000123450000000041")

Skus = st.lists(st.sampled_from(["A", "B", "C", "D"]), min_size=1, max_size=3)


@st.composite
def asn_856(draw: st.DrawFn) -> tuple[list[str], list[str], bool]:
    """(856 body, SKUs of its LINs, whether an item segment sits where none belongs)."""
    shape = draw(st.sampled_from(SHAPES))
    omit_parent = draw(st.booleans())
    body = ["BSN*00*ASN-1*20261123*1200"]
    skus: list[str] = []
    number = 0
    stack: dict[str, int] = {}

    def hl(code: str, parent: str | None) -> None:
        nonlocal number
        number += 1
        written_parent = "" if omit_parent or parent is None else str(stack[parent])
        body.append(f"HL*{number}*{written_parent}*{code}")
        stack[code] = number

    hl("S", None)
    body.append("DTM*011*20261123*1200")
    if "O" not in shape:
        body.append("PRF*PO-S")
    for order in range(draw(st.integers(1, 2)) if "O" in shape else 1):
        if "O" in shape:
            hl("O", "S")
            body.append(f"PRF*PO-{order}")
        above = "O" if "O" in shape else "S"
        if "T" in shape:
            hl("T", above)
            body.append("MAN*GM*000123450000000058")
            above = "T"
        for pack in range(draw(st.integers(1, 2)) if "P" in shape else 1):
            if "P" in shape:
                hl("P", above)
                body.append(f"MAN*GM*{SSCC[(order * 2 + pack) % len(SSCC)]}")
            for sku in draw(Skus):
                hl("I", "P" if "P" in shape else above)
                if shape == "SI" and draw(st.booleans()):  # the item's own PO number
                    body.append(f"PRF*PO-I{order}")
                body += [f"LIN**SK*{sku}", f"SN1**{draw(st.integers(1, 9))}*EA"]
                skus.append(sku)
    misplaced = draw(st.booleans())
    if misplaced:  # an item segment in a level no mapping reads items from
        at = draw(st.sampled_from([i for i, s in enumerate(body) if s.startswith("HL*")]))
        body.insert(at + 1, "LIN**SK*Z")
        skus.append("Z")
    return body, skus, misplaced


def asn_skus(asn: ASN) -> Counter[str]:
    skus = Counter(i.sku for o in asn.orders for i in o.items)
    skus.update(i.sku for o in asn.orders for p in o.packs for i in p.items)
    return skus


@PROPERTY
@given(asn_856())
def test_every_856_item_reaches_the_asn_or_is_reported(
    x12: X12Builder, generated: tuple[list[str], list[str], bool]
) -> None:
    body, skus, misplaced = generated
    result = read_x12(x12(("856", body)))
    (item,) = result.sets()
    status = result.interchanges[0].groups[0].ack
    assert status is not None
    if item.event_type == "asn.received":
        assert isinstance(item.payload, ASN)
        assert asn_skus(item.payload) == Counter(skus)
        assert status.status is AckStatus.ACCEPTED
    elif isinstance(item.payload, UnmappedDocument):  # handed over whole, with the reason
        assert item.payload.text.count("~LIN*") == len(skus)
        assert bool(item.findings) == (status.status is not AckStatus.ACCEPTED)
    else:
        assert not item.accepted and item.findings
        assert status.status is AckStatus.REJECTED
    if not misplaced:  # every generated shape is one the mapping reads
        assert item.event_type == "asn.received", [f.describe() for f in item.findings]


@st.composite
def order_850(draw: st.DrawFn) -> tuple[list[str], int]:
    body = ["BEG*00*SA*PO-1**20261123", "N1*ST*SHOP*92*S1", "N3*1 MAIN ST", "N4*AUSTIN*TX*78701*US"]
    lines = draw(st.integers(1, 5))
    for number in range(1, lines + 1):
        product = draw(st.sampled_from(["*VN*ABC", "*UP*012345678905", ""]))
        body.append(f"PO1*{number}*{draw(st.integers(1, 9))}*EA*1.5*{product}")
        body += draw(st.lists(st.sampled_from(["PID*F****THING", "TXI*ST*0.12"]), max_size=2))
    body.append(f"CTT*{lines}")
    return body, lines


@PROPERTY
@given(order_850())
def test_every_850_line_reaches_the_order_or_is_reported(
    x12: X12Builder, generated: tuple[list[str], int]
) -> None:
    body, lines = generated
    result = read_x12(x12(("850", body)))
    (item,) = result.sets()
    ack = result.interchanges[0].groups[0].ack_text
    if item.event_type == "order.created":
        assert isinstance(item.payload, Order) and len(item.payload.lines) == lines
        assert "AK5*A~" in ack
    elif isinstance(item.payload, UnmappedDocument):
        assert item.payload.text.count("~PO1*") == lines
    else:
        assert not item.accepted and item.findings and "AK5*R" in ack


@st.composite
def desadv(draw: st.DrawFn) -> tuple[str, list[str], bool]:
    body = [
        "BGM+351+DES-1+9",
        "DTM+11:20261123:102",
        "RFF+ON:PO-1",
        "NAD+DP+5412345000020::9",
    ]
    skus: list[str] = []
    misplaced = draw(st.booleans())
    if misplaced:
        body += ["LIN+9++Z:SA", "QTY+12:1"]
        skus.append("Z")
    for level in range(1, draw(st.integers(1, 3)) + 1):
        body.append(f"CPS+{level}")
        if draw(st.booleans()):
            body.append(f"GIN+BJ+{SSCC[level % len(SSCC)]}")
        for sku in draw(Skus):
            body += [f"LIN+{len(skus) + 1}++{sku}:SA", f"QTY+12:{draw(st.integers(1, 9))}"]
            skus.append(sku)
    segments = ["UNH+1+DESADV:D:96A:UN", *body]
    segments.append(f"UNT+{len(segments) + 1}+1")
    text = "UNB+UNOA:3+SUP:14+HUB:14+261123:1430+7'" + "'".join(segments) + "'UNZ+1+7'"
    return text, skus, misplaced


@PROPERTY
@given(desadv())
def test_every_desadv_lin_reaches_the_asn_or_is_reported(
    generated: tuple[str, list[str], bool],
) -> None:
    text, skus, misplaced = generated
    result = read_edifact(text)
    (message,) = result.messages()
    if message.event_type == "asn.received":
        assert isinstance(message.payload, ASN)
        assert asn_skus(message.payload) == Counter(skus)
        assert "UCS+" not in result.interchanges[0].contrl_text
    elif isinstance(message.payload, UnmappedDocument):  # handed over whole, with the reason
        assert message.payload.text.count("'LIN+") == len(skus)
        assert bool(message.findings) == ("UCS+" in result.interchanges[0].contrl_text)
    else:
        assert not message.accepted and message.findings
    if not misplaced:
        assert message.event_type == "asn.received", [f.describe() for f in message.findings]

"""EDIFACT envelope checks and the CONTRL built from them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from transforms.edi.control_numbers import InMemoryControlNumbers
from transforms.edi.edifact.contrl import ContrlAck
from transforms.edi.edifact.contrl_writer import write_contrl
from transforms.edi.edifact.read import read_edifact
from transforms.edi.edifact.results import EdifactReadResult
from transforms.edi.edifact.settings import EdifactReadSettings
from transforms.edi.edifact.writer import EdifactEnvelopeSettings
from transforms.edi.findings import Severity
from transforms.edi.strictness import Strictness
from transforms.model import Order

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
UNB = "UNA:+.? 'UNB+UNOC:3+SENDER:14+RECIPIENT:14+261123:1430+42'"
ORDER = (
    "UNH+M1+ORDERS:D:96A:UN'BGM+220+PO42+9'DTM+137:20261123:102'"
    "NAD+BY+++Buyer+1 Main St+Akron++44301+US'LIN+1++SKU1:SA'QTY+21:2'PRI+AAA:3.50'"
    "UNT+8+M1'"
)


def read(text: str, strictness: Strictness = Strictness.WARN) -> EdifactReadResult:
    return read_edifact(text, settings=EdifactReadSettings(strictness=strictness))


def test_valid_interchange_is_acknowledged_with_action_7() -> None:
    result = read(UNB + ORDER + "UNZ+1+42'")
    interchange = result.interchanges[0]
    assert interchange.findings == ()
    assert interchange.contrl_text == (
        "UNH+1+CONTRL:D:3:UN'UCI+42+SENDER:14+RECIPIENT:14+7'UCM+M1+ORDERS:D:96A:UN+7'UNT+4+1'"
    )
    assert [m.event_type for m in result.messages()] == ["order.created"]


def test_unt_count_mismatch_rejects_the_message_with_code_29() -> None:
    result = read(UNB + ORDER.replace("UNT+8", "UNT+7") + "UNZ+1+42'")
    (message,) = result.messages()
    assert not message.accepted and message.payload is None
    assert (message.findings[0].code, message.findings[0].segment_position) == ("29", 8)
    assert "UCM+M1+ORDERS:D:96A:UN+4+29+UNT+1'" in result.interchanges[0].contrl_text


def test_unt_reference_mismatch_rejects_the_message_with_code_28() -> None:
    result = read(UNB + ORDER.replace("UNT+8+M1", "UNT+8+M2") + "UNZ+1+42'")
    (message,) = result.messages()
    assert [f.code for f in message.findings] == ["28"]


def test_unz_reference_mismatch_warns_by_default() -> None:
    result = read(UNB + ORDER + "UNZ+1+43'")
    interchange = result.interchanges[0]
    assert [(f.code, f.severity) for f in interchange.findings] == [("28", Severity.WARNING)]
    assert [m.accepted for m in interchange.messages] == [True]
    assert "UCI+42+SENDER:14+RECIPIENT:14+7+28+UNZ+2'" in interchange.contrl_text


def test_unz_reference_mismatch_rejects_everything_when_strict() -> None:
    result = read(UNB + ORDER + "UNZ+1+43'", Strictness.REJECT)
    assert result.accepted() == []
    assert "UCI+42+SENDER:14+RECIPIENT:14+4+28" in result.interchanges[0].contrl_text


def test_missing_unz_is_reported_as_missing() -> None:
    result = read(UNB + ORDER)
    assert [(f.code, f.segment_id) for f in result.interchanges[0].findings] == [("13", "UNZ")]


def test_unz_count_mismatch_is_reported() -> None:
    result = read(UNB + ORDER + "UNZ+2+42'")
    assert [f.code for f in result.interchanges[0].findings] == ["29"]


def test_content_error_is_reported_with_ucs_and_ucd() -> None:
    result = read(UNB + ORDER.replace("QTY+21:2", "QTY+21:two") + "UNZ+1+42'")
    (message,) = result.messages()
    assert not message.accepted
    assert "UCS+6'UCD+12+1'" in result.interchanges[0].contrl_text


async def test_contrl_is_written_as_its_own_interchange_that_reads_back() -> None:
    result = read(UNB + ORDER.replace("UNT+8", "UNT+7") + "UNZ+1+42'")
    settings = EdifactEnvelopeSettings(sender_id="RECIPIENT", recipient_id="SENDER")
    text = await write_contrl(result.interchanges[0], settings, InMemoryControlNumbers(), NOW)
    assert text is not None
    reply = read_edifact(text)
    (contrl,) = reply.messages()
    assert contrl.message_type == "CONTRL"
    assert reply.interchanges[0].findings == ()
    assert reply.interchanges[0].contrl is None  # a CONTRL is not acknowledged
    assert "UCM+M1+ORDERS:D:96A:UN+4+29+UNT+1'" in text
    ack = contrl.payload
    assert isinstance(ack, ContrlAck) and contrl.event_type == "edi.ack_received"
    assert (ack.interchange_reference, ack.action) == ("42", "7")
    assert [(m.reference, m.action, m.code) for m in ack.messages] == [("M1", "4", "29")]


def test_decimal_comma_prices_are_read() -> None:
    text = (
        "UNA:+,? 'UNB+UNOC:3+SENDER:14+RECIPIENT:14+261123:1430+42'"
        + ORDER.replace("PRI+AAA:3.50", "PRI+AAA:12,80").replace("QTY+21:2", "QTY+21:1,5")
        + "UNZ+1+42'"
    )
    (message,) = read(text).accepted()
    order = message.payload
    assert isinstance(order, Order)
    line = order.lines[0]
    assert (line.unit_price.amount, line.quantity.value) == (1280, Decimal("1.5"))

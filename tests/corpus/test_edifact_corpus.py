"""Every public EDIFACT sample behaves as ../shared/samples/edi/MANIFEST.md says (corpus
suite)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest

from transforms.edi.edifact.read import read_edifact
from transforms.edi.edifact.results import EdifactReadResult
from transforms.model import Order


class Expected(msgspec.Struct, frozen=True):
    """The MANIFEST's "expected" column, as data."""

    events: tuple[str | None, ...]
    message_actions: tuple[str, ...]
    interchange_codes: tuple[str, ...] = ()


EXPECTED: dict[str, Expected] = {
    "ORDERS_pydifact_wikipedia_de.edi": Expected(("order.created",), ("7",), ("28",)),
    "ORDERS_pydifact_order_EAN008_no-UNZ.edi": Expected(("order.created",), ("7",), ("13",)),
    "ORDERS_smooks_ORDERS_D.03B_Interchange.txt": Expected(("order.created",), ("7",)),
    "ORDERS_smooks_BAD_ORDERS_D.03B_INVALID.txt": Expected((None,), ("4",)),
    "ORDERS_staedi_orders-with-group_D96B.edi": Expected((None,), ("4",)),
}


def read_sample(samples: Path, name: str) -> EdifactReadResult:
    return read_edifact((samples / "edifact" / name).read_bytes())


def test_every_edifact_sample_has_an_expectation(samples: Path) -> None:
    assert sorted(p.name for p in (samples / "edifact").iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_sample_has_one_orders_message(samples: Path, name: str) -> None:
    result = read_sample(samples, name)
    assert [m.message_type for m in result.messages()] == ["ORDERS"]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_sample_maps_to_the_expected_events(samples: Path, name: str) -> None:
    result = read_sample(samples, name)
    assert tuple(m.event_type for m in result.messages()) == EXPECTED[name].events


@pytest.mark.parametrize("name", list(EXPECTED))
def test_sample_contrl_message_actions(samples: Path, name: str) -> None:
    (interchange,) = read_sample(samples, name).interchanges
    assert interchange.contrl is not None
    actions = tuple(m.action for m in interchange.contrl.messages)
    assert actions == EXPECTED[name].message_actions


@pytest.mark.parametrize("name", list(EXPECTED))
def test_sample_interchange_findings(samples: Path, name: str) -> None:
    (interchange,) = read_sample(samples, name).interchanges
    assert tuple(f.code for f in interchange.findings) == EXPECTED[name].interchange_codes


def test_unz_reference_mismatch_is_reported_in_the_contrl(samples: Path) -> None:
    (interchange,) = read_sample(samples, "ORDERS_pydifact_wikipedia_de.edi").interchanges
    assert "UCI+1+Senderkennung+Empfaengerkennung+7+28+UNZ+2'" in interchange.contrl_text


def test_wikipedia_order_is_mapped_with_the_buyer_address(samples: Path) -> None:
    (message,) = read_sample(samples, "ORDERS_pydifact_wikipedia_de.edi").accepted()
    order = message.payload
    assert isinstance(order, Order)
    assert order.order_number == "B10001"
    assert order.ship_to is not None and order.ship_to.city == "Stadt"
    assert [(line.sku, line.quantity.value) for line in order.lines] == [
        ("Produkt Schrauben", Decimal(1000))
    ]


def test_decimal_comma_sample_reads_its_delimiters(samples: Path) -> None:
    (interchange,) = read_sample(samples, "ORDERS_pydifact_order_EAN008_no-UNZ.edi").interchanges
    assert interchange.header.delimiters.decimal == ","
    assert interchange.header.syntax_version == "4"


def test_gln_delivery_party_becomes_the_ship_to_location(samples: Path) -> None:
    (message,) = read_sample(samples, "ORDERS_pydifact_order_EAN008_no-UNZ.edi").accepted()
    order = message.payload
    assert isinstance(order, Order)
    assert (order.order_number, order.ship_to_location_id, order.ship_to) == (
        "801715918011",
        "8711576100019",
        None,
    )
    assert order.placed_at == datetime(2015, 8, 3, tzinfo=UTC)
    assert [(ln.sku, ln.quantity.value) for ln in order.lines] == [
        ("5020436373085", Decimal(8)),
        ("5020436373108", Decimal(8)),
    ]


def test_without_delivery_party_the_buyer_gln_is_the_ship_to_location(samples: Path) -> None:
    (message,) = read_sample(samples, "ORDERS_smooks_ORDERS_D.03B_Interchange.txt").accepted()
    order = message.payload
    assert isinstance(order, Order)
    assert order.ship_to_location_id == "5412345000176"
    assert [ln.sku for ln in order.lines] == [
        "0764569104",
        "0764569090",
        "1861004656",
        "0596006756",
    ]


def test_bad_orders_is_rejected_with_the_count_error(samples: Path) -> None:
    result = read_sample(samples, "ORDERS_smooks_BAD_ORDERS_D.03B_INVALID.txt")
    (message,) = result.messages()
    assert not message.accepted and message.payload is None and result.accepted() == []
    finding = message.findings[0]
    assert (finding.code, finding.segment_id, finding.segment_position) == ("29", "UNT", 57)
    assert "UNT says '22' segments, the message has 57" in finding.message
    contrl = result.interchanges[0].contrl_text
    assert "UCM+SSDD1+ORDERS:D:03B:UN+4+29+UNT+1'" in contrl


def test_syntax_4_repetitions_are_split(samples: Path) -> None:
    (message,) = read_sample(samples, "ORDERS_smooks_ORDERS_D.03B_Interchange.txt").messages()
    com = next(s for s in message.message.segments if s.tag == "COM")
    assert com.repetitions(1) == (("s11", "AA"), ("s21", "AA"), ("s31", "AA"))


def test_grouped_orders_is_rejected_for_its_count_and_version_noted(samples: Path) -> None:
    result = read_sample(samples, "ORDERS_staedi_orders-with-group_D96B.edi")
    (message,) = result.messages()
    assert not message.accepted
    assert [(f.code, f.severity.value) for f in message.findings] == [
        ("29", "error"),
        ("12", "warning"),
    ]
    assert message.message.group_reference == "1"


@pytest.mark.parametrize("name", list(EXPECTED))
def test_accepted_orders_carry_every_lin(samples: Path, name: str) -> None:
    """No silent drop: an accepted ORDERS holds one line per LIN."""
    for message in read_sample(samples, name).accepted():
        assert isinstance(message.payload, Order)
        lins = sum(s.tag == "LIN" for s in message.message.body)
        assert len(message.payload.lines) == lins

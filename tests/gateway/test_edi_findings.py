"""Through POST /v1/edi/*: what a mapping cannot place is in the 997 and the journey,
and the patterns partners send (omitted HL02, BOM, 005010 945, consignee ship-to,
unpadded control numbers) are accepted as they should be."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
import redis.asyncio as aioredis

from omnihub.journey import JourneyStore, Stage
from omnihub.settings import Settings
from tests.gateway.edi_support import EdiCreds, listening, payload, post_edi
from tests.support.edi_fixtures import fixture


async def test_item_segments_left_out_are_in_the_997_and_the_journey(
    edi_gateway: httpx.AsyncClient,
    settings: Settings,
    edi_creds: EdiCreds,
    redis_client: aioredis.Redis,
) -> None:
    async with listening(settings) as published:
        body = fixture("x12/856_lin-in-pack-level.edi")
        response = await post_edi(edi_gateway, "x12", body, edi_creds.supplier)
        [event] = await published.settle(1)
    assert response.status_code == 200, response.text
    assert "AK3*LIN*16**2~\nAK3*SN1*17**2~\nAK5*E*5~" in response.text
    assert "AK5*A" not in response.text
    assert event.event == "edi.unmapped"  # not asn.received with an item missing
    assert "could not place 2 item segment(s)" in payload(event)["reason"]
    store = JourneyStore(redis_client, settings.names, timedelta(minutes=5))
    journey = None
    for _ in range(100):
        journey = await store.get(event.id)
        if journey is not None:
            break
        await asyncio.sleep(0.05)
    assert journey is not None
    received = next(e for e in journey.entries if e.stage is Stage.RECEIVED)
    assert received.detail is not None
    assert "unmapped: the 856 mapping could not place" in received.detail
    assert "LIN at segment 16 has no place in the canonical document" in received.detail


CASES = {
    "856 with HL02 omitted": (
        "x12/856_hl02-omitted.edi",
        "asn.received",
        "AK5*A",
        lambda p: (
            [(o["purchase_order_number"], len(o["items"])) for o in p["orders"]]
            == [("PO-1", 2), ("PO-2", 1)]
        ),
    ),
    "945 in 005010 without W06-02": (
        "x12/945_005010_w06-02-empty.edi",
        "shipment.confirmed",
        "AK5*A",
        lambda p: p["order_number"] == "PO-77",
    ),
    "940 shipping to the consignee": (
        "x12/940_ship-to-consignee_newline-seg_no-final-terminator.edi",
        "order.fulfillment_requested",
        "AK5*A",
        lambda p: p["ship_to"]["city"] == "AUSTIN",
    ),
    "850 with unpadded trailer control numbers": (
        "x12/850_control-numbers-unpadded.edi",
        "order.created",
        "AK9*A*1*1*1",
        lambda p: p["order_number"] == "PO-850-1",
    ),
    "EDIFACT with a byte-order mark and CRLF": (
        "edifact/ORDERS_bom_leading-blank-lines_crlf.edi",
        "order.created",
        "UCM+1+ORDERS:D:96A:UN+7'",
        lambda p: p["order_number"] == "PO-EF-1",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_partner_patterns_are_accepted_through_the_route(
    edi_gateway: httpx.AsyncClient, settings: Settings, edi_creds: EdiCreds, case: str
) -> None:
    name, event_type, ack, check = CASES[case]
    standard = name.split("/")[0]
    async with listening(settings) as published:
        response = await post_edi(edi_gateway, standard, fixture(name), edi_creds.supplier)
        events = await published.settle(1)
    assert response.status_code == 200, response.text
    assert ack in response.text and "TA1" not in response.text
    assert [e.event for e in events] == [event_type]
    assert check(payload(events[0]))

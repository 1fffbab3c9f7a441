"""Raw EDI routes: POST /v1/edi/x12 and /v1/edi/edifact against real RabbitMQ and Redis."""

from __future__ import annotations

import httpx

from omnihub.settings import Settings
from tests.gateway.edi_support import EdiCreds, listening, payload
from tests.support.edi_fixtures import fixture

X12 = {"content-type": "application/edi-x12"}


def key(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def test_valid_856_publishes_one_asn_and_answers_an_accepted_997(
    edi_gateway: httpx.AsyncClient, settings: Settings, edi_creds: EdiCreds
) -> None:
    async with listening(settings) as published:
        response = await edi_gateway.post(
            "/v1/edi/x12",
            content=fixture("x12/856_s-o-i_loose-items.edi"),
            headers={**X12, **key(edi_creds.supplier)},
        )
        events = await published.settle(1)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/edi-x12")
    ack = response.text
    assert ack.startswith("ISA*") and "*ZZ*OMNIHUB        *" in ack
    assert "ST*997*" in ack and "AK5*A" in ack and "AK9*A*1*1*1" in ack
    assert [e.event for e in events] == ["asn.received"]
    assert events[0].partner == "supplier" and events[0].route == "edi-x12"
    assert events[0].business_key == payload(events[0])["asn_number"]
    assert response.headers["omnihub-message-ids"] == events[0].id


async def test_invalid_940_publishes_nothing_and_answers_ak5_r(
    edi_gateway: httpx.AsyncClient, settings: Settings, edi_creds: EdiCreds
) -> None:
    async with listening(settings) as published:
        response = await edi_gateway.post(
            "/v1/edi/x12",
            content=fixture("x12/940_se01-wrong.edi"),
            headers={"content-type": "text/plain", **key(edi_creds.supplier)},
        )
        events = await published.settle(0)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    assert "AK5*R*4" in response.text and "AK9*R*1*1*0" in response.text
    assert events == []
    assert response.headers["omnihub-message-ids"] == ""


async def test_text_that_is_not_x12_is_422_with_its_position(
    edi_gateway: httpx.AsyncClient, edi_creds: EdiCreds
) -> None:
    response = await edi_gateway.post(
        "/v1/edi/x12", content=b"UNB+UNOA:4+X+Y'", headers={**X12, **key(edi_creds.supplier)}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/edi-syntax") and problem["offset"] == 0
    assert (problem["segment_position"], problem["segment"]) == (1, "UNB")
    assert "ISA" in problem["detail"]


async def test_a_truncated_second_interchange_is_422_naming_its_segment_position(
    edi_gateway: httpx.AsyncClient, settings: Settings, edi_creds: EdiCreds
) -> None:
    body = fixture("x12/856_s-o-i_loose-items.edi").rstrip() + b"\nISA*00*short~"
    async with listening(settings) as published:
        response = await edi_gateway.post(
            "/v1/edi/x12", content=body, headers={**X12, **key(edi_creds.supplier)}
        )
        events = await published.settle(0)
    assert response.status_code == 422
    problem = response.json()
    assert problem["segment"] == "ISA" and problem["segment_position"] == 22  # after 21
    assert "truncated" in problem["detail"]
    assert events == []  # the good first interchange is not published either


async def test_interchange_under_another_partners_id_is_403_and_publishes_nothing(
    edi_gateway: httpx.AsyncClient, settings: Settings, edi_creds: EdiCreds
) -> None:
    async with listening(settings) as published:
        response = await edi_gateway.post(
            "/v1/edi/x12",
            content=fixture("x12/856_s-o-i_loose-items.edi"),
            headers={**X12, **key(edi_creds.stranger)},
        )
        events = await published.settle(0)
    assert response.status_code == 403
    assert "4405197800" in response.json()["detail"]
    assert events == []


async def test_edifact_orders_publishes_the_order_and_answers_contrl(
    edi_gateway: httpx.AsyncClient, settings: Settings, edi_creds: EdiCreds
) -> None:
    async with listening(settings) as published:
        response = await edi_gateway.post(
            "/v1/edi/edifact",
            content=fixture("edifact/ORDERS_syntax4_repetition.edi"),
            headers={"content-type": "application/edifact", **key(edi_creds.supplier)},
        )
        events = await published.settle(1)
    assert response.status_code == 200, response.text
    assert "UNH+" in response.text and "CONTRL" in response.text
    assert [e.event for e in events] == ["order.created"]
    assert events[0].business_key == "PO-EF-1"


async def test_async_partner_gets_202_and_the_997_is_published(
    edi_gateway: httpx.AsyncClient, settings: Settings, edi_creds: EdiCreds
) -> None:
    async with listening(settings) as published:
        response = await edi_gateway.post(
            "/v1/edi/x12",
            content=fixture("x12/856_s-o-i_loose-items.edi"),
            headers={**X12, **key(edi_creds.async_supplier)},
        )
        events = await published.settle(2)
    assert response.status_code == 202, response.text
    assert sorted(e.event for e in events) == ["asn.received", "edi.acknowledgement"]
    ack = next(e for e in events if e.event == "edi.acknowledgement")
    assert "AK5*A" in payload(ack)["text"] and payload(ack)["acknowledges"] == "000000049"
    assert sorted(response.json()["message_ids"]) == sorted(e.id for e in events)


async def test_edi_route_without_credentials_is_401(edi_gateway: httpx.AsyncClient) -> None:
    response = await edi_gateway.post("/v1/edi/x12", content=b"ISA*", headers=X12)
    assert response.status_code == 401


async def test_json_content_type_is_415(
    edi_gateway: httpx.AsyncClient, edi_creds: EdiCreds
) -> None:
    response = await edi_gateway.post(
        "/v1/edi/x12",
        content=b"{}",
        headers={"content-type": "application/json", **key(edi_creds.supplier)},
    )
    assert response.status_code == 415


async def test_a_resent_interchange_with_the_same_idempotency_key_replays_the_997(
    edi_gateway: httpx.AsyncClient, settings: Settings, edi_creds: EdiCreds
) -> None:
    headers = {**X12, **key(edi_creds.supplier), "Idempotency-Key": "isa-000000049-try"}
    body = fixture("x12/856_s-o-i_loose-items.edi")
    async with listening(settings) as published:
        first = await edi_gateway.post("/v1/edi/x12", content=body, headers=headers)
        again = await edi_gateway.post("/v1/edi/x12", content=body, headers=headers)
        events = await published.settle(1)
    assert first.status_code == again.status_code == 200
    assert again.text == first.text  # the same 997, same control numbers
    assert again.headers["idempotent-replayed"] == "true"
    assert [e.event for e in events] == ["asn.received"]  # published once
    assert events[0].idempotency_key == "isa-000000049-try"

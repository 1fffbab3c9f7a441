"""The edi connector kind: canonical events as X12 over AS2 to the sandbox AS2 partner."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
import redis.asyncio as aioredis

from connectors.http_core import HttpCore
from connectors.kinds import Outbound, build_connector
from connectors.kinds.edi import EdiConnector
from connectors.outcome import MappingFailed, PermanentFailure, RejectedByTarget
from connectors.subscriptions import SubscriptionStore
from omnihub.config.model import As2Settings, Delivery, EdiTarget, Target, TargetKind
from omnihub.edi_counters import RedisControlNumbers
from omnihub.envelope import Envelope
from omnihub.settings import Settings
from sandbox import create_sandbox_app
from sandbox.as2_partner import As2Partner, As2PartnerSettings
from tests.connectors.as2_identities import Identity
from tests.support.hub import running_app
from tests.support.orders import order
from transforms.edi import EnvelopeSettings, read_x12

HUB, PARTNER = Identity("omnihub"), Identity("tpl-partner")
ENVELOPE = EnvelopeSettings(sender_id="OMNIHUB", receiver_id="TPLWAREHOUSE")


@pytest.fixture
async def partner() -> AsyncIterator[tuple[As2Partner, str]]:
    as2 = As2Partner(
        As2PartnerSettings(
            as2_name="TPL",
            key_pem=PARTNER.key_pem,
            certificate_pem=PARTNER.certificate_pem,
            hub_as2_name="OMNIHUB",
            hub_certificate_pem=HUB.certificate_pem,
        )
    )
    async with running_app(create_sandbox_app(as2=as2)) as url:
        yield as2, url


def _target(url: str, directory: Path, *, encrypt: bool = True) -> Target:
    (directory / "hub.key").write_bytes(HUB.key_pem)
    (directory / "hub.crt").write_bytes(HUB.certificate_pem)
    (directory / "tpl.crt").write_bytes(PARTNER.certificate_pem)
    as2 = As2Settings(
        as2_from="OMNIHUB",
        as2_to="TPL",
        our_key_file="hub.key",
        our_certificate_file="hub.crt",
        partner_certificate_file="tpl.crt",
        encrypt=encrypt,
    )
    edi = EdiTarget(envelope=ENVELOPE, transport="as2", path="/as2", as2=as2)
    return Target(kind=TargetKind.EDI, base_url=url, edi=edi)


def _connector(
    target: Target,
    directory: Path,
    redis: aioredis.Redis,
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None = None,
) -> tuple[EdiConnector, HttpCore]:
    core = HttpCore("tpl", target, transport=transport)
    delivery = Delivery(target="tpl", events=["order.created"])

    def no_store() -> SubscriptionStore:
        raise AssertionError("an edi target has no subscriptions")

    connector = build_connector(
        "tpl",
        target,
        "orders-to-tpl",
        delivery,
        core,
        no_store,
        control_numbers=RedisControlNumbers(redis, settings.names),
        directory=directory,
    )
    assert isinstance(connector, EdiConnector)
    return connector, core


def _outbound(event: str, payload: dict[str, Any]) -> Outbound:
    now = datetime.now(UTC)
    envelope = Envelope(
        id="0192f0a0-0000-7000-8000-000000000001",
        event=event,
        route="orders",
        partner="acme",
        api_version="v1",
        occurred_at=now,
        received_at=now,
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        payload=payload,
    )
    wire = msgspec.json.decode(msgspec.json.encode(payload))  # as a worker decodes it
    return Outbound(
        envelope=envelope,
        payload=wire,
        event_type=event,
        idempotency_key=envelope.id,
        traceparent=envelope.traceparent,
    )


async def test_order_reaches_the_as2_partner_as_a_940_with_a_positive_mdn(
    partner: tuple[As2Partner, str],
    tmp_path: Path,
    redis_client: aioredis.Redis,
    settings: Settings,
) -> None:
    as2, url = partner
    connector, core = _connector(_target(url, tmp_path), tmp_path, redis_client, settings)
    try:
        delivered = await connector.deliver(_outbound("order.created", order("WEB-940")))
        await connector.deliver(_outbound("order.created", order("WEB-941")))
    finally:
        await core.close()
    assert delivered.status == 200 and "MDN processed" in (delivered.reference or "")
    assert [r.processed for r in as2.received] == [True, True]
    first = as2.received[0]
    assert first.signed and first.encrypted
    read = read_x12(first.payload)
    (accepted,) = read.accepted()
    assert accepted.event_type == "order.fulfillment_requested"
    assert msgspec.structs.asdict(accepted.payload)["order_number"] == "WEB-940"
    numbers = [read_x12(r.payload).interchanges[0].header.control_number for r in as2.received]
    assert numbers == ["000000001", "000000002"]  # from the Redis counter, never repeated


class _TamperSignature(httpx.AsyncBaseTransport):
    """Flips one character inside the PKCS#7 signature of a signed, unencrypted message."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        boundary = re.search(rb'boundary="?([^";\r\n]+)', request.headers["content-type"].encode())
        assert boundary is not None, "expected a signed multipart message"
        end = body.rindex(b"--" + boundary.group(1) + b"--")
        cut = body[:end].rstrip()
        at = len(cut) - 40  # inside the signature value, the last field of the SignedData
        flipped = b"A" if cut[at : at + 1] != b"A" else b"B"
        tampered = cut[:at] + flipped + cut[at + 1 :] + body[len(cut) :]
        headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
        forged = httpx.Request(request.method, request.url, headers=headers, content=tampered)
        return await self._inner.handle_async_request(forged)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def test_tampered_signature_gets_a_negative_mdn_and_fails_permanently(
    partner: tuple[As2Partner, str],
    tmp_path: Path,
    redis_client: aioredis.Redis,
    settings: Settings,
) -> None:
    as2, url = partner
    target = _target(url, tmp_path, encrypt=False)
    connector, core = _connector(target, tmp_path, redis_client, settings, _TamperSignature())
    try:
        with pytest.raises(RejectedByTarget, match="negative MDN") as failure:
            await connector.deliver(_outbound("order.created", order("WEB-BAD")))
    finally:
        await core.close()
    assert isinstance(failure.value, PermanentFailure)
    assert [r.processed for r in as2.received] == [False]
    assert as2.received[0].payload == b""
    assert "signature" in as2.received[0].detail.lower()
    assert "authentication-failed" in failure.value.reason


async def test_an_event_without_an_x12_document_is_a_mapping_failure(
    partner: tuple[As2Partner, str],
    tmp_path: Path,
    redis_client: aioredis.Redis,
    settings: Settings,
) -> None:
    as2, url = partner
    connector, core = _connector(_target(url, tmp_path), tmp_path, redis_client, settings)
    try:
        with pytest.raises(MappingFailed, match="no X12 document"):
            await connector.deliver(_outbound("return.received", {"return_id": "R1"}))
    finally:
        await core.close()
    assert as2.received == []

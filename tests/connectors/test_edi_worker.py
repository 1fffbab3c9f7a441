"""An edi target through the real worker: AS2 to the sandbox partner, MDN outcomes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from omnihub.config import HubConfig
from omnihub.history import DEAD_ERROR_HEADER, DEAD_REASON_HEADER
from omnihub.settings import Settings
from sandbox import create_sandbox_app
from sandbox.as2_partner import As2Partner, As2PartnerSettings
from tests.connectors.as2_identities import Identity
from tests.connectors.harness import (
    depth,
    drain,
    envelope,
    publish,
    running,
    wait_for,
    write_config,
)
from tests.support.hub import running_app
from tests.support.orders import order

HUB, IMPOSTOR, PARTNER = Identity("omnihub"), Identity("impostor"), Identity("tpl")


def _config(directory: Path, url: str, signing: Identity) -> HubConfig:
    (directory / "as2").mkdir(parents=True, exist_ok=True)
    (directory / "as2" / "hub.crt").write_bytes(signing.certificate_pem)
    (directory / "as2" / "tpl.crt").write_bytes(PARTNER.certificate_pem)
    return write_config(
        directory,
        targets=f"""
        tpl:
          kind: edi
          base_url: {url}
          edi:
            envelope: {{sender_id: OMNIHUB, receiver_id: TPLEAST}}
            transport: as2
            path: /as2
            as2:
              as2_from: OMNIHUB
              as2_to: TPL
              our_key: ${{env:T_AS2_KEY}}
              our_certificate_file: as2/hub.crt
              partner_certificate_file: as2/tpl.crt
        """,
        deliveries="""
        orders-to-tpl: {target: tpl, events: [order.created], retry: fast}
        """,
        env={"T_AS2_KEY": signing.key_pem.decode()},
    )


@pytest.fixture
async def partner() -> AsyncIterator[tuple[As2Partner, str]]:
    as2 = As2Partner(
        As2PartnerSettings(
            as2_name="TPL",
            key_pem=PARTNER.key_pem,
            certificate_pem=PARTNER.certificate_pem,
            hub_as2_name="OMNIHUB",
            hub_certificate_pem=HUB.certificate_pem,  # the partner trusts only the hub
        )
    )
    async with running_app(create_sandbox_app(as2=as2)) as url:
        yield as2, url


async def test_worker_delivers_an_order_as_a_940_and_acks_on_a_positive_mdn(
    tmp_path: Path, settings: Settings, partner: tuple[As2Partner, str]
) -> None:
    as2, url = partner
    config = _config(tmp_path, url, HUB)
    async with running(config, settings, "tpl"):
        await publish(settings, config, [envelope(order("W-1"))])
        await wait_for(lambda: len(as2.received) == 1, what="the AS2 partner got the 940")
        await asyncio.sleep(0.2)
        dead = await depth(settings, settings.names.dead_letter_queue("tpl"))
    (received,) = as2.received
    assert received.processed and received.signed and received.encrypted
    assert b"ST*940*" in received.payload and b"W05*N*W-1" in received.payload
    assert dead == 0


async def test_a_signature_the_partner_cannot_verify_is_dead_lettered_at_once(
    tmp_path: Path, settings: Settings, partner: tuple[As2Partner, str]
) -> None:
    as2, url = partner
    config = _config(tmp_path, url, IMPOSTOR)  # signs with a key the partner does not trust
    dlq = settings.names.dead_letter_queue("tpl")
    async with running(config, settings, "tpl"):
        await publish(settings, config, [envelope(order("W-2"))])
        await wait_for(lambda: len(as2.received) == 1, what="the AS2 partner got the message")
        await asyncio.sleep(0.3)
        messages = await drain(settings, dlq)
    assert [r.processed for r in as2.received] == [False]  # not retried
    (message,) = messages
    assert message.headers[DEAD_ERROR_HEADER] == "RejectedByTarget"
    reason = str(message.headers[DEAD_REASON_HEADER])
    assert "negative MDN" in reason and "authentication-failed" in reason

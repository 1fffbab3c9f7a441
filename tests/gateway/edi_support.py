"""An edge configuration with the EDI routes, and a collector of published events.

Request bodies are the repository's own fixtures (`tests.support.edi_fixtures`).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aio_pika
import httpx
import msgspec
import yaml

from gateway.auth import hash_secret
from omnihub.config import HubConfig, load_config
from omnihub.envelope import Envelope, decode_envelope
from omnihub.settings import Settings
from tests.support.connections import connect_broker_robust


class EdiCreds:
    def __init__(self) -> None:
        self.supplier = f"ohk_test_sup_{secrets.token_urlsafe(20)}"
        self.async_supplier = f"ohk_test_asy_{secrets.token_urlsafe(20)}"
        self.stranger = f"ohk_test_str_{secrets.token_urlsafe(20)}"


def write_edi_config(directory: Path, creds: EdiCreds) -> HubConfig:
    (directory / "policies").mkdir(parents=True, exist_ok=True)
    route: dict[str, Any] = {
        "method": "POST",
        "event": "edi.acknowledgement",
        "auth": ["api_key"],
        "scopes": ["edi:write"],
        "tier": "standard",
    }
    routes = {
        "edi-x12": {
            **route,
            "path": "/edi/x12",
            "edi": "x12",
            "versions": {"v1": {"schema": "X12"}},
        },
        "edi-edifact": {
            **route,
            "path": "/edi/edifact",
            "edi": "edifact",
            "versions": {"v1": {"schema": "EDIFACT"}},
        },
    }
    partners = {
        "supplier": {
            "scopes": ["edi:write"],
            "api_keys": [{"id": "sup", "sha256": hash_secret(creds.supplier)}],
            "edi": {
                "sender_ids": ["4405197800", "VENDOR", "APPLICATION"],
                "x12_reply": {"sender_id": "OMNIHUB", "receiver_id": "SUPPLIER"},
            },
        },
        "async-supplier": {
            "scopes": ["edi:write"],
            "api_keys": [{"id": "asy", "sha256": hash_secret(creds.async_supplier)}],
            "edi": {"acknowledge": "async"},
        },
        "stranger": {
            "scopes": ["edi:write"],
            "api_keys": [{"id": "str", "sha256": hash_secret(creds.stranger)}],
            "edi": {"sender_ids": ["STRANGER"]},
        },
    }
    policies = {
        "partners": partners,
        "rate_limit_tiers": {"standard": {"limits": ["1000/second"]}},
        "targets": {"sink": {"base_url": "http://127.0.0.1:9"}},
    }
    (directory / "routes.yaml").write_text(
        yaml.safe_dump({"routes": routes, "deliveries": {}}, sort_keys=False)
    )
    (directory / "policies" / "all.yaml").write_text(yaml.safe_dump(policies, sort_keys=False))
    return load_config(directory, env={})


class Published:
    """Every envelope published to the events exchange while it listens."""

    def __init__(self, queue: aio_pika.abc.AbstractQueue) -> None:
        self._queue = queue
        self.items: list[Envelope] = []

    async def settle(self, expect: int, timeout: float = 3.0) -> list[Envelope]:
        """Wait until `expect` envelopes arrived (and a little longer, to see extras)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.items) < expect and asyncio.get_running_loop().time() < deadline:
            await self._drain()
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        await self._drain()
        return self.items

    async def _drain(self) -> None:
        while (message := await self._queue.get(no_ack=True, fail=False)) is not None:
            self.items.append(decode_envelope(message.body))


@asynccontextmanager
async def listening(settings: Settings) -> AsyncIterator[Published]:
    """Bind a private queue to the events exchange (which the gateway declared)."""
    connection = await connect_broker_robust(settings.amqp_url)
    try:
        channel = await connection.channel()
        exchange = await channel.get_exchange(settings.names.events_exchange, ensure=True)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(exchange, routing_key="#")
        yield Published(queue)
    finally:
        await connection.close()


def payload(envelope: Envelope) -> dict[str, Any]:
    return msgspec.convert(envelope.payload, dict[str, Any])


async def post_edi(
    client: httpx.AsyncClient, standard: str, body: bytes, secret: str
) -> httpx.Response:
    """POST an interchange to /v1/edi/<standard> as text/plain with a partner's API key."""
    return await client.post(
        f"/v1/edi/{standard}",
        content=body,
        headers={"content-type": "text/plain", "Authorization": f"Bearer {secret}"},
    )

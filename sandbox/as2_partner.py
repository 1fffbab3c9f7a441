"""A simulated AS2 trading partner (a 3PL or a retailer) for the EDI connector.

It reads each AS2 message as a real partner does (decrypt, verify the signature with
the hub's certificate, decompress), records what it got, and answers with a signed
synchronous MDN: ``processed`` when everything checked out, ``processed/Error`` with
the reason (e.g. ``authentication-failed`` for a bad signature) otherwise.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.handlers import HTTPRouteHandler
from pyas2lib import Message, Organization, Partner

__all__ = ["As2Partner", "As2PartnerSettings", "As2Received"]

# pyas2lib logs failed verifications with a traceback; the MDN and the record say it.
logging.getLogger("pyas2lib").setLevel(logging.CRITICAL)


class As2PartnerSettings(msgspec.Struct, frozen=True, kw_only=True):
    as2_name: str  # the partner's AS2 id (the hub's as2_to)
    key_pem: bytes  # its private key (decrypts, signs MDNs)
    certificate_pem: bytes  # its certificate (the hub encrypts to it, verifies MDNs)
    hub_as2_name: str  # the hub's AS2 id (as2_from)
    hub_certificate_pem: bytes  # what it verifies the hub's signatures with
    path: str = "/as2"


class As2Received(msgspec.Struct, frozen=True, kw_only=True):
    message_id: str
    processed: bool
    detail: str  # "" when processed, else why not
    signed: bool
    encrypted: bool
    payload: bytes  # the EDI document as received ("" when it could not be read)


def _raw(request: Request[Any, Any, Any], body: bytes) -> bytes:
    lines = [f"{k}: {v}" for k, v in request.headers.items() if k.lower() != "content-length"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class As2Partner:
    """One AS2 endpoint; `received` lists every message it was sent, in order."""

    def __init__(self, settings: As2PartnerSettings) -> None:
        self.settings = settings
        self._org = Organization(
            as2_name=settings.as2_name,
            sign_key=settings.key_pem + b"\n" + settings.certificate_pem,
            decrypt_key=settings.key_pem + b"\n" + settings.certificate_pem,
        )
        self._hub = Partner(
            as2_name=settings.hub_as2_name,
            verify_cert=settings.hub_certificate_pem,
            encrypt_cert=settings.hub_certificate_pem,
            validate_certs=False,
        )
        self.received: list[As2Received] = []

    def receive(self, raw: bytes) -> tuple[As2Received, dict[str, str], bytes]:
        """Read one AS2 message; the record, and the MDN's headers and body."""
        message = Message()
        status, problem, mdn = message.parse(
            raw,
            find_org_cb=lambda name: self._org if name == self.settings.as2_name else None,
            find_partner_cb=lambda name: self._hub if name == self.settings.hub_as2_name else None,
        )
        processed = status == "processed" and problem in (None, (None, None))
        detail = ""
        if not processed:
            detail = str(problem[0]) if isinstance(problem, tuple) and problem[0] else str(status)
        payload = b""
        if processed and message.payload is not None:
            payload = message.payload.get_payload(decode=True) or b""
        record = As2Received(
            message_id=str(message.message_id or ""),
            processed=processed,
            detail=detail,
            signed=bool(message.signed),
            encrypted=bool(message.encrypted),
            payload=payload,
        )
        self.received.append(record)
        if mdn is None:
            return record, {}, b""
        headers = {k: str(v) for k, v in mdn.headers.items()}
        return record, headers, mdn.content

    def handler(self) -> HTTPRouteHandler:
        """The Litestar route: POST <path>, answered with the MDN."""

        async def as2_inbox(request: Request[Any, Any, Any]) -> Response[bytes]:
            body = await request.body()
            _, headers, content = self.receive(_raw(request, body))
            media = headers.pop("Content-Type", "text/plain")
            return Response(content, status_code=200, media_type=media, headers=headers)

        return HTTPRouteHandler(path=self.settings.path, http_method="POST", name="as2-partner")(
            as2_inbox
        )

"""Outbound HMAC signature: ``<header>: <prefix><HMAC(secret, [timestamp "."] body)>``.

With ``timestamp_header`` set, the current Unix time is sent in that header and signed
with the body (``"<timestamp>.<body>"``), so a receiver can refuse replays.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable

import httpx

from omnihub.config.model import HmacSignatureAuth

__all__ = ["HmacSigner", "sign"]


def sign(secret: bytes, message: bytes, algorithm: str, encoding: str) -> str:
    digest = hmac.new(secret, message, getattr(hashlib, algorithm)).digest()
    return digest.hex() if encoding == "hex" else base64.b64encode(digest).decode()


class HmacSigner:
    def __init__(self, config: HmacSignatureAuth, clock: Callable[[], float] = time.time) -> None:
        self._config = config
        self._secret = config.secret.reveal()
        self._clock = clock

    async def apply(self, request: httpx.Request) -> None:
        c = self._config
        message = request.content
        if c.timestamp_header:
            timestamp = str(int(self._clock()))
            request.headers[c.timestamp_header] = timestamp
            message = f"{timestamp}.".encode() + message
        signature = sign(self._secret.encode(), message, c.algorithm, c.encoding)
        request.headers[c.header] = f"{c.prefix}{signature}"

    async def refresh(self, request: httpx.Request) -> bool:
        return False

    def secrets(self) -> tuple[str, ...]:
        return (self._secret,)

"""The outbound auth protocol: what the HTTP core asks of every auth method."""

from __future__ import annotations

from typing import Protocol

import httpx

__all__ = ["OutboundAuth"]


class OutboundAuth(Protocol):
    """Adds credentials to a request built by the HTTP core.

    ``apply`` is called before every send (OAuth2 fetches or refreshes its token there);
    after a 401, ``refresh`` is awaited once and the request is built and sent again when
    it returns True. ``secrets`` lists values that must never appear in logs or histories.
    """

    async def apply(self, request: httpx.Request) -> None: ...

    async def refresh(self, request: httpx.Request) -> bool: ...

    def secrets(self) -> tuple[str, ...]: ...

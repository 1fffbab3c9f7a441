"""Map httpx errors to the delivery error tree, at the boundary.

Every entry of ``VENDOR_ERRORS`` is covered by a test; the first entry the exception is
an instance of wins, so the list runs from the most specific to the most general.
"""

from __future__ import annotations

import httpx

from connectors.outcome import (
    DeliveryFailed,
    TargetTimeout,
    TargetUnreachable,
    UndeliverableMessage,
)

__all__ = ["VENDOR_ERRORS", "map_httpx_error"]

VENDOR_ERRORS: tuple[tuple[type[Exception], type[DeliveryFailed], str], ...] = (
    (httpx.TimeoutException, TargetTimeout, "no answer in time"),
    (httpx.ConnectError, TargetUnreachable, "cannot connect"),
    (httpx.RemoteProtocolError, TargetUnreachable, "closed the connection without an answer"),
    (httpx.UnsupportedProtocol, UndeliverableMessage, "the URL's scheme is not http(s)"),
    (httpx.NetworkError, TargetUnreachable, "network error"),
    (httpx.TransportError, TargetUnreachable, "transport error"),
    (httpx.InvalidURL, UndeliverableMessage, "the URL is invalid"),
    (httpx.RequestError, TargetUnreachable, "request failed"),
)


def map_httpx_error(exc: Exception, what: str) -> DeliveryFailed:
    """The delivery failure for an httpx error raised while calling ``what``."""
    for vendor, mapped, meaning in VENDOR_ERRORS:
        if isinstance(exc, vendor):
            return mapped(f"{what}: {meaning} ({type(exc).__name__})")
    raise TypeError(f"not an httpx error: {type(exc).__name__}")

"""The one HTTP delivery core every connector sends through.

It adds what every delivery carries (``Idempotency-Key: <message id>``, ``traceparent``,
``content-type``, ``user-agent``), applies the target's auth (retrying once with a fresh
token after a 401 when the auth can refresh), measures latency, maps httpx errors and
HTTP statuses onto the delivery error tree, and keeps secrets out of every message.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
import msgspec

from connectors.auth import OutboundAuth, build_auth
from connectors.http_errors import map_httpx_error
from connectors.outcome import AuthRejected, classify_status
from connectors.redact import excerpt
from omnihub.config.model import Target

__all__ = ["HttpCore", "OutboundRequest", "TargetResponse", "parse_retry_after"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


class OutboundRequest(msgspec.Struct, frozen=True, kw_only=True):
    method: str
    url: str  # a path below the target's base URL, or an absolute URL
    body: bytes
    idempotency_key: str
    traceparent: str
    headers: dict[str, str] = {}
    content_type: str = "application/json"


class TargetResponse(msgspec.Struct, frozen=True, kw_only=True):
    """A 2xx answer."""

    status: int
    latency_ms: int
    content: bytes
    headers: dict[str, str] = {}  # e.g. an AS2 MDN's Content-Type and Message-ID

    def json_field(self, name: str) -> str | None:
        """A top-level string/number field of a JSON answer, or None."""
        try:
            data = msgspec.json.decode(self.content)
        except msgspec.DecodeError:
            return None
        value = data.get(name) if isinstance(data, dict) else None
        return str(value) if isinstance(value, str | int) else None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class HttpCore:
    """One per target: a pooled httpx client, the target's auth, base URL and timeout."""

    def __init__(
        self,
        target_id: str,
        target: Target,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        max_connections: int = 100,
    ) -> None:
        self.target_id = target_id
        self.client = httpx.AsyncClient(
            base_url=target.base_url,
            timeout=target.timeout.total_seconds(),
            headers={"user-agent": "omnihub"},
            transport=transport,
            limits=httpx.Limits(max_connections=max_connections),
        )
        self.auth: OutboundAuth = build_auth(target.auth, self.client)

    async def send(self, req: OutboundRequest) -> TargetResponse:
        """Send; return the 2xx answer or raise the most specific `DeliveryFailed`."""
        started = time.monotonic()
        response = await self._send_once(req)
        refreshed = response.status_code == 401 and await self.auth.refresh(response.request)
        if refreshed:
            response = await self._send_once(req)
        latency_ms = int((time.monotonic() - started) * 1000)
        failure = classify_status(response.status_code)
        if failure is None:
            return TargetResponse(
                status=response.status_code,
                latency_ms=latency_ms,
                content=response.content,
                headers=dict(response.headers),
            )
        text = excerpt(response.text, self.auth.secrets())
        where = self.where(req.url)
        reason = f"{self.target_id} answered {response.status_code} to {req.method} {where}"
        if refreshed and failure is AuthRejected:
            reason += " (also with a freshly fetched token)"
        raise failure(
            f"{reason}: {text}" if text else reason,
            status=response.status_code,
            retry_after_s=parse_retry_after(response.headers.get("retry-after")),
            excerpt=text,
            latency_ms=latency_ms,
        )

    def where(self, url: str) -> str:
        """``host:port/path`` of a request URL (no credentials, no query): what an error
        names, so that a wrong address or port is seen at once."""
        try:
            full = self.client.build_request("GET", url).url  # as httpx merges it with the base
        except httpx.InvalidURL:
            return url
        port = full.port or _DEFAULT_PORTS.get(full.scheme)
        return f"{full.host}:{port}{full.path}" if port else f"{full.host}{full.path}"

    async def _send_once(self, req: OutboundRequest) -> httpx.Response:
        try:
            request = self.client.build_request(
                req.method,
                req.url,
                content=req.body,
                headers={
                    **req.headers,
                    "content-type": req.content_type,
                    "idempotency-key": req.idempotency_key,
                    "traceparent": req.traceparent,
                },
            )
            await self.auth.apply(request)
            return await self.client.send(request)
        except (httpx.RequestError, httpx.InvalidURL) as exc:
            what = f"{self.target_id} ({req.method} {self.where(req.url)})"
            raise map_httpx_error(exc, what) from exc

    async def close(self) -> None:
        await self.client.aclose()

"""The one HTTP delivery core every connector sends through.

It adds what every delivery carries (``Idempotency-Key: <message id>``, ``traceparent``,
``content-type``, ``user-agent``), applies the target's auth (retrying once with a fresh
token after a 401 when the auth can refresh), measures latency, maps httpx errors and
HTTP statuses onto the delivery error tree, and keeps secrets out of every message.
Every attempt carries its real elapsed time, failed ones too (a timeout's is about the
target's timeout, a refused connection's a few milliseconds).

A target's connections are split into pools of at most `CONNECTIONS_PER_POOL`
(`SplitPoolTransport`; httpx's single pool where the environment names a proxy):
httpcore's pool looks at each of its connections, polling every idle socket, whenever a
request starts or ends, so a request costs more the larger its pool is.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
import msgspec

from connectors.auth import OutboundAuth, build_auth
from connectors.http_errors import map_httpx_error
from connectors.outcome import AuthRejected, DeliveryFailed, classify_status
from connectors.redact import excerpt
from omnihub.config.model import Target

__all__ = [
    "CONNECTIONS_PER_POOL",
    "HttpCore",
    "OutboundRequest",
    "SplitPoolTransport",
    "TargetResponse",
    "parse_retry_after",
]

_DEFAULT_PORTS = {"http": 80, "https": 443}
CONNECTIONS_PER_POOL = 2


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


def _elapsed_ms(started: float) -> int:
    """Milliseconds since `started` (monotonic), at least 1: an attempt took some time."""
    return max(1, round((time.monotonic() - started) * 1000))


class _ReleasingStream(httpx.AsyncByteStream):
    """A response body that calls `release` once, when it is closed."""

    def __init__(self, stream: httpx.AsyncByteStream, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release: Callable[[], None] | None = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            release, self._release = self._release, None
            if release is not None:
                release()


class SplitPoolTransport(httpx.AsyncBaseTransport):
    """`max_connections` connections in httpx transports of at most `per_pool` each.

    A request goes to the transport with the most free connections (ties: the first);
    it holds its place there until its response is closed. The transports' sizes add up
    to `max_connections`, so no more connections are open than that; a request that
    finds every transport full waits in the queue of the one it was given, under the
    request's pool timeout. Every transport is httpx's own (`AsyncHTTPTransport`) with
    one shared TLS context, the one httpx builds by default.
    """

    def __init__(self, max_connections: int, per_pool: int = CONNECTIONS_PER_POOL) -> None:
        count = -(-max_connections // per_pool)
        sizes = [max_connections // count + (i < max_connections % count) for i in range(count)]
        ssl_context = httpx.create_ssl_context()
        self.sizes = tuple(sizes)
        self.pools = [
            httpx.AsyncHTTPTransport(verify=ssl_context, limits=httpx.Limits(max_connections=n))
            for n in sizes
        ]
        self._free = sizes  # per transport: its size minus the requests holding a place

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        free = self._free
        index = free.index(max(free))
        free[index] -= 1

        def release() -> None:
            free[index] += 1

        try:
            response = await self.pools[index].handle_async_request(request)
        except BaseException:
            release()
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_ReleasingStream(response.stream, release),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        for pool in self.pools:
            await pool.aclose()


def _default_transport(max_connections: int) -> httpx.AsyncBaseTransport | None:
    """Split pools; or None, httpx's own transport, where the environment names a proxy
    (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``), which httpx honours only then."""
    proxies = urllib.request.getproxies()
    if any(proxies.get(scheme) for scheme in ("http", "https", "all")):
        return None
    return SplitPoolTransport(max_connections)


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
            transport=transport or _default_transport(max_connections),
            limits=httpx.Limits(max_connections=max_connections),
        )
        self.auth: OutboundAuth = build_auth(target.auth, self.client)

    async def send(self, req: OutboundRequest) -> TargetResponse:
        """Send; return the 2xx answer or raise the most specific `DeliveryFailed`."""
        started = time.monotonic()
        try:
            response = await self._send_once(req)
            refreshed = response.status_code == 401 and await self.auth.refresh(response.request)
            if refreshed:
                response = await self._send_once(req)
        except DeliveryFailed as exc:  # a timeout took the whole timeout: say so
            exc.latency_ms = _elapsed_ms(started)
            raise
        latency_ms = _elapsed_ms(started)
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

"""The HTTP core and outbound auth, through httpx's mock transport (no network but a
refused connection on the loopback)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable

import httpx
import pytest

from connectors import AuthRejected, RejectedByTarget, TargetBusy, TargetUnreachable
from connectors.http_core import HttpCore, OutboundRequest
from omnihub.config import Duration, Secret
from omnihub.config.model import (
    ApiKeyHeaderAuth,
    BasicAuth,
    HmacSignatureAuth,
    OAuth2ClientCredentials,
    Target,
    TargetAuth,
)
from tests.support.ports import free_port

Handler = Callable[[httpx.Request], httpx.Response]


def core(handler: Handler, auth: TargetAuth | None = None) -> HttpCore:
    kwargs = {"auth": auth} if auth is not None else {}
    target = Target(base_url="http://target.test", timeout=Duration(seconds=2), **kwargs)  # type: ignore[arg-type]
    return HttpCore("erp", target, transport=httpx.MockTransport(handler))


def request(body: bytes = b'{"a":1}') -> OutboundRequest:
    return OutboundRequest(
        method="POST",
        url="/orders",
        body=body,
        idempotency_key="msg-1",
        traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01",
    )


async def test_every_request_carries_idempotency_key_traceparent_and_json() -> None:
    seen: list[httpx.Request] = []

    def handler(r: httpx.Request) -> httpx.Response:
        seen.append(r)
        return httpx.Response(201, json={"id": "X"})

    answer = await core(handler).send(request())
    assert answer.status == 201 and answer.json_field("id") == "X"
    (sent,) = seen
    assert sent.headers["idempotency-key"] == "msg-1"
    assert sent.headers["traceparent"].startswith("00-" + "a" * 32)
    assert sent.headers["content-type"] == "application/json"
    assert sent.url == httpx.URL("http://target.test/orders")


async def test_an_api_key_header_is_sent_and_never_appears_in_errors() -> None:
    seen: list[httpx.Request] = []

    def handler(r: httpx.Request) -> httpx.Response:
        seen.append(r)
        return httpx.Response(400, text=f"bad request, you sent {r.headers.get('x-key')}")

    auth = ApiKeyHeaderAuth(header="X-Key", value=Secret("k-123456"))
    with pytest.raises(RejectedByTarget) as info:
        await core(handler, auth).send(request())
    assert seen[0].headers["x-key"] == "k-123456"
    assert "k-123456" not in info.value.reason and "***" in info.value.reason


async def test_basic_auth_is_sent() -> None:
    seen: list[httpx.Request] = []

    def handler(r: httpx.Request) -> httpx.Response:
        seen.append(r)
        return httpx.Response(200)

    await core(handler, BasicAuth(username="hub", password=Secret("pw-9876"))).send(request())
    expected = base64.b64encode(b"hub:pw-9876").decode()
    assert seen[0].headers["authorization"] == f"Basic {expected}"


async def test_hmac_signature_covers_timestamp_and_body() -> None:
    seen: list[httpx.Request] = []

    def handler(r: httpx.Request) -> httpx.Response:
        seen.append(r)
        return httpx.Response(202)

    auth = HmacSignatureAuth(
        secret=Secret("hmac-key-1"), header="X-Sig", prefix="sha256=", timestamp_header="X-Ts"
    )
    await core(handler, auth).send(request(b'{"order":"A"}'))
    sent = seen[0]
    timestamp = sent.headers["x-ts"]
    digest = hmac.new(b"hmac-key-1", f"{timestamp}.".encode() + b'{"order":"A"}', hashlib.sha256)
    assert sent.headers["x-sig"] == "sha256=" + digest.hexdigest()


def oauth(handler_calls: list[str], tokens: list[str], resource: Handler) -> HttpCore:
    def handler(r: httpx.Request) -> httpx.Response:
        if r.url.path == "/token":
            handler_calls.append(r.content.decode())
            token = tokens[len(handler_calls) - 1]
            return httpx.Response(
                200, json={"access_token": token, "token_type": "Bearer", "expires_in": 3600}
            )
        return resource(r)

    auth = OAuth2ClientCredentials(
        token_url="http://idp.test/token",
        client_id="hub",
        client_secret=Secret("cs-1"),
        scope="orders",
    )
    return core(handler, auth)


async def test_oauth_fetches_once_and_retries_once_with_a_fresh_token_after_401() -> None:
    calls: list[str] = []

    def resource(r: httpx.Request) -> httpx.Response:
        ok = r.headers["authorization"] == "Bearer t2"
        return httpx.Response(201 if ok else 401)

    c = oauth(calls, ["t1", "t2"], resource)
    answer = await c.send(request())
    assert answer.status == 201
    assert len(calls) == 2
    assert "grant_type=client_credentials" in calls[0] and "scope=orders" in calls[0]
    await c.send(request())
    assert len(calls) == 2  # t2 is cached


async def test_oauth_401_with_a_fresh_token_too_is_permanent() -> None:
    calls: list[str] = []
    c = oauth(calls, ["t1", "t2"], lambda r: httpx.Response(401, text="nope"))
    with pytest.raises(AuthRejected, match="freshly fetched token"):
        await c.send(request())
    assert len(calls) == 2


async def test_statuses_and_network_errors_map_onto_the_tree() -> None:
    with pytest.raises(TargetBusy) as busy:
        await core(lambda r: httpx.Response(503, headers={"retry-after": "12"})).send(request())
    assert busy.value.retry_after_s == 12.0 and busy.value.status == 503

    def refuse(r: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=r)

    with pytest.raises(TargetUnreachable, match="cannot connect"):
        await core(refuse).send(request())
    with pytest.raises(TargetBusy, match=r"erp answered 503 to POST target\.test:80/orders"):
        await core(lambda r: httpx.Response(503)).send(request())


async def test_a_target_that_does_not_listen_is_named_by_host_and_port() -> None:
    port = free_port()  # nothing listens there: a real refused connection
    target = Target(base_url=f"http://127.0.0.1:{port}/api", timeout=Duration(seconds=2))
    http = HttpCore("erp", target)
    try:
        with pytest.raises(TargetUnreachable) as refused:
            await http.send(request())
    finally:
        await http.close()
    assert f"erp (POST 127.0.0.1:{port}/api/orders): cannot connect" in str(refused.value)


def test_json_field_reads_only_top_level_scalars() -> None:
    from connectors.http_core import TargetResponse

    answer = TargetResponse(
        status=201, latency_ms=1, content=json.dumps({"a": "x", "b": {}}).encode()
    )
    assert answer.json_field("a") == "x" and answer.json_field("b") is None
    assert TargetResponse(status=201, latency_ms=1, content=b"<html>").json_field("a") is None

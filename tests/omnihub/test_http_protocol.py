"""One socket write per response: the coalescing transport and uvicorn running with it."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from omnihub.http_protocol import CoalescingHttpToolsProtocol, CoalescingTransport
from tests.support.hub import running_app


class _Recording(asyncio.Transport):
    """A transport that keeps what is written to it (the socket side of the test)."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 1)}.get(name, default)


async def test_the_writes_of_one_iteration_become_one_write() -> None:
    inner = _Recording()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    transport.write(b"HTTP/1.1 202 Accepted\r\n\r\n")
    transport.write(b'{"ok":true}')
    assert inner.writes == []
    await asyncio.sleep(0)
    assert inner.writes == [b'HTTP/1.1 202 Accepted\r\n\r\n{"ok":true}']
    transport.write(b"next")
    await asyncio.sleep(0)
    assert inner.writes[1:] == [b"next"]
    assert transport.get_extra_info("peername") == ("127.0.0.1", 1)  # the rest passes through


async def test_close_flushes_first_and_a_closing_socket_gets_nothing() -> None:
    inner = _Recording()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    transport.write(b"last words")
    transport.close()
    assert inner.writes == [b"last words"] and inner.closed
    transport.write(b"too late")
    await asyncio.sleep(0)
    assert inner.writes == [b"last words"]


async def _app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = (scope["path"] * 1000).encode()
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def test_uvicorn_with_it_answers_keep_alive_head_and_close_requests() -> None:
    async with (
        running_app(_app, lifespan="off", http=CoalescingHttpToolsProtocol) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        for path in ("/a", "/bb", "/a"):  # one keep-alive connection
            r = await client.get(path)
            assert r.status_code == 200 and r.text == path * 1000
        head = await client.head("/a")
        assert head.status_code == 200 and head.content == b""
        closing = await client.get("/c", headers={"connection": "close"})
        assert closing.text == "/c" * 1000

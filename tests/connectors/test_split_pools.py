"""A target's connections split into small pools (`SplitPoolTransport`), against a real
HTTP/1.1 server on the loopback: the target's connection limit holds, connections are
reused, and as many requests as connections are in flight at once, failed ones
included."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from connectors import DeliveryFailed
from connectors.http_core import HttpCore, OutboundRequest, SplitPoolTransport
from omnihub.config import Duration
from omnihub.config.model import Target

LIMIT = 5  # split into pools of 2, 2 and 1


class Server:
    """Answers 201 to each request, after `hold` is set; `drop` closes instead."""

    def __init__(self) -> None:
        self.accepted = 0
        self.open = 0
        self.peak_open = 0
        self.waiting = 0
        self.peak_waiting = 0
        self.hold = asyncio.Event()
        self.hold.set()
        self.drop = False

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self.open += 1
        self.peak_open = max(self.peak_open, self.open)
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.lower().split(b"\r\n")
                    if line.startswith(b"content-length:")
                )
                await reader.readexactly(length)
                if self.drop:
                    return
                self.waiting += 1
                self.peak_waiting = max(self.peak_waiting, self.waiting)
                await self.hold.wait()
                self.waiting -= 1
                writer.write(b"HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.open -= 1
            writer.close()


@asynccontextmanager
async def serving(
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> AsyncIterator[tuple[Server, HttpCore]]:
    """The server, and a core sending to it (through it as HTTP_PROXY, given `monkeypatch`)."""
    server = Server()
    listener = await asyncio.start_server(server.serve, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{listener.sockets[0].getsockname()[1]}"
    if monkeypatch is not None:
        for name in ("ALL_PROXY", "HTTPS_PROXY", "NO_PROXY", "all_proxy", "https_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", url)
        monkeypatch.setenv("http_proxy", url)
        monkeypatch.setenv("no_proxy", "")
        url = "http://erp.invalid"  # only the proxy can answer for it
    target = Target(base_url=url, timeout=Duration(seconds=5))
    core = HttpCore("erp", target, max_connections=LIMIT)
    try:
        yield server, core
    finally:
        await core.close()
        listener.close()
        await listener.wait_closed()


def request(n: int) -> OutboundRequest:
    return OutboundRequest(
        method="POST", url="/orders", body=b"{}", idempotency_key=f"m-{n}", traceparent="-"
    )


async def burst(core: HttpCore, count: int) -> list[int]:
    answers = await asyncio.gather(*(core.send(request(n)) for n in range(count)))
    return [answer.status for answer in answers]


def test_pools_add_up_to_the_limit_in_pools_of_at_most_the_pool_size() -> None:
    for limit, per_pool in [(1, 2), (5, 2), (32, 4), (7, 4), (100, 2)]:
        sizes = SplitPoolTransport(limit, per_pool).sizes
        assert sum(sizes) == limit and max(sizes) <= per_pool and min(sizes) >= 1, sizes


async def test_more_requests_than_connections_never_open_more_and_reuse_them() -> None:
    async with serving() as (server, core):
        server.hold.clear()
        sending = asyncio.ensure_future(burst(core, 4 * LIMIT))
        await asyncio.sleep(0.3)
        server.hold.set()
        assert await asyncio.wait_for(sending, 5) == [201] * (4 * LIMIT)
        assert await asyncio.wait_for(burst(core, 4 * LIMIT), 5) == [201] * (4 * LIMIT)
    assert server.peak_open == LIMIT
    assert server.accepted == LIMIT  # the second burst reused the first's connections


async def test_as_many_requests_as_connections_are_in_flight_at_once() -> None:
    async with serving() as (server, core):
        server.drop = True  # failed requests give their place back
        for _ in range(2):
            results = await asyncio.gather(
                *(core.send(request(n)) for n in range(LIMIT)), return_exceptions=True
            )
            assert all(isinstance(result, DeliveryFailed) for result in results), results
        server.drop = False
        server.hold.clear()
        sending = asyncio.ensure_future(burst(core, LIMIT))
        for _ in range(50):  # the server answers nobody until all are in hand
            if server.waiting == LIMIT:
                break
            await asyncio.sleep(0.05)
        server.hold.set()
        assert await asyncio.wait_for(sending, 5) == [201] * LIMIT
    assert server.peak_waiting == LIMIT


@pytest.mark.parametrize("count", [1, LIMIT])
async def test_a_closed_core_closes_every_pool(count: int) -> None:
    async with serving() as (server, core):
        assert await burst(core, count) == [201] * count
        assert server.open == count
    await asyncio.sleep(0.1)
    assert server.open == 0


async def test_a_proxy_named_by_the_environment_is_still_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with serving(monkeypatch) as (server, core):
        assert await burst(core, 2) == [201, 201]
    assert server.accepted >= 1

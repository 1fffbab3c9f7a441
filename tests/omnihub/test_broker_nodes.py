"""A broker address list: connect to a node that answers, move on when one dies.

The nodes are TCP forwarders (`tests/support/tcpproxy.py`) in front of the real broker:
stopping one is what a client sees when its node dies. The cluster itself is exercised
in tests/cluster/.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import aio_pika
import pytest

from omnihub.broker import Publisher
from omnihub.broker.nodes import NodeCursor, connect_any, connect_robust_any, redact
from omnihub.errors import BrokerUnavailable
from omnihub.settings import Settings, split_urls
from tests.connectors.harness import envelope
from tests.support.connections import record_connections
from tests.support.ports import free_port
from tests.support.services import AMQP_HOST, AMQP_PORT
from tests.support.tcpproxy import TcpProxy


def _via(settings: Settings, port: int) -> str:
    return urlsplit(settings.amqp_url)._replace(netloc=f"guest:guest@127.0.0.1:{port}").geturl()


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[aio_pika.Connection]:
    return record_connections(monkeypatch)


async def _silent_node() -> asyncio.Server:
    """A TCP port that accepts connections and never answers (a node that hangs)."""

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()
        writer.close()

    return await asyncio.start_server(hold, "127.0.0.1", 0)


def _url_of(settings: Settings, server: asyncio.Server) -> str:
    return _via(settings, server.sockets[0].getsockname()[1])


@pytest.fixture
async def proxies() -> AsyncIterator[list[TcpProxy]]:
    started = [TcpProxy(AMQP_HOST, AMQP_PORT) for _ in range(3)]
    for proxy in started:
        await proxy.start()
    yield started
    for proxy in started:
        await proxy.stop()


def test_the_broker_setting_splits_a_comma_separated_node_list() -> None:
    assert split_urls(" amqp://a:5672/ ,amqp://b:5672/,, ") == ("amqp://a:5672/", "amqp://b:5672/")
    assert Settings(amqp_url="amqp://a/").amqp_urls == ("amqp://a/",)
    with pytest.raises(ValueError, match="names no broker"):
        split_urls(" , ")


def test_node_urls_print_without_their_password() -> None:
    assert redact("amqp://hub:s3cret@rabbit-1:5672/") == "amqp://hub:***@rabbit-1:5672/"
    assert redact("amqp://rabbit-1/") == "amqp://rabbit-1/"


def test_each_process_starts_at_a_random_node_and_walks_the_list_from_there() -> None:
    cursor = NodeCursor(["a", "b", "c"], rng=random.Random(4))
    first = cursor.index
    assert cursor.order() == [first, (first + 1) % 3, (first + 2) % 3]
    cursor.advance()
    assert cursor.order()[0] == (first + 1) % 3


def test_a_single_node_leaves_the_random_generator_alone() -> None:
    # the tests' queue janitor connects from its own thread while Hypothesis checks that
    # nothing else moved the global generator during a draw
    state = random.getstate()
    assert NodeCursor(["amqp://rabbit-1/"]).order() == [0]
    assert random.getstate() == state


async def test_a_node_that_refuses_is_skipped(settings: Settings) -> None:
    cursor = NodeCursor([_via(settings, free_port()), settings.amqp_url])
    cursor.index = 0
    connection = await connect_any(cursor, timeout=2)
    await connection.close()
    assert cursor.index == 1


async def test_no_node_answering_raises_the_vendor_error(settings: Settings) -> None:
    cursor = NodeCursor([_via(settings, free_port()), _via(settings, free_port())])
    with pytest.raises(ConnectionError):
        await connect_any(cursor, timeout=2)


async def test_a_refused_attempt_leaves_no_connection_open(
    settings: Settings, made: list[aio_pika.Connection]
) -> None:
    cursor = NodeCursor([_via(settings, free_port()), settings.amqp_url])
    cursor.index = 0
    connection = await connect_any(cursor, timeout=2)
    await connection.close()
    with pytest.raises(ConnectionError):
        await connect_any(NodeCursor([_via(settings, free_port())]), timeout=2)
    assert len(made) == 3 and [c for c in made if not c.is_closed] == []


async def test_a_timed_out_or_cancelled_attempt_leaves_no_connection_open(
    settings: Settings, made: list[aio_pika.Connection]
) -> None:
    silent = await _silent_node()
    try:
        with pytest.raises(TimeoutError):
            await connect_any(NodeCursor([_url_of(settings, silent)]), timeout=0.2)
        with pytest.raises(TimeoutError):  # the caller gave up: the attempt is cancelled
            await asyncio.wait_for(
                connect_any(NodeCursor([_url_of(settings, silent)]), timeout=30), 0.2
            )
    finally:
        silent.close()
    assert len(made) == 2 and [c for c in made if not c.is_closed] == []


async def test_a_robust_connection_that_cannot_connect_is_closed(
    settings: Settings, made: list[aio_pika.Connection]
) -> None:
    silent = await _silent_node()
    try:
        with pytest.raises(ConnectionError):
            await connect_robust_any(NodeCursor([_via(settings, free_port())]), timeout=2)
        # Cancelled while its reconnect task connects: left open, that task would go on
        # for good (aio-pika's reconnect loop ignores a cancel until the connection is
        # closed), and the event loop could not close at the end of the run.
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(
                connect_robust_any(NodeCursor([_url_of(settings, silent)]), timeout=30), 0.2
            )
    finally:
        silent.close()
    assert len(made) == 2 and all(isinstance(c, aio_pika.RobustConnection) for c in made)
    assert [c for c in made if not c.is_closed] == []


async def test_the_publisher_moves_to_another_node_when_its_node_dies(
    settings: Settings, proxies: list[TcpProxy]
) -> None:
    a, b = proxies[:2]
    exchange = f"{settings.prefix}.nodes-ex"
    urls = f"{_via(settings, a.port)},{_via(settings, b.port)}"

    async def declare(connection: aio_pika.abc.AbstractConnection) -> None:
        channel = await connection.channel()
        ex = await channel.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=False)
        queue = await channel.declare_queue(f"{settings.prefix}.nodes-q", auto_delete=True)
        await queue.bind(ex, "#")
        await channel.close()

    publisher = Publisher(urls, exchange, on_connect=declare, reconnect_interval=0.05)

    async def publish_soon() -> None:
        for _ in range(100):
            try:
                await publisher.publish(envelope({"n": 1}))
                return
            except BrokerUnavailable:
                await asyncio.sleep(0.05)
        raise AssertionError("the publisher did not reach the other node")

    try:
        await publish_soon()
        for dead, alive in ((a, b), (b, a)):  # whichever it started on, it must move twice
            await dead.stop()
            await publish_soon()
            await dead.start()
            assert alive.port
    finally:
        await publisher.close()


async def test_a_robust_connection_walks_past_dead_nodes_to_one_that_answers(
    settings: Settings, proxies: list[TcpProxy]
) -> None:
    cursor = NodeCursor([_via(settings, p.port) for p in proxies])
    cursor.index = 0
    connection = await connect_robust_any(cursor, timeout=2, reconnect_interval=0.1)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(f"{settings.prefix}.robust-q", auto_delete=True)
        await proxies[0].stop()
        await proxies[1].stop()  # the next node is down too
        await asyncio.sleep(0.3)
        await asyncio.wait_for(connection.connected.wait(), 10)
        assert connection.url.port == proxies[2].port  # type: ignore[attr-defined]
        await channel.default_exchange.publish(aio_pika.Message(b"x"), routing_key=queue.name)
        message = await queue.get(timeout=5)
        await message.ack()
    finally:
        await connection.close()

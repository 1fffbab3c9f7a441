"""The gateway's Publisher on the real broker: confirms, returns, timeouts, bursts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aio_pika
import pytest

from omnihub.broker import Publisher
from omnihub.envelope import Envelope
from omnihub.errors import BrokerUnavailable
from omnihub.settings import Settings
from tests.connectors.harness import envelope
from tests.support.connections import connect_broker, record_connections
from tests.support.services import AMQP_HOST, AMQP_PORT
from tests.support.tcpproxy import TcpProxy


def _envelope(event: str = "order.created", n: int = 0) -> Envelope:
    return envelope({"order_number": f"P-{n}"}, event=event)


@pytest.fixture
async def bound(settings: Settings) -> AsyncIterator[tuple[str, str]]:
    """An exchange with one queue bound for order.created; both deleted afterwards."""
    exchange, queue = f"{settings.prefix}.pub-ex", f"{settings.prefix}.pub-q"
    connection = await connect_broker(settings.amqp_url)
    try:
        channel = await connection.channel()
        ex = await channel.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=True)
        q = await channel.declare_queue(queue, durable=True)
        await q.bind(ex, "order.created")
        yield exchange, queue
        await q.delete(if_unused=False, if_empty=False)
        await ex.delete()
    finally:
        await connection.close()


async def _drain(settings: Settings, queue: str) -> list[aio_pika.abc.AbstractIncomingMessage]:
    connection = await connect_broker(settings.amqp_url)
    try:
        channel = await connection.channel()
        q = await channel.get_queue(queue, ensure=False)
        out = []
        while (message := await q.get(no_ack=True, fail=False)) is not None:
            out.append(message)
        return out
    finally:
        await connection.close()


async def test_a_burst_of_publishes_is_confirmed_and_arrives_in_order(
    settings: Settings, bound: tuple[str, str]
) -> None:
    exchange, queue = bound
    publisher = Publisher(settings.amqp_url, exchange)
    envelopes = [_envelope(n=n) for n in range(300)]
    try:
        await asyncio.gather(*(publisher.publish(e) for e in envelopes))
    finally:
        await publisher.close()
    messages = await _drain(settings, queue)
    assert [m.message_id for m in messages] == [e.id for e in envelopes]
    assert all(m.app_id == "omnihub" and m.type == "order.created" for m in messages)


async def test_an_unroutable_publish_fails_and_the_next_one_succeeds(
    settings: Settings, bound: tuple[str, str]
) -> None:
    exchange, queue = bound
    publisher = Publisher(settings.amqp_url, exchange)
    try:
        with pytest.raises(BrokerUnavailable, match="could not route"):
            await publisher.publish(_envelope("nobody.listens"))
        await publisher.publish(_envelope())
    finally:
        await publisher.close()
    assert len(await _drain(settings, queue)) == 1


async def test_an_unconfirmed_publish_times_out_and_the_publisher_recovers(
    settings: Settings, bound: tuple[str, str]
) -> None:
    exchange, queue = bound
    proxy = TcpProxy(AMQP_HOST, AMQP_PORT)
    await proxy.start()
    url = f"amqp://guest:guest@127.0.0.1:{proxy.port}/{settings.amqp_url.rsplit('/', 1)[1]}"
    publisher = Publisher(url, exchange, confirm_timeout=0.5, reconnect_interval=0.1)
    try:
        await publisher.publish(_envelope(n=1))
        proxy.mute_replies = True  # the broker gets the publishes; its confirms get lost
        started = asyncio.get_running_loop().time()
        results = await asyncio.gather(
            *(publisher.publish(_envelope(n=n)) for n in range(2, 5)), return_exceptions=True
        )
        waited = asyncio.get_running_loop().time() - started
        assert all(isinstance(r, BrokerUnavailable) for r in results), results
        assert all("did not confirm in time" in str(r) for r in results), results
        assert 0.5 <= waited < 5.0
        await proxy.stop()
        proxy.mute_replies = False
        await proxy.start()
        await asyncio.sleep(0.15)
        await publisher.publish(_envelope(n=5))
    finally:
        await publisher.close()
        await proxy.stop()
    ids = [m.message_id for m in await _drain(settings, queue)]
    assert len(ids) == 5  # all five were routed; three of them unconfirmed


async def test_a_close_the_broker_does_not_answer_still_leaves_the_connection_closed(
    settings: Settings, bound: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    exchange, _ = bound
    made = record_connections(monkeypatch)
    proxy = TcpProxy(AMQP_HOST, AMQP_PORT)
    await proxy.start()
    url = f"amqp://guest:guest@127.0.0.1:{proxy.port}/{settings.amqp_url.rsplit('/', 1)[1]}"
    publisher = Publisher(url, exchange)
    try:
        await publisher.publish(_envelope(n=1))
        proxy.mute_replies = True  # the broker's close-ok gets lost: the close times out
        await publisher.close()
    finally:
        await proxy.stop()
    assert len(made) == 1 and made[0].is_closed

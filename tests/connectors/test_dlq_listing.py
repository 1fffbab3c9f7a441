"""The dead-letter list read from the journey store (`omnihub.replay.parked`): what a
worker parks is listed, a replayed or discarded message leaves the list, and the list
follows the queue when a message is removed or added outside omnihub."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aio_pika.abc import AbstractConnection

from omnihub.config.model import HubConfig
from omnihub.envelope import encode_envelope
from omnihub.journey import JourneyStore, Stage
from omnihub.replay.dlq import DeadLetterFilter, DeadLetterQueue
from omnihub.replay.parked import RECONCILER, list_parked
from omnihub.replay.parked_query import Parked, error_class, query_parked
from omnihub.settings import Settings
from sandbox.testing import SandboxServer
from tests.connectors.harness import (
    envelope,
    erp_config,
    publish,
    publish_raw,
    running,
    wait_depth,
    wait_for,
)
from tests.support.connections import connect_broker
from tests.support.orders import order


@pytest.fixture
async def store(tmp_path: Path, settings: Settings) -> AsyncIterator[JourneyStore]:
    opened = JourneyStore.open(erp_config(tmp_path, "http://127.0.0.1:9"), settings)
    yield opened
    await opened.close()


@pytest.fixture
async def connection(settings: Settings) -> AsyncIterator[AbstractConnection]:
    opened = await connect_broker(settings.amqp_url)
    yield opened
    await opened.close()


async def _parked_in_store(store: JourneyStore, settings: Settings, n: int) -> None:
    """Wait until the worker's `dead_lettered` entries are written."""
    dlq_name = settings.names.dead_letter_queue("erp")
    for _ in range(200):
        if (await query_parked(store.database, dlq_name, "erp")).total == n:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the journey store never said {n} messages are parked in erp")


def _ids(items: list[Parked]) -> set[str]:
    return {i.message_id for i in items}


async def _park(settings: Settings, config: HubConfig, sandbox: SandboxServer, n: int) -> list[str]:
    """`n` orders the ERP refuses (422), dead-lettered by a real worker."""
    envs = [envelope(order(f"LIST-{i}")) for i in range(n)]
    sandbox.control.set_mode("erp", fixed_status=422)
    try:
        async with running(config, settings):
            await publish(settings, config, envs)
            await wait_depth(settings, settings.names.dead_letter_queue("erp"), n)
    finally:
        sandbox.control.clear_mode("erp")
    return [e.id for e in envs]


async def test_a_replayed_or_a_discarded_dead_letter_leaves_the_list(
    tmp_path: Path,
    settings: Settings,
    sandbox: SandboxServer,
    store: JourneyStore,
    connection: AbstractConnection,
) -> None:
    config = erp_config(tmp_path, sandbox.base_url)
    replayed, discarded, kept = await _park(settings, config, sandbox, 3)
    await _parked_in_store(store, settings, 3)
    queue = DeadLetterQueue(connection, settings.names, "erp", journeys=store)

    listing = await list_parked(queue, store)
    assert listing.source == "journeys"  # the store agreed with the queue's depth
    assert listing.matching == 3 and _ids(listing.items) == {replayed, discarded, kept}
    assert all(p.error == "RejectedByTarget" and "422" in (p.reason or "") for p in listing.items)
    assert all(p.attempts == 1 and p.partner == "acme-market" for p in listing.items)
    refused = DeadLetterFilter(errors=frozenset({"RejectedByTarget"}))
    assert (await list_parked(queue, store, refused, limit=1)).matching == 3
    assert len((await list_parked(queue, store, refused, limit=1)).items) == 1
    other = DeadLetterFilter(errors=frozenset({"NoSuchError"}))
    assert (await list_parked(queue, store, other)).matching == 0

    async with running(config, settings):  # the ERP takes orders again
        await queue.replay(DeadLetterFilter(message_ids=frozenset({replayed})), actor="ops")
        await queue.discard(
            DeadLetterFilter(message_ids=frozenset({discarded})), actor="ops", reason="cancelled"
        )
        after = await list_parked(queue, store)
        await wait_for(lambda: len(sandbox.control.records("erp", status=201)) == 1)

    assert after.source == "journeys" and _ids(after.items) == {kept}
    assert after.matching == 1
    again = await list_parked(queue, store)
    assert again.source == "journeys" and _ids(again.items) == {kept}


async def _take_one(connection: AbstractConnection, queue: str, ids: list[str]) -> str:
    """Remove the queue's first message outside omnihub (as a purge would); its id."""
    channel = await connection.channel()
    try:
        taken = await (await channel.get_queue(queue)).get(no_ack=True)
    finally:
        await channel.close()
    assert taken is not None
    return next(i for i in ids if i in taken.body.decode())


async def test_the_list_follows_the_queue_when_messages_are_removed_or_added_outside_omnihub(
    tmp_path: Path,
    settings: Settings,
    sandbox: SandboxServer,
    store: JourneyStore,
    connection: AbstractConnection,
) -> None:
    config = erp_config(tmp_path, sandbox.base_url)
    dlq_name = settings.names.dead_letter_queue("erp")
    ids = await _park(settings, config, sandbox, 3)
    await _parked_in_store(store, settings, 3)
    queue = DeadLetterQueue(connection, settings.names, "erp", journeys=store)

    purged = await _take_one(connection, dlq_name, ids)
    first_look = await list_parked(queue, store, settle_s=0.3)  # 2 in the queue, 3 in the store
    assert first_look.source == "queue" and _ids(first_look.items) == set(ids) - {purged}
    second_look = await list_parked(queue, store)
    assert second_look.source == "journeys"  # repaired: the store agrees now
    assert _ids(second_look.items) == set(ids) - {purged}
    journey = await store.queries.get(purged)
    assert journey is not None and journey.outcome == Stage.DISCARDED.value
    assert journey.entries[-1].actor == RECONCILER

    # a swap: one more purged while one arrives with no journey entry; the numbers agree
    swapped = await _take_one(connection, dlq_name, ids)
    stranger = envelope(order("LIST-STRANGER"))
    await publish_raw(settings, dlq_name, encode_envelope(stranger))
    await wait_depth(settings, dlq_name, 2)
    expected = set(ids) - {purged, swapped} | {stranger.id}
    compared = await list_parked(queue, store, verify=True)
    assert compared.source == "queue" and _ids(compared.items) == expected
    after = await list_parked(queue, store)
    assert after.source == "journeys" and _ids(after.items) == expected
    found = await store.queries.get(stranger.id)
    assert found is not None and found.outcome == Stage.DEAD_LETTERED.value


def test_the_error_class_is_read_from_both_forms_of_a_workers_reason() -> None:
    assert error_class("RejectedByTarget: erp answered 422") == "RejectedByTarget"
    assert (
        error_class("gave up after 5 attempts: TargetUnavailable: 503 from erp")
        == "TargetUnavailable"
    )
    assert error_class("parked by hand") is None
    assert error_class(None) is None

"""Topology declared from configuration against the real RabbitMQ."""

from __future__ import annotations

from datetime import timedelta

import aio_pika
import msgspec
import pytest

from omnihub.broker import declare_topology, plan_topology
from omnihub.broker.topology import rung_bound, rung_for_delay, rungs_for
from omnihub.config import Duration
from omnihub.config.model import BrokerPolicy, Lane, RetryPolicy
from omnihub.errors import TopologyConflict
from omnihub.naming import Names
from omnihub.settings import Settings
from tests.support.configs import example_config
from tests.support.connections import connect_broker


def test_plan_has_lanes_rungs_dlq_and_archive() -> None:
    config = example_config()
    names = Settings(prefix="p").names
    plan = plan_topology(config, names, ladders=["erp"])
    by_name = {q.name: q for q in plan.queues}
    priority = by_name[names.target_queue("erp", Lane.PRIORITY)]
    assert priority.arguments["x-queue-type"] == "quorum"
    assert set(priority.bindings) == {
        e
        for d in config.deliveries_for("erp").values()
        if d.lane is Lane.PRIORITY
        for e in d.events
    }
    assert priority.arguments["x-dead-letter-routing-key"] == names.dead_letter_queue("erp")
    assert priority.arguments["x-delivery-limit"] == config.broker.delivery_limit
    assert names.target_queue("erp", Lane.BULK) in by_name
    rungs = sorted(n for n in by_name if n.startswith(priority.name + ".retry."))
    expected = rungs_for([config.retry_policies["standard"]])
    assert rungs == sorted(names.retry_queue("erp", Lane.PRIORITY, k) for k in expected)
    assert by_name[names.archive_stream].arguments["x-queue-type"] == "stream"
    assert by_name[names.archive_stream].bindings == ("#",)


def test_quorum_replicas_set_the_group_size_of_every_quorum_queue_and_the_archive() -> None:
    base = example_config()
    config = msgspec.structs.replace(base, broker=BrokerPolicy(quorum_replicas=3))
    plan = plan_topology(config, Names("t"), ladders=sorted(config.targets))
    for q in plan.queues:
        if q.arguments["x-queue-type"] == "quorum":
            assert q.arguments["x-quorum-initial-group-size"] == 3, q.name
        else:
            assert q.arguments["x-initial-cluster-size"] == 3, q.name
    unset = plan_topology(base, Names("t"), ladders=sorted(base.targets))
    for q in unset.queues:  # the broker's default, and queues made before stay equivalent
        assert not {"x-quorum-initial-group-size", "x-initial-cluster-size"} & set(q.arguments)


def test_each_rung_expires_at_its_bound_back_into_its_lane() -> None:
    config = example_config()
    names = Settings(prefix="p").names
    plan = plan_topology(config, names, ladders=["erp"])
    by_name = {q.name: q for q in plan.queues}
    lane = names.target_queue("erp", Lane.PRIORITY)
    for k in rungs_for([config.retry_policies["standard"]]):
        rung = by_name[names.retry_queue("erp", Lane.PRIORITY, k)]
        assert rung.arguments["x-message-ttl"] == 100 * 2**k
        assert rung.arguments["x-dead-letter-routing-key"] == lane
        assert rung.arguments["x-dead-letter-strategy"] == "at-least-once"


def test_a_lane_without_retrying_deliveries_has_no_rungs() -> None:
    config = example_config()
    names = Settings(prefix="p").names
    plan = plan_topology(config, names, ladders=["warehouse"])
    bulk = names.target_queue("warehouse", Lane.BULK)
    assert [q.name for q in plan.queues if q.name.startswith(bulk + ".retry.")] == []


def test_only_the_named_targets_get_their_retry_ladder() -> None:
    config = example_config()
    names = Settings(prefix="p").names
    rungs = [
        q.name for q in plan_topology(config, names, ladders=["erp"]).queues if ".retry." in q.name
    ]
    assert rungs and all(r.startswith(names.target_queue("erp") + ".") for r in rungs)
    assert not [q for q in plan_topology(config, names).queues if ".retry." in q.name]


@pytest.mark.parametrize(
    ("delay_ms", "rung"),
    [(0, 0), (50, 0), (100, 0), (101, 1), (200, 1), (201, 2), (1000, 4), (1600, 4), (120_000, 11)],
)
def test_rung_for_delay_is_the_smallest_bound_not_below_the_delay(delay_ms: int, rung: int) -> None:
    assert rung_for_delay(timedelta(milliseconds=delay_ms)) == rung
    assert rung_bound(rung) >= timedelta(milliseconds=delay_ms)


def test_rung_for_delay_is_clamped_into_the_declared_rungs() -> None:
    assert rung_for_delay(timedelta(milliseconds=10), range(3, 6)) == 3
    assert rung_for_delay(timedelta(hours=1), range(3, 6)) == 5


def test_rungs_cover_the_shortest_jittered_delay_up_to_the_retry_after_cap() -> None:
    policy = RetryPolicy(
        attempts=3,
        initial_delay=Duration(seconds=1),
        max_delay=Duration(seconds=10),
        jitter=0.5,
        retry_after_cap=Duration(seconds=60),
    )
    rungs = rungs_for([policy])
    assert rungs.start == rung_for_delay(timedelta(seconds=0.5))
    assert rungs.stop - 1 == rung_for_delay(timedelta(seconds=60))
    assert rungs_for([RetryPolicy(attempts=0)]) == range(0)


async def test_a_short_delay_is_not_held_behind_a_longer_one(settings: Settings) -> None:
    """Delays go to rungs by size, so RabbitMQ's head-of-line expiry cannot stall them."""
    config = example_config()
    names = settings.names
    lane = names.target_queue("erp", Lane.PRIORITY)
    connection = await connect_broker(settings.amqp_url)
    try:
        await declare_topology(connection, plan_topology(config, names, ladders=["erp"]))
        channel = await connection.channel(publisher_confirms=True)
        rungs = rungs_for([config.retry_policies["standard"]])
        for body, delay in ((b"slow", timedelta(seconds=3)), (b"fast", timedelta(seconds=0.8))):
            rung = names.retry_queue("erp", Lane.PRIORITY, rung_for_delay(delay, rungs))
            await channel.default_exchange.publish(
                aio_pika.Message(body, expiration=delay), routing_key=rung, mandatory=True
            )
        queue = await channel.get_queue(lane)
        arrived: list[bytes] = []
        async with queue.iterator() as messages:
            async for message in messages:
                await message.ack()
                arrived.append(message.body)
                if len(arrived) == 2:
                    break
    finally:
        await connection.close()
    assert arrived == [b"fast", b"slow"]


async def test_declaring_twice_changes_nothing(settings: Settings) -> None:
    """A second declaration succeeds (RabbitMQ refuses a re-declaration with other
    arguments, see the conflict test), every planned queue exists, and a message
    already queued is still there."""
    config = example_config()
    names = settings.names
    plan = plan_topology(config, names)
    connection = await connect_broker(settings.amqp_url)
    try:
        await declare_topology(connection, plan)
        channel = await connection.channel()
        exchange = await channel.get_exchange(names.events_exchange)
        await exchange.publish(aio_pika.Message(b"{}"), routing_key="order.created")
        await declare_topology(connection, plan)
        counts = {}
        for spec in plan.queues:
            if spec.arguments.get("x-queue-type") == "stream":
                continue  # streams answer passive declares without a message count
            queue = await channel.declare_queue(spec.name, passive=True)
            counts[spec.name] = queue.declaration_result.message_count
    finally:
        await connection.close()
    assert counts[names.target_queue("erp", Lane.PRIORITY)] == 1
    assert sum(counts.values()) == 1
    assert len(counts) == len(plan.queues) - 1


async def test_existing_queue_with_other_arguments_is_a_clear_conflict(
    settings: Settings,
) -> None:
    config = example_config()
    names = settings.names
    connection = await connect_broker(settings.amqp_url)
    try:
        channel = await connection.channel()
        await channel.declare_queue(
            names.dead_letter_queue("erp"), durable=True, arguments={"x-queue-type": "classic"}
        )
        with pytest.raises(TopologyConflict) as info:
            await declare_topology(connection, plan_topology(config, names))
    finally:
        await connection.close()
    message = str(info.value)
    assert names.dead_letter_queue("erp") in message
    assert "x-queue-type" in message
    assert "delete" in message

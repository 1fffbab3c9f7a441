"""Topology declared from configuration against the real RabbitMQ."""

from __future__ import annotations

import subprocess

import aio_pika
import pytest

from omnihub.broker import declare_topology, plan_topology
from omnihub.config.model import Lane
from omnihub.errors import TopologyConflict
from omnihub.settings import Settings
from tests.support.configs import example_config
from tests.support.services import Vhost


def list_queues(vhost: Vhost, prefix: str) -> list[str]:
    out = subprocess.run(
        ["rabbitmqctl", "-q", "list_queues", "-p", vhost.name, "name", "type", "arguments"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return sorted(line for line in out.splitlines() if line.startswith(prefix))


def test_plan_has_lanes_rungs_dlq_and_archive() -> None:
    config = example_config()
    names = Settings(prefix="p").names
    plan = plan_topology(config, names)
    by_name = {q.name: q for q in plan.queues}
    priority = by_name[names.target_queue("erp", Lane.PRIORITY)]
    assert priority.arguments["x-queue-type"] == "quorum"
    assert priority.bindings == ("order.created",)
    assert priority.arguments["x-dead-letter-routing-key"] == names.dead_letter_queue("erp")
    assert names.target_queue("erp", Lane.BULK) in by_name
    rungs = [n for n in by_name if ".retry." in n and n.startswith(priority.name + ".retry")]
    assert len(rungs) == config.retry_policies["standard"].attempts
    assert by_name[names.archive_stream].arguments["x-queue-type"] == "stream"
    assert by_name[names.archive_stream].bindings == ("#",)


async def test_declaring_twice_changes_nothing(settings: Settings, vhost: Vhost) -> None:
    config = example_config()
    plan = plan_topology(config, settings.names)
    connection = await aio_pika.connect(settings.amqp_url)
    try:
        await declare_topology(connection, plan)
        first = list_queues(vhost, settings.prefix)
        await declare_topology(connection, plan)
        second = list_queues(vhost, settings.prefix)
    finally:
        await connection.close()
    assert len(first) == len(plan.queues)
    assert first == second


async def test_existing_queue_with_other_arguments_is_a_clear_conflict(
    settings: Settings,
) -> None:
    config = example_config()
    names = settings.names
    connection = await aio_pika.connect(settings.amqp_url)
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

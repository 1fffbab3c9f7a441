"""A fleet starting at once: many processes declare the topology on every node of a
3-node cluster together, and each quorum queue gets the configured number of replicas
(2 here, so that the setting shows: without it every node would hold one)."""

from __future__ import annotations

import asyncio

import msgspec

from omnihub.broker import declare_topology, plan_topology
from omnihub.config.model import BrokerPolicy, Lane
from omnihub.settings import Settings
from tests.support.broker_cluster import BrokerCluster
from tests.support.configs import example_config
from tests.support.connections import connect_broker

PROCESSES = 9


async def test_concurrent_declarations_on_every_node_all_succeed_with_the_replicas_asked(
    cluster: BrokerCluster, settings: Settings
) -> None:
    config = msgspec.structs.replace(example_config(), broker=BrokerPolicy(quorum_replicas=2))
    plan = plan_topology(config, settings.names, ladders=sorted(config.targets))
    connections = [
        await connect_broker(cluster.nodes[i % len(cluster.nodes)].url) for i in range(PROCESSES)
    ]
    try:
        for _ in range(2):  # the first declarations race; the second find it all there
            results = await asyncio.gather(
                *(declare_topology(c, plan) for c in connections), return_exceptions=True
            )
            failed = [r for r in results if isinstance(r, BaseException)]
            assert not failed, failed
    finally:
        for connection in connections:
            await connection.close()
    out = cluster.running().ctl("list_queues", "name", "type", "members", "--no-table-headers")
    rows = {line.split("\t")[0]: line.split("\t")[1:] for line in out.splitlines() if line}
    declared = {name for name in rows if name.startswith(settings.prefix + ".")}
    assert declared == {q.name for q in plan.queues}
    erp = settings.names.target_queue("erp", Lane.PRIORITY)
    assert rows[erp][0] == "quorum"
    for name in declared:
        kind, members = rows[name]
        if kind == "quorum":
            held_by = [n.node for n in cluster.nodes if n.node in members]
            assert len(held_by) == 2, f"{name}: {members}"

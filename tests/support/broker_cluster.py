"""A RabbitMQ cluster of a test's own: three nodes of `PrivateBroker` on this machine.

Each node has its own name, ports and data directory, all share one Erlang cookie; the
first is started, the others start beside it and join it with ``rabbitmqctl
join_cluster``. A node can be SIGKILLed and started again from its data directory (it
rejoins by itself). At the end every node is SIGKILLed and its files removed. Like
`private_broker`, the shared broker is never touched, and a machine without
rabbitmq-server fails the test with what to do.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support.private_broker import (
    DIR_PREFIX,
    PrivateBroker,
    rabbitmq_bin_dir,
    stop_leftovers,
)


class BrokerCluster:
    def __init__(self, nodes: list[PrivateBroker]) -> None:
        self.nodes = nodes

    @property
    def url(self) -> str:
        """Every node, comma-separated: what OMNIHUB_AMQP_URL holds for a cluster."""
        return ",".join(node.url for node in self.nodes)

    def node_named(self, name: str) -> PrivateBroker:
        for node in self.nodes:
            if node.node == name:
                return node
        raise KeyError(name)

    def running(self) -> PrivateBroker:
        for node in self.nodes:
            if node.pid is not None:
                return node
        pytest.fail("no node of the test cluster is running", pytrace=False)

    def leader(self, queue: str, vhost: str = "/") -> PrivateBroker:
        """The node that leads a quorum queue now."""
        out = self.running().ctl("list_queues", "-p", vhost, "name", "leader", "--no-table-headers")
        for line in out.splitlines():
            fields = line.split()
            if len(fields) == 2 and fields[0] == queue:
                return self.node_named(fields[1])
        pytest.fail(f"queue {queue} has no leader in the test cluster:\n{out}", pytrace=False)

    def members(self) -> set[str]:
        out = self.running().ctl("cluster_status", "--formatter", "json")
        running = re.search(r'"running_nodes":\s*\[([^\]]*)\]', out)
        return set(re.findall(r'"([^"]+)"', running.group(1))) if running else set()


def _join(node: PrivateBroker, first: PrivateBroker) -> None:
    node.ctl("stop_app")
    node.ctl("join_cluster", first.node)
    node.start_app()


@contextlib.contextmanager
def broker_cluster(size: int = 3) -> Iterator[BrokerCluster]:
    """Start ``size`` nodes, clustered; stop them and remove their files afterwards."""
    bin_dir = rabbitmq_bin_dir()
    stop_leftovers()
    cookie = secrets.token_hex(16).upper()
    tag = uuid.uuid4().hex[:6]
    nodes = [
        PrivateBroker(
            Path(tempfile.mkdtemp(prefix=DIR_PREFIX)),
            bin_dir,
            node=f"omnihub-{tag}-{i + 1}@localhost",
            cookie=cookie,
        )
        for i in range(size)
    ]
    try:
        with ThreadPoolExecutor(size) as pool:
            list(pool.map(PrivateBroker.start, nodes))
        # One at a time, so each join meets a settled cluster: two nodes joining at once
        # failed once in Mnesia ("start_app failed: ... {mnesia_app, start, ...}").
        for node in nodes[1:]:
            _join(node, nodes[0])
        cluster = BrokerCluster(nodes)
        joined = cluster.members()
        if joined != {n.node for n in nodes}:
            pytest.fail(f"the test cluster did not form: running {sorted(joined)}", pytrace=False)
        yield cluster
    finally:
        # SIGKILL, not `rabbitmqctl stop`: the nodes and their data are thrown away, and a
        # clean stop of three clustered nodes costs half a minute on a busy machine.
        for node in nodes:
            node.kill()
        for node in nodes:
            shutil.rmtree(node.directory, ignore_errors=True)

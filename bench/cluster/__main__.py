"""Ingest throughput against a 3-node RabbitMQ cluster, with one and with two gateway
processes, in one run: `python -m bench.cluster` (arguments go to `bench.ingest`, e.g.
``--seconds 10``).

The cluster is three nodes of this run's own on this machine (the test harness's
`tests/support/broker_cluster.py`: own names, ports, data directories); the gateways get
all three nodes in OMNIHUB_AMQP_URL, and each quorum queue has a member on every node
(RabbitMQ 3.x's default), so each confirm waits for two of the three. Everything shares
this machine's cores: the figures show the cost of replication and of more processes, not
the gain of more machines. Results are printed; docs/benchmarks.md is written by hand from them.
"""

from __future__ import annotations

import sys

from bench.ingest.cli import main as ingest_main
from tests.support.broker_cluster import broker_cluster


def main(argv: list[str]) -> int:
    with broker_cluster(3) as cluster:
        print(f"bench.cluster: nodes {', '.join(n.node for n in cluster.nodes)}", flush=True)
        return ingest_main(
            ["--only", "full", "--processes", "1,2", "--no-docs", "--source", "worktree",
             "--amqp-url", cluster.url, *argv]
        )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

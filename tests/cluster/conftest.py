"""A 3-node RabbitMQ cluster of each test module's own (tests/support/broker_cluster.py).

One per module, not one for the package: after the failover test SIGKILLed and restarted
a node, declarations on that cluster were once refused ("home node ... is down or
inaccessible") while the restarted node settled, which failed the topology test after it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.broker_cluster import BrokerCluster, broker_cluster


@pytest.fixture(scope="module")
def cluster() -> Iterator[BrokerCluster]:
    with broker_cluster(3) as started:
        yield started

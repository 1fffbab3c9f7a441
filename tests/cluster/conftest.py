"""One 3-node RabbitMQ cluster of this test module's own (tests/support/broker_cluster.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.broker_cluster import BrokerCluster, broker_cluster


@pytest.fixture(scope="package")
def cluster() -> Iterator[BrokerCluster]:
    with broker_cluster(3) as started:
        yield started

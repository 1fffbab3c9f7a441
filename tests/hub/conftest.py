"""One live `omnihub dev` shared by the tests that operate it as a user would (ports,
banner, health, metrics, logs, Prometheus)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from omnihub.settings import Settings
from tests.support.live_dev import LiveDev, live_dev
from tests.support.ports import free_ports_in_a_row
from tests.support.services import REDIS_URL, Vhost

DEV_TARGETS = ("carrier", "erp", "partner-webhooks", "storefront", "warehouse")


@pytest.fixture(scope="session")
def dev_hub(vhost: Vhost, redis_prefix: str) -> Iterator[LiveDev]:
    """`omnihub dev` on free ports, JSON logs, a health port per worker from a base."""
    settings = Settings(amqp_url=vhost.url, redis_url=REDIS_URL, prefix=f"{redis_prefix}-dev")
    with live_dev(
        settings,
        env={"OMNIHUB_LOG_FORMAT": "json"},
        targets=DEV_TARGETS,
        health_base=free_ports_in_a_row(len(DEV_TARGETS)),
    ) as dev:
        yield dev

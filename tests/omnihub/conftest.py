"""One live `omnihub dev` shared by the tests that operate it as a user would (ports,
banner, health, metrics, logs, Prometheus)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from omnihub.settings import Settings
from tests.support.live_dev import LiveDev, live_dev
from tests.support.ports import free_port
from tests.support.services import REDIS_URL, Vhost

DEV_TARGETS = ("carrier", "erp", "partner-webhooks", "storefront", "warehouse")


def _free_run(length: int) -> int:
    """The first of ``length`` consecutive free ports (the workers' health ports in dev)."""
    for _ in range(50):
        base = free_port()
        if base + length < 65536 and all(_free(base + i) for i in range(length)):
            return base
    raise RuntimeError(f"no {length} consecutive free ports")


def _free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture(scope="session")
def dev_hub(vhost: Vhost, redis_prefix: str) -> Iterator[LiveDev]:
    """`omnihub dev` on free ports, JSON logs, a health port per worker from a base."""
    settings = Settings(amqp_url=vhost.url, redis_url=REDIS_URL, prefix=f"{redis_prefix}-dev")
    with live_dev(
        settings,
        env={"OMNIHUB_LOG_FORMAT": "json"},
        targets=DEV_TARGETS,
        health_base=_free_run(len(DEV_TARGETS)),
    ) as dev:
        yield dev

"""A real Prometheus scrapes a gateway (its operator port) and a worker (its health port)
of a live `omnihub dev` (issue 16, item 6)."""

from __future__ import annotations

import time
from pathlib import Path

from tests.hub.conftest import DEV_TARGETS
from tests.hub.test_cli_dev import send_order
from tests.support.live_dev import LiveDev
from tests.support.prometheus import running_prometheus


def test_prometheus_scrapes_the_gateway_and_a_worker(dev_hub: LiveDev, tmp_path: Path) -> None:
    assert dev_hub.health_base is not None
    worker = f"127.0.0.1:{dev_hub.health_base + DEV_TARGETS.index('erp')}"
    gateway = f"127.0.0.1:{dev_hub.operator_port}"
    send_order(dev_hub, "PROM-1")  # a request and a delivery to count
    with running_prometheus({"gateway": gateway, "worker": worker}, tmp_path) as prometheus:
        deadline = time.monotonic() + 20
        while True:
            targets = prometheus.targets()
            requests = prometheus.query('omnihub_requests_total{job="gateway"}')
            deliveries = prometheus.query('omnihub_deliveries_total{job="worker",target="erp"}')
            healthy = {job: t["health"] for job, t in targets.items()}
            if healthy == {"gateway": "up", "worker": "up"} and requests and deliveries:
                break
            assert time.monotonic() < deadline, (targets, requests, deliveries)
            time.sleep(0.25)
        up = {r["metric"]["job"]: r["value"][1] for r in prometheus.query("up")}

    assert up == {"gateway": "1", "worker": "1"}
    assert {r["metric"]["partner"] for r in requests} >= {"acme-market"}
    assert {r["metric"]["outcome"] for r in deliveries} >= {"delivered"}

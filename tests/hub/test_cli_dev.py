"""`omnihub dev` operated as a user does: on ports that are not the defaults, through its
banner, its ports, its health and operator endpoints and its logs (issue 16, items 2, 3
and 6; issue 14, item 10)."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from tests.hub.conftest import DEV_TARGETS
from tests.support.live_dev import LiveDev
from tests.support.orders import AUTH, DEMO_KEY, order


def send_order(dev: LiveDev, number: str) -> dict[str, Any]:
    """POST a v2 order with a key of its own; return the 202 body once the sandbox ERP
    has the order (within 5 s)."""
    headers = {**AUTH, "Idempotency-Key": f"{number}-{time.time_ns()}"}
    accepted = httpx.post(f"{dev.gateway}/v2/orders", json=order(number), headers=headers)
    assert accepted.status_code == 202, accepted.text
    body: dict[str, Any] = accepted.json()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        records = httpx.get(
            f"{dev.sandbox}/_sandbox/erp/records", params={"idempotency_key": body["message_id"]}
        ).json()
        if records:
            return body
        time.sleep(0.05)
    raise AssertionError(f"order {number} did not reach the sandbox ERP:\n{dev.output()}")


def json_lines(dev: LiveDev) -> list[dict[str, Any]]:
    return [json.loads(line) for line in dev.stderr if line.strip()]


def test_the_banner_comes_when_every_part_listens(dev_hub: LiveDev) -> None:
    assert dev_hub.listening_at_banner, "the banner was not seen"
    closed = [name for name, ok in dev_hub.listening_at_banner.items() if not ok]
    assert closed == [], f"not listening when the banner said running: {closed}"
    banner = "".join(dev_hub.stdout)
    assert f"gateway  http://127.0.0.1:{dev_hub.port}" in banner
    assert f"operator http://127.0.0.1:{dev_hub.operator_port}" in banner
    assert f"sandbox  http://127.0.0.1:{dev_hub.sandbox_port}" in banner


def test_workers_deliver_to_the_sandbox_on_its_port_and_the_breaker_stays_closed(
    dev_hub: LiveDev,
) -> None:
    assert dev_hub.sandbox_port != 8090
    send_order(dev_hub, "DEV-PORT-1")
    assert dev_hub.health_base is not None
    erp = DEV_TARGETS.index("erp")
    health = httpx.get(f"http://127.0.0.1:{dev_hub.health_base + erp}/health").json()
    assert health["target"] == "erp"
    assert health["breaker"]["state"] == "closed"
    assert health["counts"]["delivered"] >= 1


def test_each_dev_worker_has_its_own_health_port_and_its_log_line_names_it(
    dev_hub: LiveDev,
) -> None:
    assert dev_hub.health_base is not None
    for i, target in enumerate(DEV_TARGETS):
        answer = httpx.get(f"http://127.0.0.1:{dev_hub.health_base + i}/health")
        assert answer.status_code == 200
        assert answer.json()["target"] == target
    health_lines = [
        line for line in json_lines(dev_hub) if line["logger"] == "omnihub.worker.health"
    ]
    assert sorted(line["target"] for line in health_lines) == sorted(DEV_TARGETS)
    for line in health_lines:
        assert f"worker health of {line['target']} on http://127.0.0.1:" in line["message"]
    consuming = [line for line in json_lines(dev_hub) if line["message"].endswith(" consuming")]
    assert sorted(line["target"] for line in consuming) == sorted(DEV_TARGETS)


def test_metrics_are_on_the_operator_port_never_on_the_partner_port(dev_hub: LiveDev) -> None:
    send_order(dev_hub, "DEV-METRICS-1")
    on_partner_port = httpx.get(f"{dev_hub.gateway}/metrics", headers=AUTH)
    assert on_partner_port.status_code == 404
    assert on_partner_port.headers["content-type"] == "application/problem+json"
    assert "omnihub_requests" not in on_partner_port.text

    metrics = httpx.get(f"{dev_hub.operator}/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].count("charset=utf-8") == 1
    assert 'omnihub_requests_total{partner="acme-market",route="orders",status="202"}' in (
        metrics.text
    )
    unknown = httpx.get(f"{dev_hub.operator}/v2/orders")
    assert unknown.status_code == 404 and "GET /metrics, /healthz, /readyz" in unknown.text
    posted = httpx.post(f"{dev_hub.operator}/metrics")
    assert posted.status_code == 405 and posted.headers["allow"] == "GET"
    assert posted.headers["content-type"] == "application/problem+json"


def test_readiness_and_liveness_answer_on_both_ports(dev_hub: LiveDev) -> None:
    for base in (dev_hub.gateway, dev_hub.operator):
        ready = httpx.get(f"{base}/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json() == {"status": "ready", "checks": {"broker": "up", "redis": "up"}}
        assert httpx.get(f"{base}/healthz").status_code == 200


def test_json_logs_are_one_object_a_line_with_what_each_line_is_about(dev_hub: LiveDev) -> None:
    accepted = send_order(dev_hub, "DEV-LOG-1")
    message_id = accepted["message_id"]
    deadline = time.monotonic() + 5  # the worker logs the delivery after the sandbox has it
    while time.monotonic() < deadline:
        lines = json_lines(dev_hub)  # every line of stderr decodes, or this raises
        delivered = [line for line in lines if line.get("message_id") == message_id]
        access = [line for line in lines if line["logger"] == "omnihub.access"]
        if delivered and any(line.get("status") == 202 for line in access):
            break
        time.sleep(0.05)
    for line in lines:
        assert {"time", "level", "logger", "message"} <= line.keys(), line
    assert delivered, f"no log line names {message_id}"
    (line,) = [entry for entry in delivered if "delivered" in entry["message"]]
    assert line["target"] == "erp"
    assert line["partner"] == "acme-market"
    assert line["route"] == "orders"
    assert line["trace_id"] == accepted["trace_id"]
    posted = [a for a in access if a["method"] == "POST" and a["status"] == 202]
    assert posted and posted[-1]["path"] == "/v2/orders"
    assert posted[-1]["partner"] == "acme-market" and posted[-1]["duration_ms"] >= 0
    assert not [line for line in lines if line["logger"].startswith(("httpx", "httpcore"))]
    assert DEMO_KEY not in dev_hub.output()

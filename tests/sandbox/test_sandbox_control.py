"""The /_sandbox control API: health, reset, names."""

from __future__ import annotations

import httpx

from sandbox.control import SandboxClient


def test_health_lists_the_known_systems(control: SandboxClient) -> None:
    health = httpx.get(f"{control.base_url}/_sandbox/health").json()

    assert health["status"] == "ok"
    assert {"erp", "wms", "carrier", "partner"} <= set(health["systems"])


def test_reset_forgets_records_keys_counters_and_modes(
    client: httpx.Client, control: SandboxClient, sales_order: dict[str, object]
) -> None:
    client.post("/erp/sales-orders", json=sales_order, headers={"Idempotency-Key": "k"})
    control.set_mode("erp", fixed_status=500)

    response = httpx.delete(f"{control.base_url}/_sandbox/records")

    assert response.status_code == 204
    assert control.records("erp") == []
    assert control.stats("erp").received == 0
    again = client.post("/erp/sales-orders", json=sales_order, headers={"Idempotency-Key": "k"})
    assert again.status_code == 201
    assert "idempotent-replayed" not in again.headers
    assert again.json()["document_number"] == "SO-000001"


def test_reset_of_one_system_keeps_the_others(
    client: httpx.Client, control: SandboxClient, sales_order: dict[str, object]
) -> None:
    client.post("/erp/sales-orders", json=sales_order)
    client.post("/wms/shipment-requests", json=sales_order)

    httpx.delete(f"{control.base_url}/_sandbox/erp/records").raise_for_status()

    assert control.records("erp") == []
    assert len(control.records("wms")) == 1


def test_invalid_system_name_is_404_problem(control: SandboxClient) -> None:
    response = httpx.get(f"{control.base_url}/_sandbox/Not_Valid/stats")

    assert response.status_code == 404
    assert "lower-case" in response.json()["detail"]


def test_unknown_system_has_empty_stats(control: SandboxClient) -> None:
    stats = control.stats("never-called")

    assert (stats.received, stats.recorded, stats.by_status) == (0, 0, {})


def test_subscriptions_exist_only_for_partner(control: SandboxClient) -> None:
    response = httpx.put(f"{control.base_url}/_sandbox/erp/subscriptions/x", json={"gone": True})

    assert response.status_code == 404
    assert "partner" in response.json()["detail"]


def test_invalid_mode_is_a_problem_naming_the_field(control: SandboxClient) -> None:
    response = httpx.put(f"{control.base_url}/_sandbox/erp/mode", json={"error_rate": 2})

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["error_rate"]


def test_unknown_route_is_a_404_problem(client: httpx.Client) -> None:
    response = client.post("/erp")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"

"""Every request a simulated system processes is recorded, without credentials."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from sandbox.control import SandboxClient

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_sales_order_is_recorded_with_request_details(
    sales_order: dict[str, object], client: httpx.Client, control: SandboxClient
) -> None:
    response = client.post(
        "/erp/sales-orders",
        json=sales_order,
        headers={"Idempotency-Key": "msg-1", "traceparent": TRACEPARENT, "X-Partner": "acme"},
    )

    assert response.status_code == 201
    [record] = control.records("erp")
    assert record.system == "erp"
    assert record.method == "POST"
    assert record.path == "/erp/sales-orders"
    assert record.idempotency_key == "msg-1"
    assert record.traceparent == TRACEPARENT
    assert record.headers["x-partner"] == "acme"
    assert record.body == sales_order
    assert record.status == 201


def test_erp_answers_with_a_sales_order_document_number(
    sales_order: dict[str, object], client: httpx.Client
) -> None:
    first = client.post("/erp/sales-orders", json=sales_order).json()
    second = client.post("/erp/sales-orders", json=sales_order).json()

    assert first["document_number"] == "SO-000001"
    assert second["document_number"] == "SO-000002"
    assert first["reference"] == "SO-WEB-1001"


def test_received_at_is_utc_rfc3339(
    sales_order: dict[str, object], client: httpx.Client, control: SandboxClient
) -> None:
    before = datetime.now(UTC)
    client.post("/erp/sales-orders", json=sales_order)

    raw = httpx.get(f"{control.base_url}/_sandbox/erp/records").json()[0]["received_at"]
    assert raw.endswith("Z")
    assert datetime.fromisoformat(raw) >= before


def test_credentials_are_not_stored_only_their_presence(
    sales_order: dict[str, object], client: httpx.Client, control: SandboxClient
) -> None:
    secrets = {
        "Authorization": "Bearer very-secret-token",
        "X-Api-Key": "key-123-secret",
        "Cookie": "session=cookie-secret",
    }
    client.post("/erp/sales-orders", json=sales_order, headers=secrets)

    [record] = control.records("erp")
    assert record.redacted_headers == ["authorization", "cookie", "x-api-key"]
    assert not {"authorization", "x-api-key", "cookie"} & set(record.headers)
    stored = httpx.get(f"{control.base_url}/_sandbox/erp/records").text
    for value in ("very-secret-token", "key-123-secret", "cookie-secret"):
        assert value not in stored


def test_non_json_body_is_recorded_as_text(client: httpx.Client, control: SandboxClient) -> None:
    edi = "ISA*00*          *00*~"
    response = client.post(
        "/edi-van/interchanges", content=edi, headers={"Content-Type": "application/edi-x12"}
    )

    assert response.status_code == 201
    [record] = control.records("edi-van")
    assert record.body == edi
    assert record.content_type == "application/edi-x12"


def test_generic_system_stores_any_post_put_patch(
    client: httpx.Client, control: SandboxClient
) -> None:
    assert client.post("/oms/orders/1/notes", json={"a": 1}).status_code == 201
    assert client.put("/oms/orders/1", json={"b": 2}).status_code == 201
    assert client.patch("/oms/orders/1", json={"c": 3}).status_code == 201

    records = control.records("oms")
    assert [(r.method, r.path) for r in records] == [
        ("POST", "/oms/orders/1/notes"),
        ("PUT", "/oms/orders/1"),
        ("PATCH", "/oms/orders/1"),
    ]


def test_records_can_be_filtered_by_idempotency_key(
    sales_order: dict[str, object], client: httpx.Client, control: SandboxClient
) -> None:
    client.post("/erp/sales-orders", json=sales_order, headers={"Idempotency-Key": "a"})
    client.post("/erp/sales-orders", json=sales_order, headers={"Idempotency-Key": "b"})

    [record] = control.records("erp", idempotency_key="b")
    assert record.idempotency_key == "b"


def test_stats_count_received_and_status(
    sales_order: dict[str, object], client: httpx.Client, control: SandboxClient
) -> None:
    client.post("/erp/sales-orders", json=sales_order)
    client.post("/erp/sales-orders", json={"lines": []})

    stats = control.stats("erp")
    assert stats.received == 2
    assert stats.recorded == 2
    assert stats.by_status == {"201": 1, "422": 1}

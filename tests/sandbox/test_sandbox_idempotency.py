"""A repeated Idempotency-Key is answered from memory, not stored again."""

from __future__ import annotations

import asyncio

import httpx

from sandbox.control import SandboxClient
from sandbox.testing import SandboxServer


def test_duplicate_key_gives_one_record_and_one_duplicate(
    sales_order: dict[str, object], client: httpx.Client, control: SandboxClient
) -> None:
    headers = {"Idempotency-Key": "msg-42"}
    first = client.post("/erp/sales-orders", json=sales_order, headers=headers)
    second = client.post("/erp/sales-orders", json=sales_order, headers=headers)

    assert len(control.records("erp")) == 1
    assert control.stats("erp").duplicates == 1
    assert second.status_code == first.status_code == 201
    assert second.content == first.content


def test_replay_is_marked_with_idempotent_replayed_header(client: httpx.Client) -> None:
    headers = {"Idempotency-Key": "msg-43"}
    first = client.post("/carrier/shipments", json={"ship_to": {}}, headers=headers)
    second = client.post("/carrier/shipments", json={"ship_to": {}}, headers=headers)

    assert "idempotent-replayed" not in first.headers
    assert second.headers["idempotent-replayed"] == "true"


def test_keys_are_scoped_per_system(
    sales_order: dict[str, object], client: httpx.Client, control: SandboxClient
) -> None:
    headers = {"Idempotency-Key": "shared"}
    client.post("/erp/sales-orders", json=sales_order, headers=headers)
    client.post("/wms/shipment-requests", json=sales_order, headers=headers)

    assert len(control.records("erp")) == 1
    assert len(control.records("wms")) == 1
    assert control.stats("wms").duplicates == 0


def test_rejected_request_is_not_remembered_under_its_key(
    sales_order: dict[str, object], client: httpx.Client, control: SandboxClient
) -> None:
    headers = {"Idempotency-Key": "fix-me"}
    rejected = client.post("/erp/sales-orders", json={"order_number": "1"}, headers=headers)
    fixed = client.post("/erp/sales-orders", json=sales_order, headers=headers)

    assert rejected.status_code == 422
    assert fixed.status_code == 201
    assert control.stats("erp").duplicates == 0


async def test_concurrent_duplicates_still_give_one_record(
    sales_order: dict[str, object], sandbox_server: SandboxServer, control: SandboxClient
) -> None:
    control.set_mode("erp", latency_ms=50)
    headers = {"Idempotency-Key": "race"}
    async with httpx.AsyncClient(base_url=sandbox_server.base_url) as http:
        answers = await asyncio.gather(
            *(http.post("/erp/sales-orders", json=sales_order, headers=headers) for _ in range(5))
        )

    assert {a.status_code for a in answers} == {201}
    assert len({a.content for a in answers}) == 1
    assert len(control.records("erp")) == 1
    assert control.stats("erp").duplicates == 4

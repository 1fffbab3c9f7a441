"""Realistic answers of the simulated ERP, WMS and carrier, including permanent errors."""

from __future__ import annotations

import base64

import httpx
import pytest

from sandbox.control import SandboxClient


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lines": [{"sku": "A"}]}, "order_number"),
        ({"order_number": "SO-1"}, "lines"),
        ({"order_number": "SO-1", "lines": []}, "lines"),
        ({"order_number": "", "lines": [{"sku": "A"}]}, "order_number"),
    ],
)
def test_invalid_sales_order_is_422_problem_naming_the_field(
    client: httpx.Client, body: dict[str, object], field: str
) -> None:
    response = client.post("/erp/sales-orders", json=body)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert [e["field"] for e in problem["errors"]] == [field]
    assert problem["errors"][0]["pointer"] == f"/{field}"


def test_sales_order_accepts_camel_case_order_number(client: httpx.Client) -> None:
    response = client.post("/erp/sales-orders", json={"orderNumber": "W-7", "lines": [{}]})

    assert response.status_code == 201
    assert response.json()["reference"] == "W-7"


def test_sales_order_that_is_not_an_object_is_422(client: httpx.Client) -> None:
    response = client.post("/erp/sales-orders", json=[{"order_number": "SO-1"}])

    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "must be a JSON object"


def test_malformed_json_is_400(client: httpx.Client) -> None:
    response = client.post(
        "/erp/sales-orders", content=b"{not json", headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert "not valid JSON" in response.json()["detail"]


def test_rejected_sales_order_is_recorded_with_its_status(
    client: httpx.Client, control: SandboxClient
) -> None:
    client.post("/erp/sales-orders", json={"order_number": "SO-1"})

    assert [r.status for r in control.records("erp")] == [422]
    assert control.records("erp", status=201) == []


@pytest.mark.parametrize(
    ("path", "number"),
    [("/erp/inventory-adjustments", "IA-000001"), ("/erp/credit-memos", "CM-000001")],
)
def test_erp_documents_get_their_own_number_series(
    client: httpx.Client, path: str, number: str
) -> None:
    response = client.post(path, json={"reference": "R-1"})

    assert response.status_code == 201
    assert response.json()["document_number"] == number


def test_wms_shipment_request_is_released(client: httpx.Client) -> None:
    response = client.post("/wms/shipment-requests", json={"order_number": "SO-1"})

    assert response.status_code == 201
    assert response.json() == {
        "id": "SR-000001",
        "type": "shipment_request",
        "reference": "SO-1",
        "status": "released",
    }


def test_wms_expected_receipt_comes_from_an_asn(client: httpx.Client) -> None:
    response = client.post("/wms/expected-receipts", json={"asn_number": "ASN-55"})

    assert response.status_code == 201
    assert response.json()["id"] == "ER-000001"
    assert response.json()["reference"] == "ASN-55"


def test_carrier_returns_tracking_number_and_base64_label(client: httpx.Client) -> None:
    response = client.post("/carrier/shipments", json={"ship_to": {"postal_code": "10115"}})

    assert response.status_code == 201
    shipment = response.json()
    assert shipment["tracking_number"] == "SBX000000000001"
    label = base64.b64decode(shipment["label_base64"], validate=True)
    assert shipment["tracking_number"].encode() in label
    assert len(label) < 200


def test_generic_answer_names_the_system(client: httpx.Client) -> None:
    response = client.put("/pos/stores/12/prices", json={"sku": "A", "price": 100})

    assert response.status_code == 201
    assert response.json() == {"id": "POS-000001", "system": "pos", "status": "accepted"}


def test_generic_system_numbers_do_not_share_a_series_with_erp_documents(
    client: httpx.Client, sales_order: dict[str, object]
) -> None:
    client.post("/so/anything", json={})

    response = client.post("/erp/sales-orders", json=sales_order)

    assert response.json()["document_number"] == "SO-000001"

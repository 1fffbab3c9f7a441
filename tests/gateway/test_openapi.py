"""The OpenAPI document describes every route version with its real schema, security and
headers; schemathesis, fuzzing the running gateway from it, finds no 5xx and no response
that contradicts it."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import httpx

from omnihub.config import HubConfig
from omnihub.settings import Settings
from tests.gateway.edge import Creds
from tests.gateway.processes import gateway_processes


async def _document(edge: httpx.AsyncClient) -> dict[str, Any]:
    response = await edge.get("/schema/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


async def test_every_route_version_is_described_with_its_canonical_schema(
    edge: httpx.AsyncClient,
) -> None:
    doc = await _document(edge)
    for path in ("/v0/orders", "/v1/orders", "/v2/orders", "/v1/inventory"):
        body = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        assert body["schema"]["$ref"].startswith("#/components/schemas/")
    schemas = doc["components"]["schemas"]
    assert "order_number" in schemas["Order"]["required"]
    assert schemas["Order"]["properties"]["lines"]["minItems"] == 1
    assert "InventoryEvent" in schemas and "Problem" in schemas


async def test_pipeline_versions_describe_the_partner_format(edge: httpx.AsyncClient) -> None:
    doc = await _document(edge)
    shopify = doc["paths"]["/v1/webhooks/shopify/orders"]["post"]
    schema = shopify["requestBody"]["content"]["application/json"]["schema"]
    assert schema["type"] == "object" and "Order" in schema["description"]
    assert shopify["security"] == [{"shopifyHmac": []}]


async def test_security_schemes_and_requirements_are_declared(edge: httpx.AsyncClient) -> None:
    doc = await _document(edge)
    schemes = doc["components"]["securitySchemes"]
    assert schemes["oauth2"]["flows"]["clientCredentials"]["tokenUrl"] == "/oauth/token"
    assert schemes["apiKey-X-Partner-Key"] == {
        "type": "apiKey",
        "name": "X-Partner-Key",
        "in": "header",
        "description": "An API key.",
    }
    security = doc["paths"]["/v2/orders"]["post"]["security"]
    assert {"oauth2": ["orders:write"]} in security and {"bearer": []} in security


async def test_rate_limit_idempotency_and_lifecycle_headers_are_documented(
    edge: httpx.AsyncClient,
) -> None:
    doc = await _document(edge)
    v1 = doc["paths"]["/v1/orders"]["post"]
    assert v1["deprecated"] is True
    assert {"RateLimit", "RateLimit-Policy", "Deprecation", "Sunset", "Link"} <= set(
        v1["responses"]["202"]["headers"]
    )
    assert "Retry-After" in v1["responses"]["429"]["headers"]
    keyed = doc["paths"]["/v1/keyed-orders"]["post"]["parameters"]
    idem = next(p for p in keyed if p["name"] == "Idempotency-Key")
    assert idem["required"] is True and idem["in"] == "header"
    assert "holds it for 1 s (409 meanwhile)" in idem["description"]  # its idempotency_lock
    assert doc["paths"]["/v2/orders"]["post"]["deprecated"] is False


async def test_schemathesis_finds_no_server_error_and_no_contradiction(
    edge_config: HubConfig, settings: Settings, creds: Creds, tmp_path: Path
) -> None:
    async with gateway_processes(edge_config.directory, settings, creds.env(), 1) as (url,):
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{url}/schema/openapi.json",
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,"
            "response_headers_conformance,response_schema_conformance",
            "--header",
            f"Authorization: Bearer {creds.acme_keys[0]}",
            "--max-examples",
            "15",
            "--workers",
            "1",
            "--request-timeout",
            "20",
            "--seed",
            "1",
            "--phases",
            "fuzzing",
            "--report-dir",
            str(tmp_path),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode == 0, output.decode()[-6000:]

"""The partner contract of the example configuration, as `/schema/openapi.json` serves it:
every route version's real request schema with examples that validate against it (with
`jsonschema`), security on every operation, real response examples; and `/schema`
rendered from the hub's own files, nothing fetched from elsewhere."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import jsonschema
import pytest

from omnihub.config import load_config
from omnihub.settings import Settings
from tests.support.configs import REPO
from tests.support.hub import running_gateway

JSON_ROUTES = {
    ("post", "/v1/orders"),
    ("post", "/v2/orders"),
    ("post", "/v1/webhooks/shopify/orders"),
    ("post", "/v1/stores/sales"),
    ("post", "/v1/asns"),
    ("post", "/v1/shipments/confirmations"),
    ("post", "/v1/returns"),
    ("put", "/v1/products"),
}


@pytest.fixture(scope="module")
async def example_gateway(module_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    config = load_config(REPO, env={})
    async with (
        running_gateway(config, module_settings) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        yield client


@pytest.fixture(scope="module")
async def document(example_gateway: httpx.AsyncClient) -> dict[str, Any]:
    response = await example_gateway.get("/schema/openapi.json")
    assert response.status_code == 200
    found: dict[str, Any] = response.json()
    return found


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def _examples(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(where, schema, example value) of every example in the document."""
    for method, path, op in _operations(doc):
        bodies = [("request", op.get("requestBody", {}))]
        bodies += [(status, response) for status, response in op["responses"].items()]
        for what, holder in bodies:
            for media_type, media in holder.get("content", {}).items():
                for name, example in (media.get("examples") or {}).items():
                    where = f"{method.upper()} {path} {what} {media_type} '{name}'"
                    yield where, media["schema"], example["value"]


def _validator(doc: dict[str, Any], schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    root = {"components": doc["components"], "allOf": [schema]}  # the refs resolve in root
    return jsonschema.Draft202012Validator(
        root, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


async def test_every_example_validates_against_its_schema(document: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema({"components": document["components"]})
    seen = 0
    for where, schema, value in _examples(document):
        errors = [e.message for e in _validator(document, schema).iter_errors(value)]
        assert not errors, f"{where}: {errors}"
        seen += 1
    assert seen > 60  # request bodies, 202s, problems, admin answers


async def test_a_body_that_breaks_the_schema_is_caught_by_the_validator(
    document: dict[str, Any],
) -> None:
    """The check above can fail: a schema-breaking body is an error for jsonschema."""
    schema = document["paths"]["/v2/orders"]["post"]["requestBody"]["content"]["application/json"]
    broken = {"order_number": "X", "lines": []}
    assert list(_validator(document, schema["schema"]).iter_errors(broken))


async def test_each_route_version_has_its_real_request_schema(document: dict[str, Any]) -> None:
    def body(method: str, path: str) -> dict[str, Any]:
        content = document["paths"][path][method]["requestBody"]["content"]
        found: dict[str, Any] = content["application/json"]
        return found

    v1 = body("post", "/v1/orders")["schema"]
    assert [r["$ref"].rsplit("/", 1)[1] for r in v1["anyOf"]] == ["Order", "AcmeOrderV1"]
    assert body("post", "/v2/orders")["schema"]["$ref"].endswith("/Order")
    legacy = document["components"]["schemas"]["AcmeOrderV1"]
    assert {"orderId", "createdAt", "currencyCode", "items"} <= set(legacy["required"])
    assert body("post", "/v1/webhooks/shopify/orders")["schema"]["$ref"].endswith("/ShopifyOrder")
    for method, path in JSON_ROUTES:  # no route version is a bare {"type": "object"}
        media = body(method, path)
        assert "$ref" in media["schema"] or "anyOf" in media["schema"], path
        assert media["examples"], path


async def test_every_operation_states_its_security(document: dict[str, Any]) -> None:
    schemes = set(document["components"]["securitySchemes"])
    for method, path, op in _operations(document):
        assert "security" in op, f"{method} {path}"
        for requirement in op["security"]:
            assert set(requirement) <= schemes, f"{method} {path}: {requirement}"
    paths = document["paths"]
    assert paths["/v1/webhooks/shopify/orders"]["post"]["security"] == [{"shopifyHmac": []}]
    assert paths["/v1/stores/sales"]["post"]["security"] == [
        {"bearer": []},
        {"apiKey-X-Api-Key": []},
    ]
    assert {"oauth2": ["admin"]} in paths["/admin/dlq/{target}"]["get"]["security"]
    assert paths["/.well-known/jwks.json"]["get"]["security"] == []
    assert paths["/oauth/token"]["post"]["security"] == [{"clientBasic": []}, {}]


async def test_edi_token_and_admin_operations_are_described(document: dict[str, Any]) -> None:
    paths = document["paths"]
    x12 = paths["/v1/edi/x12"]["post"]
    assert {"application/edi-x12", "text/plain"} <= set(x12["requestBody"]["content"])
    assert "application/edi-x12" in x12["responses"]["200"]["content"]
    assert "Omnihub-Message-Ids" in x12["responses"]["200"]["headers"]
    assert "application/edifact" in paths["/v1/edi/edifact"]["post"]["requestBody"]["content"]
    token = paths["/oauth/token"]["post"]["requestBody"]["content"]
    form = token["application/x-www-form-urlencoded"]
    assert set(form["examples"]) == {"basic", "post"}
    discard = paths["/admin/dlq/{target}/discard"]["post"]["requestBody"]["content"]
    assert discard["application/json"]["schema"]["$ref"].endswith("/DeadLetterDiscard")
    assert "reason" in document["components"]["schemas"]["DeadLetterDiscard"]["properties"]


async def test_response_examples_are_the_hubs_own_answers(document: dict[str, Any]) -> None:
    v1 = document["paths"]["/v1/orders"]["post"]["responses"]
    accepted = v1["202"]["content"]["application/json"]["examples"]["accepted"]["value"]
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        accepted["message_id"],
    )
    assert accepted["event"] == "order.created" and len(accepted["trace_id"]) == 32
    unauthorized = v1["401"]["content"]["application/problem+json"]["examples"]
    problem = unauthorized["unauthenticated"]["value"]
    assert problem == {
        "type": "https://omnihub.dev/problems/unauthenticated",
        "title": "Unauthorized",
        "status": 401,
        "detail": "the API key is not valid",
        "instance": "/v1/orders",
    }
    gone = v1["410"]["content"]["application/problem+json"]["examples"]["version-retired"]
    assert "orders v1 was retired on" in gone["value"]["detail"]


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]


def _local(url: str) -> bool:
    parts = urlsplit(url)
    return (parts.scheme in ("", "data") and not parts.netloc) or parts.hostname == "127.0.0.1"


async def test_schema_page_is_rendered_from_the_hubs_own_files(
    example_gateway: httpx.AsyncClient,
) -> None:
    page = await example_gateway.get("/schema")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    refs = _Refs()
    refs.feed(page.text)
    assert len(refs.urls) >= 4  # icon, stylesheet, Swagger UI, its start script
    fetched: dict[str, str] = {}
    for url in refs.urls:
        assert _local(url), url
        asset = await example_gateway.get(urljoin("/schema", url))
        assert asset.status_code == 200, url
        fetched[url] = asset.text if "image" not in asset.headers["content-type"] else ""
    for url, text in fetched.items():
        if url.endswith(".css"):  # what a stylesheet loads: fonts, images
            for found in re.findall(r"url\(\s*['\"]?([^'\")]+)", text):
                assert _local(found), f"{url} loads {found}"
            assert "@import" not in text
    init = next(text for url, text in fetched.items() if url.endswith("omnihub-init.js"))
    assert 'url: "/schema/openapi.json"' in init
    assert "validatorUrl: null" in init  # Swagger UI's badge would call validator.swagger.io


async def test_the_documented_edi_example_is_an_interchange_the_hub_accepts(
    example_gateway: httpx.AsyncClient, document: dict[str, Any]
) -> None:
    x12 = document["paths"]["/v1/edi/x12"]["post"]
    sample = x12["requestBody"]["content"]["application/edi-x12"]["examples"]["interchange"]
    response = await example_gateway.post(
        "/v1/edi/x12",
        content=sample["value"],
        headers={
            "Authorization": "Bearer ohk_demo_northstar_8Jf2Lq5Wc9Xv1Rk7Tn3Bz6Hd",
            "Content-Type": "application/edi-x12",
        },
    )
    assert response.status_code == 200, response.text
    assert "AK5*A~" in response.text and response.headers["Omnihub-Message-Ids"]

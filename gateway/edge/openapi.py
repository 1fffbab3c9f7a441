"""Describe the partner API in Litestar's OpenAPI document.

Ingest handlers read the raw body themselves (to control 413/415/422 and run pipelines),
so Litestar cannot infer their request schema: this fills in, per route version, the
request body from the canonical msgspec struct (the same schema msgspec validates), the
security schemes the route accepts, the Idempotency-Key and webhook headers, and every
response with its headers (RateLimit, RateLimit-Policy, Retry-After, Deprecation, Sunset).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import msgspec
from litestar import Litestar
from litestar.openapi.spec import (
    Components,
    OAuthFlow,
    OAuthFlows,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    Operation,
    Parameter,
    RequestBody,
    SecurityScheme,
)

from gateway.auth.token_endpoint import FORM, JWKS_PATH, TOKEN_PATH, TokenResponse
from gateway.edge.problems import PROBLEM_JSON
from gateway.ingest.admission import TierLimits
from gateway.ingest.flow import Accepted, IngestFlow
from gateway.ingest.json_codec import JsonBody
from omnihub.config.model import HubConfig, Idempotency

__all__ = ["describe_api"]

REF = "#/components/schemas/{name}"
_DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"

_PROBLEM: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "Each failing field: a JSON pointer into the body and what is wrong.",
            "items": {
                "type": "object",
                "properties": {
                    "pointer": {"type": "string"},
                    "detail": {"type": "string"},
                    "step": {"type": "string"},
                },
            },
        },
        "supported_versions": {"type": "array", "items": {"type": "string"}},
        "error": {"type": "string", "description": "OAuth2 error code (token endpoint)."},
        "error_description": {"type": "string"},
    },
}

_ERRORS = {
    "400": "Malformed JSON, a bad or missing Idempotency-Key.",
    "401": "No credentials, or credentials that are not valid.",
    "403": "The partner lacks a scope the route requires.",
    "409": "A request with the same Idempotency-Key is still in flight: retry shortly.",
    "413": "The body is larger than the route accepts.",
    "415": "The body is not application/json.",
    "422": "The body does not match the schema (every failing field listed), or the "
    "Idempotency-Key was used for a different request.",
    "429": "Over the partner's rate limit: wait Retry-After seconds.",
    "503": "The hub cannot store messages now: retry after Retry-After, with the same "
    "Idempotency-Key.",
}


def _header(description: str, schema: dict[str, Any] | None = None) -> OpenAPIHeader:
    return OpenAPIHeader(schema=cast(Any, schema or {"type": "string"}), description=description)


_RATE = {
    "RateLimit-Policy": _header('The tier\'s windows: "<name>";q=<quota>;w=<seconds>, ...'),
    "RateLimit": _header('The window closest to its limit: "<name>";r=<remaining>;t=<seconds>'),
}
_RETRY = {"Retry-After": _header("Seconds to wait before retrying.", {"type": "integer"})}


def _fix_decimals(node: Any) -> None:
    """msgspec writes decimals as strings of format 'decimal'; say which strings those are."""
    if isinstance(node, dict):
        if node.get("format") == "decimal" and node.get("type") == "string":
            node["pattern"] = _DECIMAL_PATTERN
        for value in node.values():
            _fix_decimals(value)
    elif isinstance(node, list):
        for value in node:
            _fix_decimals(value)


def _json(schema: dict[str, Any], media: str = "application/json") -> dict[str, OpenAPIMediaType]:
    return {media: OpenAPIMediaType(schema=cast(Any, schema))}


def _security_schemes(config: HubConfig, oauth: bool) -> dict[str, SecurityScheme]:
    schemes = {
        "bearer": SecurityScheme(
            type="http", scheme="bearer", description="An API key, or an access token (JWT)."
        ),
        "webhookSignature": SecurityScheme(
            type="apiKey",
            name="webhook-signature",
            security_scheme_in="header",
            description="Standard Webhooks v1 signature (with webhook-id, webhook-timestamp).",
        ),
        "shopifyHmac": SecurityScheme(
            type="apiKey",
            name="X-Shopify-Hmac-Sha256",
            security_scheme_in="header",
            description="Base64 HMAC-SHA256 of the raw body with the webhook secret.",
        ),
    }
    for header in {r.api_key_header for r in config.routes.values() if "api_key" in r.auth}:
        schemes[f"apiKey-{header}"] = SecurityScheme(
            type="apiKey", name=header, security_scheme_in="header", description="An API key."
        )
    if oauth:
        scopes = sorted({s for r in config.routes.values() for s in r.scopes})
        schemes["oauth2"] = SecurityScheme(
            type="oauth2",
            flows=OAuthFlows(
                client_credentials=OAuthFlow(token_url=TOKEN_PATH, scopes={s: s for s in scopes})
            ),
        )
    return schemes


def _security(handler: IngestFlow[JsonBody]) -> list[dict[str, list[str]]]:
    route = handler.route
    out: list[dict[str, list[str]]] = []
    for method in route.auth:
        if method == "api_key":
            out += [{"bearer": []}, {f"apiKey-{route.api_key_header}": []}]
        elif method == "oauth2":
            out.append({"oauth2": list(route.scopes)})
        elif method == "webhook_standard":
            out.append({"webhookSignature": []})
        else:
            out.append({"shopifyHmac": []})
    return out


def _parameters(handler: IngestFlow[JsonBody]) -> list[Any]:
    route = handler.route
    params: list[Any] = [
        Parameter(
            name="traceparent",
            param_in="header",
            required=False,
            schema=cast(Any, {"type": "string"}),
            description="W3C trace context; the hub continues the trace.",
        )
    ]
    if route.idempotency is not Idempotency.OFF:
        params.append(
            Parameter(
                name="Idempotency-Key",
                param_in="header",
                required=route.idempotency is Idempotency.REQUIRED,
                schema=cast(Any, {"type": "string", "minLength": 1, "maxLength": 255}),
                description="A unique key per request (a UUID); a retry with the same key and "
                "body gets the original response. Kept for "
                f"{int(route.idempotency_ttl.total_seconds())} s.",
            )
        )
    if "webhook_standard" in route.auth:
        for name in ("webhook-id", "webhook-timestamp"):
            params.append(
                Parameter(
                    name=name,
                    param_in="header",
                    required=False,
                    schema=cast(Any, {"type": "string"}),
                )
            )
    return params


def _responses(handler: IngestFlow[JsonBody]) -> dict[str, Any]:
    version = handler.policy.headers
    lifecycle = {
        name: _header(
            f"RFC {'9745' if name == 'Deprecation' else '8594' if name == 'Sunset' else '8288'}"
        )
        for name in version
    }
    accepted_headers: dict[str, Any] = {
        **_RATE,
        **lifecycle,
        "traceparent": _header("The trace the message travels in."),
        "Idempotent-Replayed": _header("'true' when this is the stored response of a retry."),
    }
    responses: dict[str, Any] = {
        "202": OpenAPIResponse(
            description="Accepted: stored durably in the broker.",
            headers=accepted_headers,
            content=_json({"$ref": REF.format(name="Accepted")}),
        )
    }
    problem = _json({"$ref": REF.format(name="Problem")}, PROBLEM_JSON)
    errors = dict(_ERRORS)
    if "Sunset" in version:
        errors["410"] = "The version is past its sunset: move to a newer one."
    for status, text in sorted(errors.items()):
        headers: dict[str, Any] = {**lifecycle}
        if status in ("429",):
            headers |= {**_RATE, **_RETRY}
        elif status in ("409", "503"):
            headers |= _RETRY
        responses[status] = OpenAPIResponse(
            description=text, headers=headers or None, content=problem
        )
    return responses


def describe_api(
    app: Litestar,
    config: HubConfig,
    handlers: Sequence[IngestFlow[JsonBody]],
    tiers: dict[str, TierLimits],
    *,
    oauth: bool,
) -> None:
    openapi = app.openapi_schema
    types = sorted({h.codec.inbound.schema for h in handlers}, key=lambda t: t.__name__)
    _, components = msgspec.json.schema_components(
        [*types, Accepted, TokenResponse], ref_template=REF
    )
    _fix_decimals(components)
    components["Problem"] = _PROBLEM
    openapi.components = openapi.components or Components()
    openapi.components.schemas = cast(Any, {**(openapi.components.schemas or {}), **components})
    openapi.components.security_schemes = cast(Any, _security_schemes(config, oauth))
    paths = openapi.paths or {}
    for handler in handlers:
        item = paths.get(f"/{handler.version}{handler.route.path}")
        operation: Operation | None = getattr(item, handler.route.method.lower(), None)
        if operation is None:
            continue
        spec = handler.route.versions[handler.version]
        tier = tiers[handler.route.tier]
        if handler.codec.inbound.pipeline is None:
            body: dict[str, Any] = {"$ref": REF.format(name=handler.codec.inbound.schema.__name__)}
        else:
            body = {
                "type": "object",
                "description": f"The partner's format; the hub's pipeline turns it into "
                f"a {handler.codec.inbound.schema.__name__}.",
            }
        notes = [handler.route.description, f"Rate limit tier '{tier.name}': {tier.policy_header}."]
        if spec.deprecated is not None:
            notes.append(f"Deprecated since {spec.deprecated.isoformat()}.")
        if spec.sunset is not None:
            notes.append(
                f"Sunset {spec.sunset.isoformat()}"
                + (f"; migration: {spec.migration}" if spec.migration else "")
                + "."
            )
        operation.description = " ".join(n for n in notes if n)
        operation.deprecated = spec.deprecated is not None
        operation.request_body = RequestBody(content=_json(body), required=True)
        operation.parameters = _parameters(handler)
        operation.responses = _responses(handler)
        operation.security = _security(handler)
    token = paths.get(TOKEN_PATH)
    if token is not None and token.post is not None:
        token.post.request_body = RequestBody(
            required=True,
            content=_json(
                {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                        "scope": {"type": "string"},
                        "client_id": {"type": "string"},
                        "client_secret": {"type": "string"},
                    },
                },
                FORM,
            ),
        )
        token.post.security = [{"clientBasic": []}, {}]
        cast(Any, openapi.components.security_schemes)["clientBasic"] = SecurityScheme(
            type="http", scheme="basic", description="client_secret_basic"
        )
        token.post.responses = {
            "200": OpenAPIResponse(
                description="An access token.",
                content=_json({"$ref": REF.format(name="TokenResponse")}),
            ),
            "400": OpenAPIResponse(
                description="invalid_request, unsupported_grant_type or invalid_scope.",
                content=_json({"$ref": REF.format(name="Problem")}, PROBLEM_JSON),
            ),
            "413": OpenAPIResponse(
                description="The form is larger than 8 KiB.",
                content=_json({"$ref": REF.format(name="Problem")}, PROBLEM_JSON),
            ),
            "401": OpenAPIResponse(
                description="invalid_client.",
                content=_json({"$ref": REF.format(name="Problem")}, PROBLEM_JSON),
            ),
        }
    jwks = paths.get(JWKS_PATH)
    if jwks is not None and jwks.get is not None:
        jwks.get.responses = {
            "200": OpenAPIResponse(
                description="JWK Set (RFC 7517).",
                content=_json(
                    {
                        "type": "object",
                        "properties": {"keys": {"type": "array", "items": {"type": "object"}}},
                    }
                ),
            )
        }

"""Pieces every part of the OpenAPI document uses: references, media types with their
examples, headers, the problem+json schema and the security schemes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from litestar.openapi.spec import (
    Example,
    OAuthFlow,
    OAuthFlows,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    SecurityScheme,
)

from gateway.edge.problems import PROBLEM_JSON
from omnihub.config.model import HubConfig, Route

__all__ = [
    "ADMIN_SECURITY",
    "CALLER_SECURITY",
    "PROBLEM",
    "REF",
    "fix_decimals",
    "header",
    "media",
    "problem_response",
    "ref",
    "route_security",
    "security_schemes",
]

REF = "#/components/schemas/{name}"
DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"

PROBLEM: dict[str, Any] = {
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

# The hub's own endpoints (message status, admin API) accept an API key or an access token.
CALLER_SECURITY: list[dict[str, list[str]]] = [
    {"bearer": []},
    {"apiKey-X-Api-Key": []},
    {"oauth2": []},
]
ADMIN_SECURITY: list[dict[str, list[str]]] = [
    {"bearer": []},
    {"apiKey-X-Api-Key": []},
    {"oauth2": ["admin"]},
]


def ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(name=name)}


def header(description: str, schema: dict[str, Any] | None = None) -> OpenAPIHeader:
    return OpenAPIHeader(schema=cast(Any, schema or {"type": "string"}), description=description)


def media(
    schema: dict[str, Any],
    content_type: str = "application/json",
    examples: Mapping[str, tuple[str, Any]] | None = None,
) -> dict[str, OpenAPIMediaType]:
    """One media type; `examples`: name -> (summary, value)."""
    shown = (
        {name: Example(summary=summary, value=value) for name, (summary, value) in examples.items()}
        if examples
        else None
    )
    return {content_type: OpenAPIMediaType(schema=cast(Any, schema), examples=cast(Any, shown))}


def problem_response(
    description: str, examples: Mapping[str, tuple[str, Any]], headers: dict[str, Any] | None = None
) -> OpenAPIResponse:
    return OpenAPIResponse(
        description=description,
        headers=headers or None,
        content=media(ref("Problem"), PROBLEM_JSON, examples),
    )


def fix_decimals(node: Any) -> Any:
    """msgspec writes a Decimal as a string of format 'decimal', and decodes a JSON number
    into one too: say both, and which strings."""
    if isinstance(node, dict):
        if node.get("format") == "decimal" and node.get("type") == "string":
            rest = {k: v for k, v in node.items() if k not in ("type", "format")}
            return {
                **rest,
                "anyOf": [
                    {"type": "string", "format": "decimal", "pattern": DECIMAL_PATTERN},
                    {"type": "number"},
                ],
            }
        return {k: fix_decimals(v) for k, v in node.items()}
    if isinstance(node, list):
        return [fix_decimals(v) for v in node]
    return node


def route_security(route: Route) -> list[dict[str, list[str]]]:
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


def security_schemes(config: HubConfig, oauth: bool, extra_scopes: Iterable[str]) -> dict[str, Any]:
    schemes: dict[str, Any] = {
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
        "clientBasic": SecurityScheme(
            type="http",
            scheme="basic",
            description="client_secret_basic: the client id and secret (each "
            "form-urlencoded) as HTTP Basic credentials.",
        ),
    }
    headers = {r.api_key_header for r in config.routes.values() if "api_key" in r.auth}
    for name in sorted(headers | {"X-Api-Key"}):
        schemes[f"apiKey-{name}"] = SecurityScheme(
            type="apiKey", name=name, security_scheme_in="header", description="An API key."
        )
    if oauth:
        scopes = sorted({s for r in config.routes.values() for s in r.scopes} | set(extra_scopes))
        schemes["oauth2"] = SecurityScheme(
            type="oauth2",
            description="Access tokens from POST /oauth/token (client credentials), or from "
            "an identity provider the operators configured.",
            flows=OAuthFlows(
                client_credentials=OAuthFlow(
                    token_url="/oauth/token", scopes={s: f"the {s} scope" for s in scopes}
                )
            ),
        )
    return schemes

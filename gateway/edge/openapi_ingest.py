"""What the JSON and the EDI ingest operations of the OpenAPI document share: their
header parameters (traceparent, Idempotency-Key, webhook ids), the lifecycle and
rate-limit headers, and an error response with examples for every status they answer."""

from __future__ import annotations

from typing import Any, cast

from litestar.openapi.spec import Parameter

from gateway.edge.openapi_common import header, problem_response
from gateway.edge.openapi_examples import ingest_problems
from gateway.ingest.admission import TierLimits
from gateway.ingest.edi_body import EdiBody
from gateway.ingest.flow import IngestFlow
from gateway.ingest.json_codec import JsonBody
from omnihub.config.model import Idempotency

__all__ = ["RATE", "RETRY", "error_responses", "ingest_parameters", "lifecycle_headers"]

_ERRORS = {
    "400": "Malformed JSON, a bad or missing Idempotency-Key.",
    "401": "No credentials, or credentials that are not valid.",
    "403": "The partner lacks a scope the route requires.",
    "409": "A request with the same Idempotency-Key is still in flight: retry shortly.",
    "410": "The version is past its sunset: move to a newer one.",
    "413": "The body is larger than the route accepts.",
    "415": "The body is not application/json.",
    "422": "The body does not match the schema (every failing field listed), or the "
    "Idempotency-Key was used for a different request.",
    "429": "Over the partner's rate limit: wait Retry-After seconds.",
    "503": "The hub cannot store messages now: retry after Retry-After, with the same "
    "Idempotency-Key.",
}

RATE = {
    "RateLimit-Policy": header('The tier\'s windows: "<name>";q=<quota>;w=<seconds>, ...'),
    "RateLimit": header('The window closest to its limit: "<name>";r=<remaining>;t=<seconds>'),
}
RETRY = {"Retry-After": header("Seconds to wait before retrying.", {"type": "integer"})}


def ingest_parameters(handler: IngestFlow[JsonBody] | IngestFlow[EdiBody]) -> list[Any]:
    route = handler.route
    params: list[Any] = [
        Parameter(
            name="traceparent",
            param_in="header",
            required=False,
            schema=cast(
                Any, {"type": "string", "pattern": "^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"}
            ),
            description="W3C trace context; the hub continues the trace.",
        )
    ]
    if route.idempotency is not Idempotency.OFF:
        params.append(
            Parameter(
                name="Idempotency-Key",
                param_in="header",
                required=route.idempotency is Idempotency.REQUIRED,
                schema=cast(
                    Any,
                    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
                ),
                description="A unique key per request (a UUID); a retry with the same key and "
                "body gets the original response. Kept for "
                f"{int(route.idempotency_ttl.total_seconds())} s; a request that never "
                "finished holds it for "
                f"{int(route.idempotency_lock.total_seconds())} s (409 meanwhile).",
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


def lifecycle_headers(handler: IngestFlow[JsonBody] | IngestFlow[EdiBody]) -> dict[str, Any]:
    rfc = {"Deprecation": "RFC 9745", "Sunset": "RFC 8594", "Link": "RFC 8288"}
    return {name: header(rfc[name]) for name in handler.policy.headers}


def error_responses(
    handler: IngestFlow[JsonBody] | IngestFlow[EdiBody], tier: TierLimits
) -> dict[str, Any]:
    spec = handler.route.versions[handler.version]
    lifecycle = lifecycle_headers(handler)
    examples = ingest_problems(handler.route_id, handler.route, handler.version, spec, tier)
    responses: dict[str, Any] = {}
    for status, found in sorted(examples.items()):
        headers: dict[str, Any] = {**lifecycle}
        if status == "429":
            headers |= {**RATE, **RETRY}
        elif status in ("409", "503"):
            headers |= RETRY
        responses[status] = problem_response(_ERRORS[status], found, headers)
    return responses

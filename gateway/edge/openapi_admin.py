"""The admin API in the OpenAPI document: journeys, dead letters, replays (scope admin).

Request bodies are the msgspec types `gateway.admin` decodes (`DeadLetterSelection`,
`DeadLetterDiscard`, `ArchiveReplayRequest`); answers are the types it encodes
(`DeadLetter`, `ReplayReport`, journeys of `JourneyMeta` and `JourneyEntry`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from litestar.openapi.spec import OpenAPIResponse, Operation, Parameter, PathItem, RequestBody

from gateway.auth.callers import ADMIN_SCOPE
from gateway.auth.principal import Principal, authorize, unauthenticated
from gateway.edge.openapi_common import ADMIN_SECURITY, media, problem_response, ref
from gateway.edge.openapi_examples import MESSAGE_ID, TRACE_ID, problem_example
from gateway.edge.problems import ProblemError
from omnihub.config.model import HubConfig

__all__ = ["describe_admin"]

_ACTOR = "ops-team/ops-key-1"
_DEAD_LETTER = {
    "message_id": MESSAGE_ID,
    "target": "erp",
    "event": "order.created",
    "route": "orders",
    "partner": "acme-market",
    "received_at": "2026-11-23T10:15:00.120000Z",
    "dead_at": "2026-11-23T10:15:00.301000Z",
    "error": "RejectedByTarget",
    "reason": "422 from erp: unknown item SKU-999",
    "lane": "priority",
    "attempts": [],
    "business_key": "WEB-1001",
}
_JOURNEY = {
    "outcome": "dead_lettered",
    "meta": {
        "message_id": MESSAGE_ID,
        "partner": "acme-market",
        "route": "orders",
        "event": "order.created",
        "trace_id": TRACE_ID,
        "business_key": "WEB-1001",
    },
    "entries": [
        {"at": "2026-11-23T10:15:00.120Z", "stage": "received"},
        {"at": "2026-11-23T10:15:00.127Z", "stage": "published"},
        {
            "at": "2026-11-23T10:15:00.290Z",
            "stage": "attempt",
            "target": "erp",
            "attempt": 1,
            "status": 422,
            "latency_ms": 12.5,
            "error": "RejectedByTarget",
        },
        {"at": "2026-11-23T10:15:00.301Z", "stage": "dead_lettered", "target": "erp"},
    ],
}
_REPORT = {
    "source": "dlq:erp",
    "actor": _ACTOR,
    "replayed": {"erp": 1},
    "message_ids": [MESSAGE_ID],
}
_JOURNEYS_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["outcome", "meta", "entries"],
        "properties": {
            "outcome": {"type": "string", "description": "The latest decisive stage."},
            "meta": ref("JourneyMeta"),
            "entries": {"type": "array", "items": ref("JourneyEntry")},
        },
    },
}


_INSIGHTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["since", "until", "rows"],
    "properties": {
        "since": {"type": "string", "format": "date-time"},
        "until": {"type": "string", "format": "date-time"},
        "rows": {"type": "array", "items": {"type": "object"}},
    },
}


def _ok(description: str, schema: dict[str, Any], example: Any) -> OpenAPIResponse:
    return OpenAPIResponse(
        description=description, content=media(schema, examples={"example": (description, example)})
    )


def _problems(path: str, *extra: tuple[str, str, ProblemError]) -> dict[str, Any]:
    viewer = Principal("acme-market", frozenset({"orders:write"}), "acme-2026-11", "api_key")
    try:
        authorize(viewer, (ADMIN_SCOPE,))
    except ProblemError as exc:
        forbidden = exc
    found = [
        ("401", "No or invalid credentials.", unauthenticated("the API key is not valid")),
        ("403", "The credentials lack the admin scope.", forbidden),
        (
            "404",
            "No such target.",
            ProblemError(404, "no target 'epr'; known targets: erp, wms", kind="target-not-found"),
        ),
        (
            "503",
            "The broker cannot be reached; nothing was changed.",
            ProblemError(
                503,
                "the broker cannot be reached for this operation (ConnectionRefusedError); "
                "nothing was changed, try again in a moment",
                kind="broker-unavailable",
            ),
        ),
        *extra,
    ]
    return {
        status: problem_response(text, {exc.kind: (text, problem_example(exc, path))})
        for status, text, exc in found
    }


def _query(name: str, description: str, *, many: bool = False, time: bool = False) -> Parameter:
    schema: dict[str, Any] = (
        {"type": "string", "format": "date-time"} if time else {"type": "string"}
    )
    if many:
        schema = {"type": "array", "items": schema}
    return Parameter(
        name=name,
        param_in="query",
        required=False,
        schema=cast(Any, schema),
        description=description,
    )


def _body(name: str, examples: dict[str, tuple[str, Any]]) -> RequestBody:
    return RequestBody(required=True, content=media(ref(name), examples=examples))


def _set(paths: Mapping[str, PathItem], path: str, method: str, **fields: Any) -> None:
    operation: Operation | None = getattr(paths.get(path), method, None)
    if operation is None:
        return
    operation.security = ADMIN_SECURITY
    responses = fields.pop("responses")
    problems = fields.pop("problems", [])
    operation.responses = {**responses, **_problems(path.replace("{target}", "erp"), *problems)}
    if "parameters" in fields:
        operation.parameters = [*(operation.parameters or []), *fields.pop("parameters")]
    for name, value in fields.items():
        setattr(operation, name, value)


def describe_admin(paths: Mapping[str, PathItem], config: HubConfig) -> None:
    targets = ", ".join(sorted(config.targets)) or "none"
    selection = {
        "ids": ("By message id", {"message_ids": [MESSAGE_ID]}),
        "filter": (
            "By route and error since a time",
            {"routes": ["orders"], "errors": ["RejectedByTarget"], "since": "2026-11-23T00:00:00Z"},
        ),
        "all": ("The whole queue", {"all": True}),
    }
    not_found = {
        "journey": (
            "404",
            "No journey for the key.",
            ProblemError(
                404,
                "no journey for 'WEB-1001' (message id, trace id or business key); journeys "
                "are kept for the archive's retention",
                kind="journey-not-found",
            ),
        ),
        "dead_letter": (
            "404",
            "No such target, or no such message in its DLQ.",
            ProblemError(
                404,
                f"message '{MESSAGE_ID}' is not in the dead-letter queue of 'erp'",
                kind="dead-letter-not-found",
            ),
        ),
        "body": (
            "400",
            "The body is not a valid selection (or a discard has no reason).",
            ProblemError(
                400,
                "say which dead letters: message_ids, a filter (routes, partners, errors, "
                'since, until), or "all": true for every message in the queue',
                kind="selection-missing",
            ),
        ),
        "range": (
            "400",
            "The time range or the body is not valid.",
            ProblemError(400, "end must be after start", kind="invalid-time-range"),
        ),
    }
    _set(
        paths,
        "/admin/journeys/{key}",
        "get",
        problems=[not_found["journey"]],
        parameters=[_query("partner", "Only this partner's messages.")],
        responses={"200": _ok("Journeys found for the key", _JOURNEYS_SCHEMA, [_JOURNEY])},
    )
    _set(
        paths,
        "/admin/insights",
        "get",
        description="Per route, target and hour: time from 202 to delivery (p50/p95/p99), "
        "success and retry rates and the slowest stage, from the journey store.",
        problems=[not_found["range"]],
        parameters=[
            _query("since", "From this time (default: a day before until).", time=True),
            _query("until", "Up to this time (default: now).", time=True),
            _query("route", "Only this route."),
            _query("target", "Only this target."),
        ],
        responses={
            "200": _ok(
                "Insights for the window",
                _INSIGHTS_SCHEMA,
                {"since": "2026-11-22T10:00:00Z", "until": "2026-11-23T10:00:00Z", "rows": []},
            )
        },
    )
    _set(
        paths,
        "/admin/dlq/{target}",
        "get",
        description=f"Targets: {targets}.",
        parameters=[
            _query("route", "Only these routes.", many=True),
            _query("partner", "Only these partners.", many=True),
            _query("error", "Only these error classes (e.g. RejectedByTarget).", many=True),
            _query("since", "Dead-lettered at or after (RFC 3339).", time=True),
            _query("until", "Dead-lettered before (RFC 3339).", time=True),
        ],
        responses={
            "200": _ok(
                "The target's dead letters",
                {"type": "array", "items": ref("DeadLetter")},
                [_DEAD_LETTER],
            )
        },
    )
    _set(
        paths,
        "/admin/dlq/{target}/{message_id}",
        "get",
        problems=[not_found["dead_letter"]],
        responses={"200": _ok("The dead letter", ref("DeadLetter"), _DEAD_LETTER)},
    )
    _set(
        paths,
        "/admin/dlq/{target}/{message_id}/replay",
        "post",
        problems=[not_found["dead_letter"]],
        responses={"200": _ok("What was replayed, per target", ref("ReplayReport"), _REPORT)},
    )
    _set(
        paths,
        "/admin/dlq/{target}/replay",
        "post",
        problems=[not_found["body"]],
        request_body=_body("DeadLetterSelection", selection),
        responses={"200": _ok("What was replayed, per target", ref("ReplayReport"), _REPORT)},
    )
    _set(
        paths,
        "/admin/dlq/{target}/discard",
        "post",
        problems=[not_found["body"]],
        request_body=_body(
            "DeadLetterDiscard",
            {
                "ids": (
                    "By message id, with the reason",
                    {"message_ids": [MESSAGE_ID], "reason": "order cancelled by the customer"},
                )
            },
        ),
        responses={
            "200": _ok(
                "What was discarded",
                {
                    "type": "object",
                    "required": ["discarded", "reason"],
                    "properties": {
                        "discarded": {"type": "array", "items": {"type": "string"}},
                        "reason": {"type": "string"},
                    },
                },
                {"discarded": [MESSAGE_ID], "reason": "order cancelled by the customer"},
            )
        },
    )
    _set(
        paths,
        "/admin/replay/archive",
        "post",
        problems=[not_found["range"]],
        request_body=_body(
            "ArchiveReplayRequest",
            {
                "window": (
                    "One route's orders of one hour, to the ERP",
                    {
                        "start": "2026-11-23T10:00:00Z",
                        "end": "2026-11-23T11:00:00Z",
                        "routes": ["orders"],
                        "targets": ["erp"],
                    },
                )
            },
        ),
        responses={
            "200": _ok(
                "What was replayed, per target",
                ref("ReplayReport"),
                {**_REPORT, "source": "archive"},
            )
        },
    )

"""Examples for the OpenAPI document, made by the code that makes the real answers.

Problem examples are the problem+json documents of the very `ProblemError`s the handlers
raise (built by the same factories, rendered by `problem_body`); the 202 example is an
`Accepted` with ids of the hub's own form; request examples are the JSON files a route
version names in `examples:` (checked against its input type when the configuration
loads).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from gateway.auth.principal import Principal, authorize, unauthenticated
from gateway.edge.problems import ProblemError, problem_body
from gateway.edge.versions import VersionPolicy
from gateway.ingest.admission import TierLimits, Verdict, rate_limited
from gateway.ingest.flow import Accepted
from omnihub.config.model import Route, RouteVersion

__all__ = [
    "MESSAGE_ID",
    "TRACE_ID",
    "Examples",
    "accepted_example",
    "ingest_problems",
    "problem_example",
    "request_examples",
]

Examples = dict[str, tuple[str, Any]]  # name -> (summary, value)

MESSAGE_ID = "0193a5c2-7d4e-7b8a-9c1f-3e5d2a4b6c8d"
SECOND_ID = "0193a5c2-7d4e-7b8a-9c1f-3e5d2a4b6c8e"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def problem_example(exc: ProblemError, instance: str) -> Any:
    body = problem_body(
        exc.status, exc.detail, kind=exc.kind, title=exc.title, instance=instance, extra=exc.extra
    )
    return msgspec.json.decode(body)


def _raised(make: Callable[[], None]) -> ProblemError:
    try:
        make()
    except ProblemError as exc:
        return exc
    raise AssertionError("expected a ProblemError")  # pragma: no cover


def accepted_example(event: str, split: bool = False) -> Any:
    ids = [MESSAGE_ID, SECOND_ID] if split else [MESSAGE_ID]
    return msgspec.to_builtins(Accepted(MESSAGE_ID, TRACE_ID, event, ids))


def ingest_problems(
    route_id: str, route: Route, version: str, spec: RouteVersion, tier: TierLimits
) -> dict[str, Examples]:
    """Per status, the problems an ingest route version answers with."""
    path = f"/{version}{route.path}"
    partner = "acme-market"

    def one(exc: ProblemError, summary: str) -> tuple[str, Any]:
        return summary, problem_example(exc, path)

    verdict = Verdict(False, 1000, "new", b"", "", None, (0,) * len(tier.windows), (1000,))
    nobody = Principal(partner, frozenset(), "acme-2026-11", "api_key")
    invalid = ProblemError(
        422,
        "the Order is not valid: /lines/0/quantity/value: Expected `decimal`, got `str`; "
        "/currency: required field is missing",
        kind="validation-error",
        errors=[
            {"pointer": "/lines/0/quantity/value", "detail": "Expected `decimal`, got `str`"},
            {"pointer": "/currency", "detail": "required field is missing"},
        ],
    )
    out: dict[str, Examples] = {
        "400": dict(
            [
                (
                    "malformed-json",
                    one(
                        ProblemError(
                            400,
                            "the body is not valid JSON: JSON is malformed: expected ',' or '}' "
                            "(byte 57)",
                            kind="malformed-json",
                        ),
                        "The body is not JSON",
                    ),
                ),
                (
                    "idempotency-key-missing",
                    one(
                        ProblemError(
                            400,
                            "this route requires an Idempotency-Key header: send a unique key "
                            "per request (a UUID) and the same key when you retry it",
                            kind="idempotency-key-missing",
                        ),
                        "A route that requires an Idempotency-Key got none",
                    ),
                ),
            ]
        ),
        "401": {
            "unauthenticated": one(
                unauthenticated("the API key is not valid"), "An unknown or revoked API key"
            )
        },
        "403": {
            "forbidden": one(
                _raised(lambda: authorize(nobody, route.scopes or ["orders:write"])),
                "The partner lacks the route's scope",
            )
        },
        "409": {
            "idempotency-key-in-flight": one(
                ProblemError(
                    409,
                    "a request with this Idempotency-Key is still being processed; send it "
                    "again in a moment to get its response",
                    kind="idempotency-key-in-flight",
                ),
                "The same key is still being processed",
            )
        },
        "413": {
            "request-entity-too-large": one(
                ProblemError(
                    413,
                    "the request body is larger than this route accepts",
                    kind="request-entity-too-large",
                ),
                f"More than {route.max_body} bytes",
            )
        },
        "415": {
            "unsupported-media-type": one(
                ProblemError(
                    415,
                    "send the body as application/json (got 'text/plain')",
                    kind="unsupported-media-type",
                ),
                "Not sent as application/json",
            )
        },
        "422": {
            "validation-error": one(invalid, "Every failing field, as a JSON pointer"),
            "idempotency-key-reused": one(
                ProblemError(
                    422,
                    "this Idempotency-Key was already used for a different request; use a new "
                    "key for a new request",
                    kind="idempotency-key-reused",
                ),
                "The key was used for another body",
            ),
        },
        "429": {
            "rate-limited": one(
                rate_limited(partner, tier, verdict), f"Over the '{tier.name}' tier's quota"
            )
        },
        "503": {
            "broker-unavailable": one(
                ProblemError(
                    503,
                    "the hub cannot store messages right now; send it again after 5 s with the "
                    "same Idempotency-Key (a message cut off mid-publish is then not stored "
                    "twice)",
                    kind="broker-unavailable",
                ),
                "The broker did not confirm: nothing is lost by retrying with the same key",
            )
        },
    }
    policy = VersionPolicy(route_id, version, spec)
    if policy.gone_at is not None:
        out["410"] = {"version-retired": one(policy.retired(), "The version is past its sunset")}
    return out


def request_examples(directory: Path, files: list[str]) -> Examples:
    """The example bodies a route version names, by file name."""
    out: Examples = {}
    for rel in files:
        value = msgspec.json.decode((directory / rel).read_bytes())
        out[Path(rel).stem] = (f"{Path(rel).name}", value)
    return out

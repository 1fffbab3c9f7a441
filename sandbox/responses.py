"""Building the sandbox's answers: JSON bodies and RFC 9457 problem details, as bytes."""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus

import msgspec
from litestar import Response

from sandbox.models import FieldError, Problem
from sandbox.state import StoredResponse

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
REPLAYED_HEADER = "Idempotent-Replayed"


def status_title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def json_answer(status: int, body: msgspec.Struct) -> StoredResponse:
    return StoredResponse(status=status, body=msgspec.json.encode(body), media_type=JSON)


def problem_answer(
    status: int,
    detail: str,
    *,
    errors: Sequence[FieldError] = (),
    headers: tuple[tuple[str, str], ...] = (),
) -> StoredResponse:
    problem = Problem(title=status_title(status), status=status, detail=detail, errors=[*errors])
    return StoredResponse(
        status=status,
        body=msgspec.json.encode(problem),
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def to_response(answer: StoredResponse, *, replayed: bool = False) -> Response[bytes]:
    headers = dict(answer.headers)
    if replayed:
        headers[REPLAYED_HEADER] = "true"
    return Response(
        content=answer.body,
        status_code=answer.status,
        media_type=answer.media_type,
        headers=headers,
    )

"""``GET /v1/messages/{id}``: a partner reads the status and journey of its own message.

Another partner's message answers exactly like an unknown one (404), so that message ids
do not leak which exist. Who replayed or discarded a message (an operator) is not shown.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from redis.exceptions import RedisError

from gateway.auth.callers import Callers
from gateway.edge.problems import PROBLEM_JSON, ProblemError
from omnihub.journey import Journey, JourneyStore, Stage

__all__ = ["MessageStatus", "MessageStep", "message_status_route"]


class MessageStep(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    at: datetime
    stage: Stage
    target: str | None = None
    attempt: int | None = None
    status: int | None = None
    error: str | None = None


class MessageStatus(msgspec.Struct, kw_only=True, frozen=True):
    message_id: str
    status: str  # the latest decisive stage: published, delivered, dead_lettered, ...
    event: str
    route: str
    trace_id: str
    business_key: str | None
    journey: list[MessageStep]


_encoder = msgspec.json.Encoder()


def message_status(journey: Journey) -> MessageStatus:
    meta = journey.meta
    return MessageStatus(
        message_id=meta.message_id,
        status=journey.outcome,
        event=meta.event,
        route=meta.route,
        trace_id=meta.trace_id,
        business_key=meta.business_key,
        journey=[
            MessageStep(
                at=e.at,
                stage=e.stage,
                target=e.target,
                attempt=e.attempt,
                status=e.status,
                error=e.error,
            )
            for e in journey.entries
        ],
    )


def message_status_route(callers: Callers, journeys: JourneyStore) -> HTTPRouteHandler:
    async def get_message(request: Request[Any, Any, Any]) -> Response[bytes]:
        message_id = str(request.path_params["message_id"])
        principal = await callers.identify(request.headers)
        try:
            journey = await journeys.get(message_id) if len(message_id) <= 128 else None
        except (RedisError, OSError):
            raise ProblemError(
                503,
                "message status cannot be read right now; ask again in a few seconds",
                kind="store-unavailable",
                headers={"Retry-After": "5"},
            ) from None
        if journey is None or journey.meta.partner != principal.partner:
            raise ProblemError(
                404,
                f"no message '{message_id}' of partner '{principal.partner}' is known; "
                "check the message_id the 202 response gave (journeys are kept for a "
                "limited time)",
                kind="message-not-found",
            )
        return Response(_encoder.encode(message_status(journey)), media_type="application/json")

    return HTTPRouteHandler(
        path="/v1/messages/{message_id:str}",
        http_method="GET",
        name="message-status",
        summary="Status and journey of one of your messages",
        operation_id="message_status",
        tags=["messages"],
        responses={
            200: ResponseSpec(MessageStatus, description="The message's status and journey"),
            401: _problem("No or invalid credentials"),
            404: _problem("No such message of yours (another partner's looks the same)"),
            503: _problem("Message status cannot be read right now"),
        },
    )(get_message)


def _problem(description: str) -> ResponseSpec:
    return ResponseSpec(
        dict[str, Any], description=description, media_type=PROBLEM_JSON, generate_examples=False
    )

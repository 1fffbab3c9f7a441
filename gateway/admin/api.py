"""The admin API (scope ``admin`` only): journeys, dead-letter queues, archive replay.

    GET  /admin/journeys/{key}                 by message id, trace id or business key
    GET  /admin/insights                       per route, target, hour: 202 -> delivered
                                               p50/p95/p99, rates, slowest stage
                                               (?since=&until=&route=&target=; default
                                               the last 24 hours)
    GET  /admin/dlq/{target}                   list (?route=&partner=&error=&since=&until=)
    GET  /admin/dlq/{target}/{message_id}      one, with its attempt history
    POST /admin/dlq/{target}/{message_id}/replay
    POST /admin/dlq/{target}/replay            {message_ids | filter | all: true}
    POST /admin/dlq/{target}/discard           {... , reason}
    POST /admin/replay/archive                 {start, end, events, routes, partners,
                                                business_key, targets}

Every replay and discard is recorded in the message's journey with the admin principal
as actor (``<partner>/<credential id>``). Broker operations open a connection of their
own per request: they are rare, and must not share the ingest publisher's channel.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import aio_pika
import msgspec
from aio_pika.abc import AbstractConnection
from litestar import Request, Response
from litestar.handlers import HTTPRouteHandler

from gateway.admin.requests import (
    ArchiveReplayRequest,
    DeadLetterDiscard,
    DeadLetterSelection,
    decode_body,
)
from gateway.auth import Principal
from gateway.auth.callers import Callers
from gateway.edge.problems import ProblemError
from omnihub.broker.nodes import NodeCursor, connect_any
from omnihub.config.model import HubConfig
from omnihub.errors import BrokerError
from omnihub.journey import JourneyStore, StoreUnavailable, insights
from omnihub.replay import ReplaySender, replay_archive
from omnihub.replay.dlq import DeadLetterFilter, DeadLetterQueue
from omnihub.settings import Settings

__all__ = ["AdminApi", "actor_of"]

_encoder = msgspec.json.Encoder()
Handler = Callable[..., Any]


def actor_of(principal: Principal) -> str:
    return f"{principal.partner}/{principal.credential_id}"


def _json(value: Any, status: int = 200) -> Response[bytes]:
    return Response(_encoder.encode(value), status_code=status, media_type="application/json")


def _param(request: Request[Any, Any, Any], name: str) -> str:
    return str(request.path_params[name])


def _when(name: str, text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ProblemError(
            400, f"'{name}' is not a time: write e.g. 2026-11-23T10:00:00Z", kind="invalid-query"
        ) from None
    if value.tzinfo is None:
        raise ProblemError(400, f"'{name}' needs a time zone, e.g. Z", kind="invalid-query")
    return value


class AdminApi:
    def __init__(
        self, config: HubConfig, settings: Settings, callers: Callers, journeys: JourneyStore
    ) -> None:
        self._config = config
        self._settings = settings
        self._callers = callers
        self._journeys = journeys

    def _target(self, target: str) -> str:
        if target not in self._config.targets:
            raise ProblemError(
                404,
                f"no target '{target}'; known targets: {', '.join(sorted(self._config.targets))}",
                kind="target-not-found",
            )
        return target

    @contextlib.asynccontextmanager
    async def _broker(self) -> AsyncIterator[AbstractConnection]:
        try:
            connection = await connect_any(NodeCursor(self._settings.amqp_urls), timeout=5)
        except (OSError, aio_pika.exceptions.AMQPError) as exc:
            raise _broker_problem(type(exc).__name__) from None
        try:
            yield connection
        except BrokerError as exc:
            raise _broker_problem(str(exc)) from None
        finally:
            with contextlib.suppress(Exception):
                await connection.close()

    def _queue(self, connection: AbstractConnection, target: str) -> DeadLetterQueue:
        return DeadLetterQueue(
            connection, self._settings.names, self._target(target), journeys=self._journeys
        )

    async def journeys(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        """Journeys of a message id, trace id or business key."""
        key = _param(request, "key")
        await self._callers.admin(request.headers)
        partner = request.query_params.get("partner")
        try:
            found = await self._journeys.queries.find(key, partner=partner)
        except StoreUnavailable as exc:
            raise _store_problem(str(exc)) from None
        if not found:
            raise ProblemError(
                404,
                f"no journey for '{key}' (message id, trace id or business key); journeys "
                "are kept for the archive's retention",
                kind="journey-not-found",
            )
        return _json([{"outcome": j.outcome, "meta": j.meta, "entries": j.entries} for j in found])

    async def insights(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        await self._callers.admin(request.headers)
        q = request.query_params
        until = _when("until", q.get("until")) or datetime.now(UTC)
        since = _when("since", q.get("since")) or until - timedelta(days=1)
        try:
            rows = await insights(
                self._journeys.database,
                since,
                until,
                route=q.get("route"),
                target=q.get("target"),
            )
        except StoreUnavailable as exc:
            raise _store_problem(str(exc)) from None
        return _json({"since": since, "until": until, "rows": rows})

    async def dlq_list(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        """List a target's dead letters (filtered)."""
        target = _param(request, "target")
        await self._callers.admin(request.headers)
        q = request.query_params
        selection = DeadLetterFilter(
            routes=frozenset(q.getall("route", [])),
            partners=frozenset(q.getall("partner", [])),
            errors=frozenset(q.getall("error", [])),
            since=_when("since", q.get("since")),
            until=_when("until", q.get("until")),
        )
        self._target(target)
        async with self._broker() as connection:
            return _json(await self._queue(connection, target).browse(selection))

    async def dlq_show(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        """One dead letter, with its attempt history."""
        target, message_id = _param(request, "target"), _param(request, "message_id")
        await self._callers.admin(request.headers)
        self._target(target)
        async with self._broker() as connection:
            found = await self._queue(connection, target).show(message_id)
        if found is None:
            raise ProblemError(
                404,
                f"message '{message_id}' is not in the dead-letter queue of '{target}'",
                kind="dead-letter-not-found",
            )
        return _json(found)

    async def dlq_replay_one(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        """Replay one dead letter."""
        target, message_id = _param(request, "target"), _param(request, "message_id")
        principal = await self._callers.admin(request.headers)
        self._target(target)
        selection = DeadLetterFilter(message_ids=frozenset({message_id}))
        async with self._broker() as connection:
            queue = self._queue(connection, target)
            report = await queue.replay(selection, actor=actor_of(principal))
        if not report.message_ids:
            raise ProblemError(
                404,
                f"message '{message_id}' is not in the dead-letter queue of '{target}'",
                kind="dead-letter-not-found",
            )
        return _json(report)

    async def dlq_replay(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        """Replay dead letters by id, filter or all."""
        target = _param(request, "target")
        principal = await self._callers.admin(request.headers)
        self._target(target)
        selection = decode_body(await request.body(), DeadLetterSelection).to_filter()
        async with self._broker() as connection:
            queue = self._queue(connection, target)
            return _json(await queue.replay(selection, actor=actor_of(principal)))

    async def dlq_discard(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        """Discard dead letters, with a reason."""
        target = _param(request, "target")
        principal = await self._callers.admin(request.headers)
        self._target(target)
        body = decode_body(await request.body(), DeadLetterDiscard)
        selection, reason = body.to_filter(), body.checked_reason()
        async with self._broker() as connection:
            queue = self._queue(connection, target)
            discarded = await queue.discard(selection, actor=actor_of(principal), reason=reason)
        return _json({"discarded": [d.message_id for d in discarded], "reason": reason})

    async def archive_replay(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        """Replay archived events by time range and filter."""
        principal = await self._callers.admin(request.headers)
        body = decode_body(await request.body(), ArchiveReplayRequest)
        selection = body.to_filter()
        for target in body.targets:
            self._target(target)
        async with self._broker() as connection:
            sender = ReplaySender(connection, self._config, self._settings.names, self._journeys)
            report = await replay_archive(
                sender,
                connection,
                self._settings.names.archive_stream,
                selection,
                targets=frozenset(body.targets),
                actor=actor_of(principal),
            )
        return _json(report)

    def routes(self) -> list[HTTPRouteHandler]:
        table: list[tuple[Literal["GET", "POST"], str, Handler]] = [
            ("GET", "/admin/journeys/{key:str}", self.journeys),
            ("GET", "/admin/insights", self.insights),
            ("GET", "/admin/dlq/{target:str}", self.dlq_list),
            ("GET", "/admin/dlq/{target:str}/{message_id:str}", self.dlq_show),
            ("POST", "/admin/dlq/{target:str}/replay", self.dlq_replay),
            ("POST", "/admin/dlq/{target:str}/discard", self.dlq_discard),
            ("POST", "/admin/dlq/{target:str}/{message_id:str}/replay", self.dlq_replay_one),
            ("POST", "/admin/replay/archive", self.archive_replay),
        ]
        return [
            HTTPRouteHandler(
                path=path,
                http_method=method,
                status_code=200,
                name=f"admin:{fn.__name__}",
                operation_id=f"admin_{fn.__name__}",
                summary=(fn.__doc__ or "").strip() or None,
                tags=["admin"],
            )(fn)
            for method, path, fn in table
        ]


def _broker_problem(why: str) -> ProblemError:
    return ProblemError(
        503,
        f"the broker cannot be reached for this operation ({why}); nothing was changed, "
        "try again in a moment",
        kind="broker-unavailable",
        headers={"Retry-After": "5"},
    )


def _store_problem(why: str) -> ProblemError:
    return ProblemError(
        503,
        f"the journey store (PostgreSQL) cannot be reached ({why}); try again in a moment",
        kind="store-unavailable",
        headers={"Retry-After": "5"},
    )

"""The admin API of exceptions (scope ``admin`` only), beside `api.py`:

    GET  /admin/exceptions                  open and acknowledged, by impact then age
                                            (?status=resolved&status=open to choose)
    GET  /admin/exceptions/{id}             one, with its business keys and action
    POST /admin/exceptions/{id}/ack         {note?}: someone is on it (no escalations)
    POST /admin/exceptions/{id}/resolve     {note}: the resolution is alerted

The actor recorded is the admin principal (``<partner>/<credential id>``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, Response
from litestar.handlers import HTTPRouteHandler

from gateway.admin.api import Handler, _json, _store_problem, actor_of
from gateway.admin.requests import decode_body
from gateway.auth.callers import Callers
from gateway.edge.problems import ProblemError
from omnihub.journey import JourneyStore, StoreUnavailable
from omnihub.monitor import ExceptionStore, ExceptionView

__all__ = ["ExceptionsApi"]

_STATUSES = ("open", "acknowledged", "resolved")


class AckRequest(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    note: str | None = None


class ResolveRequest(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(min_length=1)]


class ExceptionsApi:
    def __init__(self, callers: Callers, journeys: JourneyStore) -> None:
        self._callers = callers
        self._store = ExceptionStore(journeys.database)

    async def listing(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        await self._callers.admin(request.headers)
        status = request.query_params.getall("status", []) or ["open", "acknowledged"]
        unknown = [s for s in status if s not in _STATUSES]
        if unknown:
            raise ProblemError(
                400,
                f"unknown status {', '.join(unknown)}: use {', '.join(_STATUSES)}",
                kind="invalid-query",
            )
        try:
            rows = await self._store.listing(status=status, limit=500)
        except StoreUnavailable as exc:
            raise _store_problem(str(exc)) from None
        now = datetime.now(UTC)
        return _json([_with_age(e, now) for e in rows])

    async def show(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        await self._callers.admin(request.headers)
        found = await self._get(_id(request))
        return _json(_with_age(found, datetime.now(UTC)))

    async def ack(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        principal = await self._callers.admin(request.headers)
        exception_id = _id(request)
        body = decode_body(await request.body() or b"{}", AckRequest)
        try:
            await self._store.acknowledge(exception_id, actor_of(principal), body.note)
        except StoreUnavailable as exc:
            raise _store_problem(str(exc)) from None
        return await self.show(request)

    async def resolve(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        principal = await self._callers.admin(request.headers)
        exception_id = _id(request)
        body = decode_body(await request.body(), ResolveRequest)
        await self._get(exception_id)
        try:
            await self._store.resolve(
                exception_id, actor_of(principal), body.note, datetime.now(UTC)
            )
        except StoreUnavailable as exc:
            raise _store_problem(str(exc)) from None
        return await self.show(request)

    async def _get(self, exception_id: int) -> ExceptionView:
        try:
            found = await self._store.get(exception_id)
        except StoreUnavailable as exc:
            raise _store_problem(str(exc)) from None
        if found is None:
            raise ProblemError(404, f"no exception {exception_id}", kind="exception-not-found")
        return found

    def routes(self) -> list[HTTPRouteHandler]:
        table: list[tuple[Literal["GET", "POST"], str, Handler]] = [
            ("GET", "/admin/exceptions", self.listing),
            ("GET", "/admin/exceptions/{exception_id:int}", self.show),
            ("POST", "/admin/exceptions/{exception_id:int}/ack", self.ack),
            ("POST", "/admin/exceptions/{exception_id:int}/resolve", self.resolve),
        ]
        return [
            HTTPRouteHandler(
                path=path,
                http_method=method,
                status_code=200,
                name=f"admin:exceptions_{fn.__name__}",
                include_in_schema=False,
            )(fn)
            for method, path, fn in table
        ]


def _id(request: Request[Any, Any, Any]) -> int:
    return int(request.path_params["exception_id"])


def _with_age(e: ExceptionView, now: datetime) -> dict[str, Any]:
    return {**msgspec.to_builtins(e), "age_s": round(e.age_s(now), 1)}

"""Build the gateway: one Litestar app from one configuration (no globals, no import effects)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request, Response, get
from litestar.handlers import HTTPRouteHandler

from gateway.auth import ApiKeyIndex
from gateway.ingest import IngestHandler
from gateway.problems import exception_handlers
from omnihub.broker import Publisher, declare_topology, plan_topology
from omnihub.config.model import HubConfig
from omnihub.settings import Settings
from transforms.model import CANONICAL_TYPES

__all__ = ["create_app", "create_publisher"]


def create_publisher(config: HubConfig, settings: Settings) -> Publisher:
    topology = plan_topology(config, settings.names)

    async def on_connect(connection: Any) -> None:
        await declare_topology(connection, topology)

    return Publisher(
        settings.amqp_url,
        settings.names.events_exchange,
        on_connect=on_connect,
        confirm_timeout=settings.publish_timeout_s,
    )


def _ingest_route(handler: IngestHandler) -> HTTPRouteHandler:
    async def ingest(request: Request[Any, Any, Any]) -> Response[bytes]:
        return await handler(request)

    route = handler.route
    return HTTPRouteHandler(
        path=f"/{handler.version}{route.path}",
        http_method=route.method,
        status_code=202,
        request_max_body_size=route.max_body,
        name=f"{handler.route_id}:{handler.version}",
        summary=route.description or None,
        operation_id=f"{handler.route_id}_{handler.version}",
        tags=[handler.route_id],
    )(ingest)


def create_app(
    config: HubConfig, settings: Settings, *, publisher: Publisher | None = None
) -> Litestar:
    publisher = publisher or create_publisher(config, settings)
    keys = ApiKeyIndex(config)
    handlers: list[Any] = []
    for route_id, route in config.routes.items():
        for version, spec in route.versions.items():
            handlers.append(
                _ingest_route(
                    IngestHandler(
                        route_id=route_id,
                        route=route,
                        version=version,
                        schema=CANONICAL_TYPES[spec.schema],
                        keys=keys,
                        publisher=publisher,
                        retry_after_s=settings.retry_after_s,
                    )
                )
            )

    @get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "broker": "connected" if publisher.connected else "disconnected"}

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        await publisher.start()
        try:
            yield
        finally:
            await publisher.close()

    app = Litestar(
        route_handlers=[*handlers, healthz],
        exception_handlers=exception_handlers(),
        lifespan=[lifespan],
        openapi_config=None,
    )
    app.state.publisher = publisher
    return app

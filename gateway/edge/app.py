"""Build the gateway: one Litestar app from one configuration (no globals, no import effects).

Everything a request needs is built here, once: credential indexes, signing keys, compiled
pipelines, parsed rate-limit tiers, one Redis client and one publisher. Handlers hold no
per-request state.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

import httpx
from litestar import Litestar, Request, Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from gateway.admin.api import AdminApi
from gateway.admin.exceptions_api import ExceptionsApi
from gateway.admin.message_status import message_status_route
from gateway.auth import (
    ApiKeyIndex,
    Credentials,
    RouteAuthenticator,
    SigningKeys,
    TokenService,
    WebhookVerifier,
)
from gateway.auth.callers import Callers
from gateway.auth.key_reload import PolicyKeyWatcher
from gateway.auth.remote_jwks import RemoteJwks
from gateway.auth.token_endpoint import jwks_handler, token_handler
from gateway.edge.docs_page import OfflineSwaggerPlugin
from gateway.edge.fast_lane import FastLane
from gateway.edge.openapi import describe_api
from gateway.edge.operator import OperatorApp
from gateway.edge.problems import exception_handlers
from gateway.edge.readiness import Readiness
from gateway.edge.request_telemetry import EdgeObservability
from gateway.edge.versions import unknown_version
from gateway.ingest.admission import Admission, TierLimits
from gateway.ingest.edi_body import EdiBody
from gateway.ingest.flow import IngestFlow
from gateway.ingest.json_codec import Inbound, JsonBody, compile_tables
from gateway.ingest.redis_batch import redis_commands
from gateway.ingest.route_services import EdgeServices, PendingPublishes, Reply
from omnihub.broker import Publisher, declare_topology, plan_topology
from omnihub.config.model import HubConfig, HubTokenIssuer, JwksTokenIssuer
from omnihub.edi_counters import RedisControlNumbers
from omnihub.journey import JourneyStore
from omnihub.monitor.sent_groups import SentGroups
from omnihub.redis_client import close_redis, connect_redis
from omnihub.settings import Settings
from omnihub.telemetry import HubMetrics, Tracing, tracing_from_env

__all__ = ["DEFAULT_MAX_PENDING_PUBLISHES", "create_app", "create_publisher"]

DEFAULT_MAX_PENDING_PUBLISHES = 2000
GATEWAY_JOURNEY_INTERVAL_S = 0.25  # how often the gateway writes its journey rows


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


def _response(reply: Reply) -> Response[bytes]:
    return Response(
        reply.body,
        status_code=reply.status_code,
        media_type=reply.media_type,
        headers=reply.headers,
    )


def _ingest_route(
    handler: IngestFlow[JsonBody] | IngestFlow[EdiBody], status_code: int
) -> HTTPRouteHandler:
    """The route version in Litestar: its OpenAPI operation (completed by
    `gateway.edge.openapi`), and a JSON request that the fast lane does not match exactly
    (a trailing slash) still gets the same handler. EDI routes are served here only."""

    async def ingest(request: Request[Any, Any, Any]) -> Response[bytes]:
        return _response(await handler(request))

    route = handler.route
    return HTTPRouteHandler(
        path=f"/{handler.version}{route.path}",
        http_method=route.method,
        status_code=status_code,
        request_max_body_size=route.max_body,
        name=f"{handler.route_id}:{handler.version}",
        summary=route.description or None,
        operation_id=f"{handler.route_id}_{handler.version}",
        tags=[handler.route_id],
    )(ingest)


def _unknown_version_route(path: str, methods: set[str], versions: list[str]) -> HTTPRouteHandler:
    async def unknown(request: Request[Any, Any, Any]) -> Response[bytes]:
        raise unknown_version(path, str(request.path_params["version"]), versions)

    return HTTPRouteHandler(
        path="/{version:str}" + path,
        http_method=cast(Any, sorted(methods)),
        include_in_schema=False,
        name=f"unknown-version:{path}",
    )(unknown)


def _token_service(
    config: HubConfig, http: httpx.AsyncClient
) -> tuple[TokenService, SigningKeys | None]:
    hub: tuple[HubTokenIssuer, SigningKeys] | None = None
    remotes: dict[str, tuple[JwksTokenIssuer, RemoteJwks]] = {}
    for iid, issuer in config.token_issuers.items():
        if isinstance(issuer, HubTokenIssuer):
            hub = (issuer, SigningKeys(issuer, config.directory))
        else:
            remotes[iid] = (issuer, RemoteJwks(issuer, http))
    return TokenService(config, hub, remotes), hub[1] if hub else None


def create_app(
    config: HubConfig,
    settings: Settings,
    *,
    publisher: Publisher | None = None,
    max_pending_publishes: int = DEFAULT_MAX_PENDING_PUBLISHES,
    tracing: Tracing | None = None,
    metrics: HubMetrics | None = None,
) -> FastLane:
    """The gateway app: the JSON ingest routes on the fast lane, in front of Litestar.

    Raises `KeyLoadError` when a signing key cannot be loaded and
    `PipelineCompileError` when a route version's pipeline does not compile.

    `tracing` defaults to what the `OTEL_*` variables say (off when unset); `metrics` to
    a registry of the app's own, served on the operator port (`app.state.operator`, an
    ASGI app: `/metrics`, `/healthz`, `/readyz`), never on the partner port."""
    publisher = publisher or create_publisher(config, settings)
    owns_tracing = tracing is None
    tracing = tracing if tracing is not None else tracing_from_env("omnihub-gateway")
    metrics = metrics if metrics is not None else HubMetrics()
    redis = connect_redis(
        settings,
        socket_timeout=settings.redis_timeout_s,
        socket_connect_timeout=settings.redis_timeout_s,
        retry=Retry(NoBackoff(), 0),  # a command once written may have run: never resent
    )
    pipeline = redis_commands(redis)
    # A transaction costs the writer about as much as a few hundred rows: the gateway,
    # which writes for every request, writes every 250 ms, in batches of a few hundred.
    journeys = JourneyStore.open(
        config, settings, metrics=metrics, part="gateway", interval_s=GATEWAY_JOURNEY_INTERVAL_S
    )
    observability = EdgeObservability(tracing, metrics, journeys)
    http = httpx.AsyncClient()
    tokens, signing = _token_service(config, http)
    api_keys = ApiKeyIndex(config)
    credentials = Credentials(api_keys, tokens, WebhookVerifier(config))
    key_watcher = PolicyKeyWatcher(config.directory, api_keys, redis, settings.names)
    tables = compile_tables(config.tables)
    tiers = {name: TierLimits.parse(name, tier) for name, tier in config.rate_limit_tiers.items()}
    services = EdgeServices(
        publisher,
        Admission(redis, settings.names, pipeline),
        PendingPublishes(max_pending_publishes, settings.retry_after_s),
        settings.retry_after_s,
        observability,
    )
    ingest: list[IngestFlow[JsonBody]] = []
    edi: list[IngestFlow[EdiBody]] = []
    control_numbers = RedisControlNumbers(redis, settings.names)
    sent_groups = SentGroups(journeys.database)  # inbound 997s close what we sent
    paths: dict[str, tuple[set[str], set[str]]] = {}
    for route_id, route in config.routes.items():
        auth = RouteAuthenticator(route, credentials)
        methods, versions = paths.setdefault(route.path, (set(), set()))
        methods.add(route.method)
        edi_body = (
            EdiBody(
                route_id,
                route,
                config.partners,
                control_numbers,
                settings.retry_after_s,
                sent_groups=sent_groups,
            )
            if route.edi is not None
            else None
        )
        for version, spec in route.versions.items():
            versions.add(version)
            tier = tiers[route.tier]
            if edi_body is not None:
                edi.append(
                    IngestFlow(
                        route_id=route_id,
                        route=route,
                        version=version,
                        codec=edi_body,
                        auth=auth,
                        tier=tier,
                        services=services,
                    )
                )
                continue
            ingest.append(
                IngestFlow(
                    route_id=route_id,
                    route=route,
                    version=version,
                    codec=JsonBody(Inbound(route_id, route, version, spec, tables)),
                    auth=auth,
                    tier=tier,
                    services=services,
                )
            )
    handlers: list[Any] = [_ingest_route(h, 202) for h in ingest]
    handlers += [_ingest_route(h, 200) for h in edi]
    handlers += [
        _unknown_version_route(path, methods, sorted(versions))
        for path, (methods, versions) in paths.items()
    ]
    if signing is not None:
        handlers += [token_handler(tokens), jwks_handler(signing.jwks())]
    callers = Callers(credentials)
    handlers.append(message_status_route(callers, journeys.queries))
    handlers += AdminApi(config, settings, callers, journeys).routes()
    handlers += ExceptionsApi(callers, journeys).routes()

    readiness = Readiness(publisher, redis)

    @get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "broker": "connected" if publisher.connected else "disconnected"}

    @get("/readyz", include_in_schema=False)
    async def readyz() -> Response[bytes]:
        status, media_type, body = (await readiness.check()).answer()
        return Response(body, status_code=status, media_type=media_type)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        # A broker that does not answer must not keep the gateway from starting: it
        # answers 503 until the publisher connects on a later request.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(publisher.start(), timeout=settings.publish_timeout_s * 2)
        key_watcher.start()
        try:
            yield
        finally:
            await key_watcher.stop()
            await observability.drain()  # writes the buffered journeys, closes the store
            await pipeline.close()
            await publisher.close()
            await close_redis(redis)
            if owns_tracing:
                tracing.shutdown()
            await http.aclose()

    app = Litestar(
        route_handlers=[*handlers, healthz, readyz],
        exception_handlers=exception_handlers(),
        lifespan=[lifespan],
        logging_config=None,  # the process configures logging (omnihub.logs), not the app
        openapi_config=OpenAPIConfig(
            title="omnihub partner API",
            version="1",
            path="/schema",
            render_plugins=[OfflineSwaggerPlugin(), JsonRenderPlugin()],
        ),
    )
    describe_api(app, config, ingest, edi, tiers, oauth=signing is not None)
    app.state.publisher = publisher
    app.state.metrics = metrics
    app.state.operator = OperatorApp(metrics, readiness)
    return FastLane(app, ingest)

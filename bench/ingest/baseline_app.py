"""The baseline a team would otherwise write: FastAPI + slowapi (Redis) + aio-pika.

The same checks as the gateway, each in its plainest form: API key looked up by SHA-256
in a dict, scope check, a slowapi rate limit stored in Redis, ``Idempotency-Key`` claimed
with ``SET NX`` in Redis, the body validated against the same canonical ``Order`` (with
msgspec, the faster of the two a team would pick, so the comparison flatters the
baseline), and a persistent message published with a confirm before the 202.

It publishes into the hub's topology for its prefix (declared by the harness) so the
broker does the same work per message. Served by uvicorn, configured from the
environment (BENCH_AMQP_URL, BENCH_REDIS_URL, BENCH_PREFIX, BENCH_RATE):

    uvicorn --factory bench.ingest.baseline_app:create_app
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aio_pika
import msgspec
import redis.asyncio as aioredis
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from slowapi import Limiter, _rate_limit_exceeded_handler
from slowapi.errors import RateLimitExceeded

from bench.ingest.body import API_KEY
from transforms.model import Order

__all__ = ["create_app"]

# What a team would keep in its settings: digest -> (partner, scopes).
KEYS = {hashlib.sha256(API_KEY.encode()).hexdigest(): ("acme-market", {"orders:write"})}
IDEMPOTENCY_TTL_S = 24 * 3600


def _bearer(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _partner_key(request: Request) -> str:
    """slowapi's key function: the rate limit is per API key, as the gateway's is per partner."""
    return hashlib.sha256(_bearer(request).encode()).hexdigest()


def create_app() -> FastAPI:
    amqp_url = os.environ["BENCH_AMQP_URL"]
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    prefix = os.environ["BENCH_PREFIX"]
    rate = os.environ.get("BENCH_RATE", "1000000/second")
    limiter = Limiter(key_func=_partner_key, storage_uri=redis_url, key_prefix=prefix)
    decoder = msgspec.json.Decoder(Order)
    redis_client = aioredis.Redis.from_url(redis_url)
    state: dict[str, aio_pika.abc.AbstractExchange] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        connection = await aio_pika.connect_robust(amqp_url)
        channel = await connection.channel(publisher_confirms=True)
        state["exchange"] = await channel.get_exchange(f"{prefix}.events", ensure=False)
        yield
        await connection.close()
        await redis_client.aclose()

    app = FastAPI(lifespan=lifespan)
    app.state.limiter = limiter
    app.add_exception_handler(RateLimitExceeded, _rate_limit_exceeded_handler)  # type: ignore[arg-type]

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "broker": "connected" if "exchange" in state else "disconnected"}

    @app.post("/v1/orders", status_code=202)
    @limiter.limit(rate)
    async def create_order(request: Request) -> JSONResponse:
        found = KEYS.get(hashlib.sha256(_bearer(request).encode()).hexdigest())
        if found is None:
            raise HTTPException(401, "invalid API key")
        partner, scopes = found
        if "orders:write" not in scopes:
            raise HTTPException(403, "missing scope orders:write")
        if request.headers.get("content-type", "").split(";")[0] != "application/json":
            raise HTTPException(415, "send application/json")
        idempotency_key = request.headers.get("idempotency-key")
        if idempotency_key:
            claimed = await redis_client.set(
                f"{prefix}:idem:{partner}:{idempotency_key}", "1", nx=True, ex=IDEMPOTENCY_TTL_S
            )
            if not claimed:
                raise HTTPException(409, "this Idempotency-Key was already used")
        try:
            order = decoder.decode(await request.body())
        except msgspec.ValidationError as exc:
            raise HTTPException(422, str(exc)) from None
        except msgspec.DecodeError as exc:
            raise HTTPException(400, str(exc)) from None
        message_id = str(uuid.uuid4())
        body = msgspec.json.encode(
            {"id": message_id, "event": "order.created", "partner": partner, "payload": order}
        )
        await state["exchange"].publish(
            aio_pika.Message(
                body,
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=message_id,
            ),
            routing_key="order.created",
            mandatory=True,
        )
        return JSONResponse({"message_id": message_id, "event": "order.created"}, status_code=202)

    return app

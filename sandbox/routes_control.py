"""The control and inspection API under ``/_sandbox``: records, stats, modes, subscriptions."""

from __future__ import annotations

from litestar import Router, delete, get, put
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, FromQuery, JSONBody

from sandbox.errors import NotAWebhookSystem
from sandbox.models import (
    FailureMode,
    Health,
    ModeView,
    Record,
    SubscriptionUpdate,
    SubscriptionView,
    SystemStats,
)
from sandbox.state import WEBHOOK_SYSTEM, SandboxState, check_name

CONTROL_PREFIX = "/_sandbox"

Sandbox = NamedDependency[SandboxState]
"""The app's SandboxState, injected by name (``sandbox``)."""


@get("/health")
async def health(sandbox: Sandbox) -> Health:
    return Health(status="ok", systems=sandbox.system_names(), records=sandbox.record_count())


@get("/{system:str}/records")
async def list_records(
    sandbox: Sandbox,
    system: FromPath[str],
    idempotency_key: FromQuery[str | None] = None,
    status: FromQuery[int | None] = None,
) -> list[Record]:
    """Records of ``system`` in arrival order, optionally filtered."""
    records = sandbox.system(system).records
    return [
        r
        for r in records
        if (idempotency_key is None or r.idempotency_key == idempotency_key)
        and (status is None or r.status == status)
    ]


@get("/{system:str}/stats")
async def system_stats(sandbox: Sandbox, system: FromPath[str]) -> SystemStats:
    return sandbox.system(system).stats()


@delete("/records")
async def reset_all(sandbox: Sandbox) -> None:
    """Forget everything: records, idempotency keys, counters, modes and subscriptions."""
    sandbox.reset()


@delete("/{system:str}/records")
async def reset_system(sandbox: Sandbox, system: FromPath[str]) -> None:
    """Forget one system's records, idempotency keys, counters and failure mode."""
    sandbox.reset_system(system)


@get("/{system:str}/mode")
async def get_mode(sandbox: Sandbox, system: FromPath[str]) -> ModeView:
    return sandbox.system(system).mode_view()


@put("/{system:str}/mode")
async def set_mode(
    sandbox: Sandbox, system: FromPath[str], data: JSONBody[FailureMode]
) -> ModeView:
    state = sandbox.system(system)
    state.set_mode(data)
    return state.mode_view()


@delete("/{system:str}/mode", status_code=200)
async def clear_mode(sandbox: Sandbox, system: FromPath[str]) -> ModeView:
    state = sandbox.system(system)
    state.set_mode(FailureMode())
    return state.mode_view()


def _subscription(system: str, name: str) -> str:
    # One route shape for /{system}/...: Litestar's router does not backtrack from a static
    # "partner" segment to "{system}", so "partner" cannot be a segment of its own here.
    if system != WEBHOOK_SYSTEM:
        raise NotAWebhookSystem(system)
    return check_name(name, "subscription")


@get("/{system:str}/subscriptions/{name:str}")
async def get_subscription(
    sandbox: Sandbox, system: FromPath[str], name: FromPath[str]
) -> SubscriptionView:
    return sandbox.subscription_view(_subscription(system, name))


@put("/{system:str}/subscriptions/{name:str}")
async def set_subscription(
    sandbox: Sandbox,
    system: FromPath[str],
    name: FromPath[str],
    data: JSONBody[SubscriptionUpdate],
) -> SubscriptionView:
    """Set the signing secret and/or the gone flag of a partner webhook subscription."""
    return sandbox.set_subscription(_subscription(system, name), secret=data.secret, gone=data.gone)


@delete("/{system:str}/subscriptions/{name:str}")
async def delete_subscription(sandbox: Sandbox, system: FromPath[str], name: FromPath[str]) -> None:
    sandbox.subscriptions.pop(_subscription(system, name), None)


CONTROL_HANDLERS: tuple[HTTPRouteHandler, ...] = (
    health,
    list_records,
    system_stats,
    reset_all,
    reset_system,
    get_mode,
    set_mode,
    clear_mode,
    get_subscription,
    set_subscription,
    delete_subscription,
)


def control_router() -> Router:
    """A router with the whole control API mounted at ``/_sandbox``."""
    return Router(path=CONTROL_PREFIX, route_handlers=list(CONTROL_HANDLERS))

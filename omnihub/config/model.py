"""Typed configuration: what `routes.yaml` and `policies/*.yaml` decode into.

Every struct forbids unknown fields, so a typo is a load error with file and line.
Sections that are mappings are keyed by id (route id, partner id, ...): YAML refuses a
key given twice, so ids are unique by construction.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import msgspec

from omnihub.config.types import Duration, Secret
from transforms.pipeline import Step, Table

__all__ = [
    "IDENTIFIER_RE",
    "ApiKey",
    "BreakerPolicy",
    "BrokerPolicy",
    "Delivery",
    "DeliveryRequest",
    "HubConfig",
    "Idempotency",
    "Lane",
    "Partner",
    "PoliciesFile",
    "RateLimitTier",
    "RetryPolicy",
    "Route",
    "RouteVersion",
    "RoutesFile",
    "Target",
    "TargetAuth",
]

IDENTIFIER_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
IDENTIFIER_RE = re.compile(IDENTIFIER_PATTERN)
Identifier = Annotated[str, msgspec.Meta(pattern=IDENTIFIER_PATTERN, max_length=64)]
EventType = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*$")]
Scope = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_.:-]*$")]


class _Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    pass


# ---------------------------------------------------------------- routes.yaml


class Idempotency(StrEnum):
    REQUIRED = "required"  # a request without Idempotency-Key is refused (400)
    OPTIONAL = "optional"  # honoured when sent
    OFF = "off"


class Lane(StrEnum):
    """Which of a target's queues a delivery's events travel in."""

    PRIORITY = "priority"  # orders, returns, shipments: the default
    BULK = "bulk"  # low-priority master data (catalogue, prices): never delays orders


class RouteVersion(_Strict, kw_only=True, frozen=True):
    """One API version of a route: the schema a partner sends and how it becomes canonical."""

    schema: str  # a canonical type name, e.g. "Order"
    pipeline: list[Step] = []  # inbound steps (partner format -> canonical)


class Route(_Strict, kw_only=True, frozen=True):
    """A partner-facing endpoint: ``METHOD /<version><path>``."""

    method: Literal["POST", "PUT", "PATCH"] = "POST"
    path: Annotated[str, msgspec.Meta(pattern=r"^/[A-Za-z0-9/_{}.-]*$")]
    event: EventType
    auth: list[Literal["api_key"]] = msgspec.field(default_factory=lambda: ["api_key"])
    scopes: list[Scope] = []
    tier: Identifier
    idempotency: Idempotency = Idempotency.OPTIONAL
    max_body: Annotated[int, msgspec.Meta(gt=0)] = 1_048_576
    versions: dict[Annotated[str, msgspec.Meta(pattern=r"^v[0-9]+$")], RouteVersion]
    description: str = ""


class DeliveryRequest(_Strict, kw_only=True, frozen=True):
    """How a delivery calls its target: method and path below the target's base URL."""

    method: Literal["POST", "PUT", "PATCH"] = "POST"
    path: Annotated[str, msgspec.Meta(pattern=r"^/")]


class Delivery(_Strict, kw_only=True, frozen=True):
    """Which events go to which target, through which pipeline, with which retry policy."""

    target: Identifier
    events: Annotated[list[EventType], msgspec.Meta(min_length=1)]
    request: DeliveryRequest
    lane: Lane = Lane.PRIORITY
    retry: Identifier = "default"
    pipeline: list[Step] = []  # outbound steps (canonical -> target format)


class RoutesFile(_Strict, kw_only=True, frozen=True):
    routes: dict[Identifier, Route] = {}
    deliveries: dict[Identifier, Delivery] = {}


# ---------------------------------------------------------------- policies/*.yaml


class ApiKey(_Strict, kw_only=True, frozen=True):
    """An API key, stored only as the SHA-256 of the key (keys are high-entropy)."""

    id: Identifier
    sha256: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]


class Partner(_Strict, kw_only=True, frozen=True):
    display_name: str = ""
    scopes: list[Scope] = []
    api_keys: list[ApiKey] = []


class RateLimitTier(_Strict, kw_only=True, frozen=True):
    """Limits in the `limits` package notation, e.g. ``["20/second", "1000/minute"]``."""

    limits: Annotated[list[str], msgspec.Meta(min_length=1)]


class RetryPolicy(_Strict, kw_only=True, frozen=True):
    attempts: Annotated[int, msgspec.Meta(ge=0, le=20)] = 5  # retries after the first try
    initial_delay: Duration = Duration(seconds=1)
    max_delay: Duration = Duration(minutes=5)
    multiplier: Annotated[float, msgspec.Meta(ge=1.0)] = 2.0
    jitter: Annotated[float, msgspec.Meta(ge=0.0, le=1.0)] = 0.2
    retry_after_cap: Duration = Duration(minutes=15)


class BreakerPolicy(_Strict, kw_only=True, frozen=True):
    failures: Annotated[int, msgspec.Meta(ge=1)] = 5  # consecutive transient failures
    cool_down: Duration = Duration(seconds=30)


class NoAuth(_Strict, kw_only=True, frozen=True, tag="none", tag_field="kind"):
    pass


class ApiKeyHeaderAuth(_Strict, kw_only=True, frozen=True, tag="api_key", tag_field="kind"):
    header: str = "X-Api-Key"
    value: Secret


class BasicAuth(_Strict, kw_only=True, frozen=True, tag="basic", tag_field="kind"):
    username: str
    password: Secret


class OAuth2ClientCredentials(
    _Strict, kw_only=True, frozen=True, tag="oauth2_client_credentials", tag_field="kind"
):
    token_url: str
    client_id: str
    client_secret: Secret
    scope: str = ""


TargetAuth = NoAuth | ApiKeyHeaderAuth | BasicAuth | OAuth2ClientCredentials


class Target(_Strict, kw_only=True, frozen=True):
    """A system omnihub delivers to (ERP, WMS, carrier, partner webhook endpoint)."""

    base_url: Annotated[str, msgspec.Meta(pattern=r"^https?://")]
    auth: TargetAuth = NoAuth()
    timeout: Duration = Duration(seconds=10)
    prefetch: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 16
    concurrency: Annotated[int, msgspec.Meta(ge=1, le=256)] = 8
    breaker: BreakerPolicy = BreakerPolicy()


class BrokerPolicy(_Strict, kw_only=True, frozen=True):
    archive_max_age: Duration = Duration(days=7)
    delivery_limit: Annotated[int, msgspec.Meta(ge=1)] = 20  # poison-message guard


class PoliciesFile(_Strict, kw_only=True, frozen=True):
    """One file under policies/; each section may appear in at most one file."""

    partners: dict[Identifier, Partner] | None = None
    rate_limit_tiers: dict[Identifier, RateLimitTier] | None = None
    retry_policies: dict[Identifier, RetryPolicy] | None = None
    targets: dict[Identifier, Target] | None = None
    tables: dict[Identifier, Table] | None = None  # crosswalks for `lookup` steps
    broker: BrokerPolicy | None = None


# ---------------------------------------------------------------- the whole


class HubConfig(msgspec.Struct, kw_only=True, frozen=True):
    """Everything the hub runs from, checked and cross-referenced."""

    directory: Path
    routes: dict[str, Route]
    deliveries: dict[str, Delivery]
    partners: dict[str, Partner]
    rate_limit_tiers: dict[str, RateLimitTier]
    retry_policies: dict[str, RetryPolicy]
    targets: dict[str, Target]
    tables: dict[str, Table]
    broker: BrokerPolicy

    def deliveries_for(self, target: str) -> dict[str, Delivery]:
        return {k: d for k, d in self.deliveries.items() if d.target == target}

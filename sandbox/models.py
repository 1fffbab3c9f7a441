"""Wire types of the sandbox: what it records, reports and answers, as msgspec structs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

HttpErrorStatus = Annotated[int, msgspec.Meta(ge=400, le=599)]


class Record(msgspec.Struct, frozen=True, kw_only=True):
    """One request a simulated system processed (accepted or rejected by its own rules).

    Injected failures, dropped connections and idempotent replays are never records.
    ``headers`` holds every header except credentials; ``redacted_headers`` names the
    credential headers that were present (their values are never kept).
    """

    id: str
    system: str
    method: str
    path: str
    query: str
    idempotency_key: str | None
    traceparent: str | None
    headers: dict[str, str]
    redacted_headers: list[str]
    content_type: str | None
    body: Any
    received_at: datetime
    status: int


class SystemStats(msgspec.Struct, frozen=True, kw_only=True):
    """Counters of one simulated system since the last reset."""

    system: str
    received: int
    recorded: int
    duplicates: int
    failures_served: int
    dropped: int
    by_status: dict[str, int]


class FailureMode(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """How a simulated system misbehaves; the body of ``PUT /_sandbox/{system}/mode``.

    - ``latency_ms``: delay added before every answer (also before failures).
    - ``error_rate``: share of requests (0..1) answered 500 or 503 (``fixed_status`` if set),
      drawn from a RNG seeded with ``seed`` so a run is repeatable.
    - ``fixed_status``: answer this status to every request (unless ``fail_next`` or
      ``error_rate`` is set, in which case it is the status of those failures).
    - ``retry_after_s``: with a 429 or 503 failure, send ``Retry-After`` with this value.
    - ``fail_next``: the next N requests fail (``fixed_status`` or 503), then normal service.
    - ``down``: the connection is dropped without an answer (see docs/sandbox.md).
    """

    latency_ms: Annotated[int, msgspec.Meta(ge=0, le=600_000)] = 0
    error_rate: Annotated[float, msgspec.Meta(ge=0.0, le=1.0)] = 0.0
    seed: int | None = None
    fixed_status: HttpErrorStatus | None = None
    retry_after_s: Annotated[int, msgspec.Meta(ge=0)] | None = None
    fail_next: Annotated[int, msgspec.Meta(ge=0)] | None = None
    down: bool = False


class ModeView(msgspec.Struct, frozen=True, kw_only=True):
    """A system's configured failure mode and how many ``fail_next`` failures remain."""

    system: str
    mode: FailureMode
    fail_next_remaining: int


class SubscriptionUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Body of ``PUT /_sandbox/partner/subscriptions/{name}``.

    ``secret`` is a Standard Webhooks secret (``whsec_`` + base64); when set, deliveries
    to ``/partner/webhooks/{name}`` must be signed with it. ``gone`` answers 410 Gone.
    """

    secret: str | None = None
    gone: bool = False


class SubscriptionView(msgspec.Struct, frozen=True, kw_only=True):
    """A partner webhook subscription as the control API shows it (never the secret)."""

    name: str
    has_secret: bool
    gone: bool


class FieldError(msgspec.Struct, frozen=True, kw_only=True):
    """One invalid field of a request body."""

    field: str
    pointer: str
    message: str


class Problem(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """RFC 9457 problem details, as the simulated systems answer errors."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError] = []


class ErpDocument(msgspec.Struct, frozen=True, kw_only=True):
    """What the simulated ERP answers when it creates a document."""

    document_number: str
    document_type: str
    reference: str | None
    status: str = "created"


class WmsDocument(msgspec.Struct, frozen=True, kw_only=True):
    """What the simulated WMS answers when it accepts a request."""

    id: str
    type: str
    reference: str | None
    status: str


class CarrierShipment(msgspec.Struct, frozen=True, kw_only=True):
    """What the simulated carrier answers when it books a shipment."""

    shipment_id: str
    tracking_number: str
    carrier: str
    label_format: str
    label_base64: str


class WebhookAck(msgspec.Struct, frozen=True, kw_only=True):
    """What a simulated partner answers when it accepts a webhook."""

    received: bool
    subscription: str
    webhook_id: str | None


class Accepted(msgspec.Struct, frozen=True, kw_only=True):
    """What a generic simulated system answers when it stores a request."""

    id: str
    system: str
    status: str = "accepted"


class Health(msgspec.Struct, frozen=True, kw_only=True):
    """Answer of ``GET /_sandbox/health``."""

    status: str
    systems: list[str]
    records: int

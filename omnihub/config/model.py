"""Typed configuration: what `routes.yaml` and `policies/*.yaml` decode into.

Every struct forbids unknown fields, so a typo is a load error with file and line.
Sections that are mappings are keyed by id (route id, partner id, ...): YAML refuses a
key given twice, so ids are unique by construction.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import msgspec

from omnihub.config.sla import AlertPolicy, Sla
from omnihub.config.types import Duration, Secret
from transforms.edi import (
    EdifactEnvelopeSettings,
    EdifactReadSettings,
    EnvelopeSettings,
    X12ReadSettings,
)
from transforms.pipeline import Step, Table

__all__ = [
    "IDENTIFIER_RE",
    "ApiKey",
    "As2Settings",
    "AuthMethod",
    "BreakerPolicy",
    "BrokerPolicy",
    "Delivery",
    "DeliveryRequest",
    "EdiStandard",
    "EdiTarget",
    "HmacSignatureAuth",
    "HubConfig",
    "HubTokenIssuer",
    "Idempotency",
    "JourneyPolicy",
    "JwksTokenIssuer",
    "Lane",
    "OAuthClient",
    "OrderedLanes",
    "Ordering",
    "Partner",
    "PartnerEdi",
    "PoliciesFile",
    "RateLimitTier",
    "RetentionClass",
    "RetryPolicy",
    "Route",
    "RouteVersion",
    "RoutesFile",
    "SigningKey",
    "StaleGuard",
    "Target",
    "TargetAuth",
    "TargetKind",
    "TokenIssuer",
    "WebhookSecret",
    "WebhookSubscription",
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


EdiStandard = Literal["x12", "edifact"]

AuthMethod = Literal["api_key", "oauth2", "webhook_standard", "webhook_shopify"]


class RouteVersion(_Strict, kw_only=True, frozen=True):
    """One API version of a route: the schema a partner sends and how it becomes canonical."""

    schema: str  # a canonical type name, e.g. "Order"
    pipeline: list[Step] = []  # inbound steps (partner format -> canonical)
    # What the partner sends, validated before the pipeline runs and described in the
    # OpenAPI document: a canonical or partner-format type name (transforms.formats), or
    # a list of them (the body must be one of them, tried in order). Unset: `schema`
    # without a pipeline; with one, the body is only checked to be JSON.
    input: str | list[str] | None = None
    # Example bodies for the OpenAPI document: JSON files, relative to the configuration
    # directory; each must be a valid `input`.
    examples: list[str] = []
    deprecated: datetime | None = None  # since when (Deprecation header, RFC 9745)
    sunset: datetime | None = None  # when it stops (Sunset header, RFC 8594)
    migration: str | None = None  # URL of the migration notes (Link rel="deprecation")
    after_sunset: Literal["gone", "serve"] = "gone"  # past sunset: 410, or keep serving

    def input_names(self) -> list[str]:
        """The input types, in the order they are tried ([] when undeclared)."""
        if self.input is None:
            return [] if self.pipeline else [self.schema]
        return [self.input] if isinstance(self.input, str) else list(self.input)


class Route(_Strict, kw_only=True, frozen=True):
    """A partner-facing endpoint: ``METHOD /<version><path>``."""

    method: Literal["POST", "PUT", "PATCH"] = "POST"
    path: Annotated[str, msgspec.Meta(pattern=r"^/[A-Za-z0-9/_{}.-]*$")]
    event: EventType
    auth: list[AuthMethod] = msgspec.field(default_factory=lambda: ["api_key"])
    api_key_header: str = "X-Api-Key"  # where a key may come besides Authorization: Bearer
    webhook_tolerance: Duration = Duration(minutes=5)  # accepted webhook-timestamp skew
    scopes: list[Scope] = []
    tier: Identifier
    idempotency: Idempotency = Idempotency.OPTIONAL
    idempotency_ttl: Duration = Duration(hours=24)  # how long a key (or webhook id) is kept
    # How long an unfinished request holds its key: a retry within it gets 409, a later one
    # takes the key over (a gateway that died mid-request). Longer than a request can take.
    idempotency_lock: Duration = Duration(seconds=60)
    max_body: Annotated[int, msgspec.Meta(gt=0)] = 1_048_576
    versions: dict[Annotated[str, msgspec.Meta(pattern=r"^v[0-9]+$")], RouteVersion]
    description: str = ""
    # A raw EDI route: the body is an X12 or EDIFACT interchange; each accepted set is
    # published as its own canonical event (856 -> asn.received, ...), and `event` names
    # the event of the acknowledgement when the partner's EDI `acknowledge` is `async`.
    edi: EdiStandard | None = None
    # Where the id people search by (order number, ASN shipment id) is in the canonical
    # payload: a field path (``order_number``) or a JMESPath expression. Unset, or absent
    # from a payload: the schema's first field (EDI: the set's own number).
    business_key: str | None = None


class DeliveryRequest(_Strict, kw_only=True, frozen=True):
    """How a delivery calls its target: method and path below the target's base URL.

    ``path`` and header values may hold ``{field}`` placeholders filled from the payload
    the delivery's pipeline produced, e.g. ``/orders/{order_number}/lines/{lines[0].sku}``.
    """

    method: Literal["POST", "PUT", "PATCH", "DELETE"] = "POST"
    path: Annotated[str, msgspec.Meta(pattern=r"^/")]
    headers: dict[str, str] = {}


_SEGMENT = r"[A-Za-z_][A-Za-z0-9_]*(\[[0-9]+\])?"
FieldPath = Annotated[str, msgspec.Meta(pattern=rf"^{_SEGMENT}(\.{_SEGMENT})*$")]
"""A field of the canonical payload: ``location_id``, ``lines[0].sku``."""


class StaleGuard(_Strict, kw_only=True, frozen=True):
    """The stale-write guard of an ordered delivery (snapshot events only).

    A snapshot whose ``version`` is older than the last snapshot delivered for its key is
    not delivered: it is acked and shows as ``superseded`` in its journey. Events of the
    delivery not listed in ``events`` are deltas (a sale, a movement): never skipped.
    """

    events: Annotated[list[EventType], msgspec.Meta(min_length=1)]
    version: FieldPath  # a source timestamp (RFC 3339) or a sequence number


class Ordering(_Strict, kw_only=True, frozen=True):
    """Per-key ordering of a delivery: messages of one key reach the target in the order
    the hub accepted them, across retries (see docs/delivery.md#ordering)."""

    key: FieldPath | Annotated[list[FieldPath], msgspec.Meta(min_length=1)]
    snapshots: StaleGuard | None = None

    @property
    def key_fields(self) -> tuple[str, ...]:
        return (self.key,) if isinstance(self.key, str) else tuple(self.key)


class Delivery(_Strict, kw_only=True, frozen=True):
    """Which events go to which target, through which pipeline, with which retry policy."""

    target: Identifier
    events: Annotated[list[EventType], msgspec.Meta(min_length=1)]
    # How to call the target: an explicit request, or a named operation of the target's
    # kind (e.g. ``sales_order.create`` for an ERP); a webhook target needs neither.
    request: DeliveryRequest | None = None
    operation: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_.]*$")] | None = None
    lane: Lane = Lane.PRIORITY
    retry: Identifier = "default"
    pipeline: list[Step] = []  # outbound steps (canonical -> target format)
    # Per-key ordering (and the stale-write guard): its events travel in the target's
    # ordered partitions instead of the lane queue.
    ordering: Ordering | None = None


class RoutesFile(_Strict, kw_only=True, frozen=True):
    routes: dict[Identifier, Route] = {}
    deliveries: dict[Identifier, Delivery] = {}
    # Events another system publishes to the events exchange (no route here produces
    # them); a delivery may subscribe to these besides the events of the routes.
    external_events: list[EventType] = []


# ---------------------------------------------------------------- policies/*.yaml


class ApiKey(_Strict, kw_only=True, frozen=True):
    """An API key, stored only as the SHA-256 of the key (keys are high-entropy).

    `prefix` (the key's first characters, e.g. ``ohk_AbC12x``) and `created` are written by
    ``omnihub partners add-key`` so that operators can tell keys apart in
    ``partners list-keys`` and revoke one by its prefix; they reveal nothing usable."""

    id: Identifier
    sha256: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]
    prefix: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{4,16}$")] | None = None
    created: datetime | None = None


class OAuthClient(_Strict, kw_only=True, frozen=True):
    """An OAuth2 client of a partner.

    Without `issuer` the client gets tokens from the hub's own ``POST /oauth/token`` and
    authenticates there with a secret stored only as its SHA-256. With `issuer` (a `jwks`
    entry of `token_issuers`) its tokens come from that identity provider; the token claim
    the issuer names (`client_claim`) must equal `client_id`.
    """

    client_id: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9._~-]{1,128}$")]
    secret_sha256: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")] | None = None
    issuer: Identifier | None = None


class WebhookSecret(_Strict, kw_only=True, frozen=True):
    """A webhook signing secret (Standard Webhooks ``whsec_...`` or a Shopify app secret)."""

    id: Identifier
    secret: Secret


class PartnerEdi(_Strict, kw_only=True, frozen=True):
    """A trading partner's EDI agreement: how its interchanges are read and answered."""

    # ISA06 / UNB S002 ids the partner may send as; empty: any (name them in production,
    # so one partner's credentials cannot send another partner's interchanges).
    sender_ids: list[str] = []
    x12: X12ReadSettings = X12ReadSettings()
    edifact: EdifactReadSettings = EdifactReadSettings()
    # The envelope of our replies (997/TA1, CONTRL): our ids as sender, the partner's as
    # receiver. None: the inbound envelope reversed.
    x12_reply: EnvelopeSettings | None = None
    edifact_reply: EdifactEnvelopeSettings | None = None
    # response: the 997/CONTRL is the HTTP response body; async: it is published as the
    # route's `event` for an outbound EDI delivery, and the response is 202 JSON.
    acknowledge: Literal["response", "async"] = "response"


class Partner(_Strict, kw_only=True, frozen=True):
    display_name: str = ""
    scopes: list[Scope] = []
    api_keys: list[ApiKey] = []
    oauth_clients: list[OAuthClient] = []
    webhook_secrets: list[WebhookSecret] = []
    edi: PartnerEdi | None = None


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


class HmacSignatureAuth(_Strict, kw_only=True, frozen=True, tag="hmac", tag_field="kind"):
    """Signs each request body: ``<header>: <prefix><HMAC(secret, [timestamp "."] body)>``."""

    secret: Secret
    header: str = "X-Signature"
    algorithm: Literal["sha256", "sha512"] = "sha256"
    encoding: Literal["hex", "base64"] = "hex"
    prefix: str = ""  # e.g. "sha256="
    timestamp_header: str | None = None  # when set, the Unix time is sent and signed too


TargetAuth = NoAuth | ApiKeyHeaderAuth | BasicAuth | OAuth2ClientCredentials | HmacSignatureAuth


class TargetKind(StrEnum):
    """Which connector delivers to a target (one module each in ``connectors/kinds``)."""

    REST = "rest"  # generic: each delivery says method, path template and headers
    ERP = "erp"  # sales orders, inventory adjustments, credit memos
    WMS = "wms"  # shipment (pick/ship) requests, expected receipts from ASNs
    CARRIER = "carrier"  # shipment / label create
    WEBHOOK = "webhook"  # Standard Webhooks to partner subscriptions
    EDI = "edi"  # canonical events as X12 over AS2 or HTTP (a 3PL, a retailer)


class As2Settings(_Strict, kw_only=True, frozen=True):
    """AS2 (RFC 4130) towards an EDI partner: our identity, theirs, and the options.

    Keys and certificates are PEM files relative to the configuration directory, or PEM
    text from the environment (``our_key``).
    """

    as2_from: str  # our AS2 id
    as2_to: str  # the partner's AS2 id
    our_key: Secret | None = None  # PEM private key (signs; decrypts signed MDNs' peers)
    our_key_file: str | None = None
    our_certificate_file: str  # PEM certificate matching our key (the partner verifies)
    partner_certificate_file: str  # PEM: encrypts to the partner, verifies its MDNs
    sign: bool = True
    encrypt: bool = True
    compress: bool = False
    signed_mdn: bool = True
    digest: Literal["sha256", "sha384", "sha512"] = "sha256"
    encryption: Literal["aes_128_cbc", "aes_192_cbc", "aes_256_cbc", "tripledes_192_cbc"] = (
        "aes_256_cbc"
    )


class EdiTarget(_Strict, kw_only=True, frozen=True):
    """A target of kind ``edi``: its envelope and how interchanges reach it."""

    envelope: EnvelopeSettings  # our ids as sender, the partner's as receiver
    transport: Literal["as2", "http"] = "http"
    path: Annotated[str, msgspec.Meta(pattern=r"^/")] = "/"  # below the target's base_url
    as2: As2Settings | None = None  # required when transport is as2
    # Which X12 set each event becomes; the defaults are asn.received -> 856,
    # order.created and order.fulfillment_requested -> 940.
    documents: dict[EventType, Literal["856", "850", "940"]] = {}


class WebhookSubscription(_Strict, kw_only=True, frozen=True):
    """A partner's webhook endpoint; events of that partner only are sent to it."""

    url: Annotated[str, msgspec.Meta(pattern=r"^(https?://|/)")]  # absolute, or below base_url
    secret: Secret  # Standard Webhooks signing secret, ``whsec_<base64 key>``
    events: list[EventType] = []  # empty: every event of the deliveries to this target


class OrderedLanes(_Strict, kw_only=True, frozen=True):
    """A target's ordered partitions: how many, and how many messages each holds in hand.

    A key waiting for a retry holds back only its own later messages while its partition
    has fewer than ``prefetch`` messages in hand; past that, the partition waits.
    """

    partitions: Annotated[int, msgspec.Meta(ge=1, le=256)] = 8
    prefetch: Annotated[int, msgspec.Meta(ge=1, le=5000)] = 256
    # Messages the intake shares out before their confirms came back (its throughput is
    # about this window divided by the broker's confirm latency).
    intake_window: Annotated[int, msgspec.Meta(ge=1, le=20000)] = 2000


class Target(_Strict, kw_only=True, frozen=True):
    """A system omnihub delivers to (ERP, WMS, carrier, partner webhook endpoint)."""

    kind: TargetKind = TargetKind.REST
    base_url: Annotated[str, msgspec.Meta(pattern=r"^https?://")]
    auth: TargetAuth = NoAuth()
    subscriptions: dict[Identifier, WebhookSubscription] = {}  # kind webhook: by partner id
    edi: EdiTarget | None = None  # kind edi: envelope and transport
    timeout: Duration = Duration(seconds=10)
    prefetch: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 16
    concurrency: Annotated[int, msgspec.Meta(ge=1, le=256)] = 8
    breaker: BreakerPolicy = BreakerPolicy()
    ordered: OrderedLanes = OrderedLanes()  # used by deliveries with `ordering`


class SigningKey(_Strict, kw_only=True, frozen=True):
    """A key the hub signs (or, once rotated out, only verifies) access tokens with.

    Give the PEM private key from the environment (`private_key`) or a file relative to the
    configuration directory (`private_key_file`); a key whose private part is gone can stay
    as `public_key_file` until the tokens it signed have expired.
    """

    algorithm: Literal["EdDSA", "RS256"] = "EdDSA"
    private_key: Secret | None = None
    private_key_file: str | None = None
    public_key_file: str | None = None
    generate: bool = False  # development only: create private_key_file if it is missing


class HubTokenIssuer(_Strict, kw_only=True, frozen=True, tag="hub", tag_field="kind"):
    """The hub's own OAuth2 token endpoint (client credentials) and the JWTs it issues."""

    issuer: str
    audience: str = "omnihub"
    token_lifetime: Duration = Duration(minutes=5)
    leeway: Duration = Duration(seconds=30)
    signing_key: Identifier  # kid of the key in `keys` that signs new tokens
    keys: dict[Identifier, SigningKey]  # kid -> key; every listed key verifies


class JwksTokenIssuer(_Strict, kw_only=True, frozen=True, tag="jwks", tag_field="kind"):
    """An external identity provider whose access tokens the gateway accepts."""

    issuer: str
    jwks_url: Annotated[str, msgspec.Meta(pattern=r"^https?://")]
    audience: str
    algorithms: list[Literal["RS256", "PS256", "ES256", "EdDSA"]] = msgspec.field(
        default_factory=lambda: ["RS256"]
    )
    # accepted `typ` header values (RFC 8725 §3.11)
    token_types: list[str] = msgspec.field(default_factory=lambda: ["at+jwt"])
    client_claim: str = "client_id"  # the claim naming the OAuth client (azp, sub, ...)
    leeway: Duration = Duration(seconds=30)
    cache: Duration = Duration(minutes=10)  # how long fetched keys are trusted


TokenIssuer = HubTokenIssuer | JwksTokenIssuer


class BrokerPolicy(_Strict, kw_only=True, frozen=True):
    archive_max_age: Duration = Duration(days=7)
    delivery_limit: Annotated[int, msgspec.Meta(ge=1)] = 20  # poison-message guard
    # Replicas of each quorum queue and of the archive stream on a cluster (3 is usual);
    # None: the broker's default (RabbitMQ 3.x: every node). Fixed when a queue is made.
    quorum_replicas: Annotated[int, msgspec.Meta(ge=1)] | None = None


class RetentionClass(_Strict, kw_only=True, frozen=True):
    """Events whose journeys are kept for `keep` (whole days: a day's partition is
    dropped once all of it is older than `keep`)."""

    events: list[Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_.]*\*?$")]]
    keep: Duration


class JourneyPolicy(_Strict, kw_only=True, frozen=True):
    """Journey history in PostgreSQL: how long each class of events is kept.

    An event belongs to the first class with a pattern that matches it (``order.*``
    matches every ``order.`` event); events of no class are kept for `keep`."""

    keep: Duration = Duration(days=7)
    classes: dict[
        Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*$", max_length=24)], RetentionClass
    ] = {}


class PoliciesFile(_Strict, kw_only=True, frozen=True):
    """One file under policies/; each section may appear in at most one file."""

    partners: dict[Identifier, Partner] | None = None
    rate_limit_tiers: dict[Identifier, RateLimitTier] | None = None
    retry_policies: dict[Identifier, RetryPolicy] | None = None
    targets: dict[Identifier, Target] | None = None
    tables: dict[Identifier, Table] | None = None  # crosswalks for `lookup` steps
    token_issuers: dict[Identifier, TokenIssuer] | None = None
    broker: BrokerPolicy | None = None
    journeys: JourneyPolicy | None = None
    slas: dict[Identifier, Sla] | None = None
    alerts: AlertPolicy | None = None


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
    token_issuers: dict[str, TokenIssuer] = {}
    journeys: JourneyPolicy = JourneyPolicy()
    slas: dict[str, Sla] = {}
    alerts: AlertPolicy = AlertPolicy()
    external_events: tuple[str, ...] = ()

    def deliveries_for(self, target: str) -> dict[str, Delivery]:
        return {k: d for k, d in self.deliveries.items() if d.target == target}

    def ordered_deliveries_for(self, target: str) -> dict[str, Delivery]:
        """The deliveries of ``target`` with an ordering key (its ordered partitions)."""
        return {k: d for k, d in self.deliveries_for(target).items() if d.ordering is not None}

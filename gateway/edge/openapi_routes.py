"""The OpenAPI operations that are not JSON ingest routes: EDI routes, the token
endpoint, the JWKS, message status and the admin API (scope ``admin``).

Their request and response bodies are the msgspec types the handlers decode and encode
(`ROUTE_TYPES`, generated into the components with the ingest types); each operation
says which credentials it takes and carries examples of its answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from litestar.openapi.spec import OpenAPIResponse, PathItem, RequestBody

from gateway.admin.message_status import MessageStatus
from gateway.admin.requests import ArchiveReplayRequest, DeadLetterDiscard, DeadLetterSelection
from gateway.auth.principal import unauthenticated
from gateway.auth.token_endpoint import FORM, JWKS_PATH, TOKEN_PATH, TokenResponse
from gateway.edge.openapi_admin import describe_admin
from gateway.edge.openapi_common import (
    CALLER_SECURITY,
    header,
    media,
    problem_response,
    ref,
    route_security,
)
from gateway.edge.openapi_examples import MESSAGE_ID, TRACE_ID, accepted_example, problem_example
from gateway.edge.openapi_ingest import RATE, error_responses, ingest_parameters, lifecycle_headers
from gateway.edge.problems import ProblemError
from gateway.ingest.admission import TierLimits
from gateway.ingest.edi_body import MESSAGE_IDS, EdiBody
from gateway.ingest.flow import IngestFlow
from omnihub.config.model import HubConfig
from omnihub.journey.model import JourneyEntry, JourneyMeta
from omnihub.replay import ReplayReport
from omnihub.replay.dlq import DeadLetter

__all__ = ["ROUTE_TYPES", "describe_other_routes"]

ROUTE_TYPES: tuple[type, ...] = (
    TokenResponse,
    MessageStatus,
    DeadLetter,
    DeadLetterSelection,
    DeadLetterDiscard,
    ArchiveReplayRequest,
    ReplayReport,
    JourneyMeta,
    JourneyEntry,
)

_EDI_MEDIA = {
    "x12": ("application/edi-x12", "text/plain", "application/octet-stream"),
    "edifact": ("application/edifact", "text/plain", "application/octet-stream"),
}
_X12_850 = (
    "ISA*00*          *00*          *ZZ*NORTHSTAR      *ZZ*OMNIHUB        *261123*1015*U*00401"
    "*000000101*0*P*>~GS*PO*NORTHSTAR*OMNIHUB*20261123*1015*101*X*004010~ST*850*0001~"
    "BEG*00*SA*PO-9001**20261123~N1*ST*Harbor Stores DC*92*DC-EAST~"
    "PO1*1*24*EA*4.99**VP*SKU-100~CTT*1~SE*6*0001~GE*1*101~IEA*1*000000101~"
)
_X12_997 = (  # as the hub writes it: one segment a line
    "ISA*00*          *00*          *ZZ*OMNIHUB        *ZZ*NORTHSTAR      *261123*1015*U*00401"
    "*000000001*0*P*>~\nGS*FA*OMNIHUB*NORTHSTAR*20261123*1015*1*X*004010~\nST*997*0001~\n"
    "AK1*PO*101~\nAK2*850*0001~\nAK5*A~\nAK9*A*1*1*1~\nSE*6*0001~\nGE*1*1~\nIEA*1*000000001~\n"
)
_EDIFACT_ORDERS = (
    "UNA:+.? 'UNB+UNOC:3+5012345000009:14+OMNIHUB:ZZ+261123:1015+101'"
    "UNH+1+ORDERS:D:96A:UN'BGM+220+PO-9001+9'DTM+137:20261123:102'"
    "NAD+ST+DC-EAST::92'LIN+1++SKU-100:SA'QTY+21:24'UNS+S'UNT+8+1'UNZ+1+101'"
)
_EDIFACT_CONTRL = (
    "UNA:+.? '\nUNB+UNOC:3+OMNIHUB:ZZ+5012345000009:14+261123:1015+1'\nUNH+1+CONTRL:D:3:UN'\n"
    "UCI+101+5012345000009:14+OMNIHUB:ZZ+7'\nUCM+1+ORDERS:D:96A:UN+7'\nUNT+4+1'\nUNZ+1+1'\n"
)


def _problems(path: str, **by_status: tuple[str, ProblemError]) -> dict[str, Any]:
    """status -> problem response, from `_401=(description, error)` keyword arguments."""
    return {
        status.lstrip("_"): problem_response(
            text, {exc.kind: (exc.detail.split(";")[0], problem_example(exc, path))}
        )
        for status, (text, exc) in by_status.items()
    }


def _edi(paths: Mapping[str, PathItem], handler: IngestFlow[EdiBody], tier: TierLimits) -> None:
    path = f"/{handler.version}{handler.route.path}"
    operation = getattr(paths.get(path), handler.route.method.lower(), None)
    if operation is None:
        return
    x12 = handler.codec.standard == "x12"
    sample, answer = (_X12_850, _X12_997) if x12 else (_EDIFACT_ORDERS, _EDIFACT_CONTRL)
    kinds = _EDI_MEDIA[handler.codec.standard]
    body: dict[str, Any] = {}
    for kind in kinds:
        body |= media(
            {"type": "string", "description": "One or more interchanges, as sent."},
            kind,
            {"interchange": ("A purchase order interchange", sample)},
        )
    operation.description = (
        f"{handler.route.description} The body is the raw interchange "
        f"({', '.join(kinds)}); each accepted set is published as its canonical event "
        f"(850 -> order.created, 856 -> asn.received, ...). The answer is the "
        f"{'997/TA1' if x12 else 'CONTRL'} acknowledgement (200), or, for partners whose "
        "agreement says `acknowledge: async`, 202 JSON while the acknowledgement is "
        f"published as '{handler.route.event}'. Rate limit tier '{tier.name}'."
    )
    operation.request_body = RequestBody(content=body, required=True)
    operation.parameters = ingest_parameters(handler)
    operation.security = route_security(handler.route)
    headers = {
        **RATE,
        **lifecycle_headers(handler),
        MESSAGE_IDS: header("Comma-separated ids of the messages published, one per set."),
        "traceparent": header("The trace the messages travel in."),
    }
    operation.responses = {
        "200": OpenAPIResponse(
            description="The acknowledgement (accepted or rejected sets) as an interchange.",
            headers=headers,
            content=media(
                {"type": "string"},
                kinds[0],
                {"acknowledgement": ("Every set accepted", answer)},
            ),
        ),
        "202": OpenAPIResponse(
            description="`acknowledge: async`: stored; the acknowledgement is published.",
            headers=headers,
            content=media(
                ref("Accepted"),
                examples={"accepted": ("Stored durably", accepted_example(handler.route.event))},
            ),
        ),
        **error_responses(handler, tier),
    }
    operation.responses["415"].description = f"The body is not sent as {' or '.join(kinds)}."
    operation.responses[
        "422"
    ].description = "The body is not an interchange (the position of the first problem is named)."


def _token(item: PathItem | None) -> None:
    if item is None or item.post is None:
        return
    op = item.post
    form = {
        "type": "object",
        "required": ["grant_type"],
        "properties": {
            "grant_type": {"type": "string", "enum": ["client_credentials"]},
            "scope": {"type": "string", "description": "Space-separated; default: all held."},
            "client_id": {"type": "string", "description": "client_secret_post only."},
            "client_secret": {"type": "string", "description": "client_secret_post only."},
        },
    }
    op.description = (
        "OAuth2 client credentials (RFC 6749 §4.4). Authenticate the client with HTTP Basic "
        "(client_secret_basic) or with `client_id` and `client_secret` in the form "
        "(client_secret_post), not both. The token is a JWT (typ at+jwt) for "
        "`Authorization: Bearer`."
    )
    op.request_body = RequestBody(
        required=True,
        content=media(
            form,
            FORM,
            {
                "basic": (
                    "client_secret_basic (credentials in Authorization)",
                    {
                        "grant_type": "client_credentials",
                        "scope": "orders:write",
                    },
                ),
                "post": (
                    "client_secret_post (credentials in the form)",
                    {
                        "grant_type": "client_credentials",
                        "client_id": "acme-market-erp",
                        "client_secret": "ohs_...",
                    },
                ),
            },
        ),
    )
    op.security = [{"clientBasic": []}, {}]  # {}: client_secret_post, in the form
    token = TokenResponse(
        "eyJhbGciOiJFZERTQSIsImtpZCI6Imh1Yi1kZXYtMSIsInR5cCI6ImF0K2p3dCJ9.eyJpc3MiOiJodHRw"
        "Oi8vMTI3LjAuMC4xOjgwODAiLCJzdWIiOiJhY21lLW1hcmtldCJ9.c2lnbmF0dXJl",
        "Bearer",
        300,
        "orders:write",
    )

    def oauth(status: int, error: str, text: str) -> ProblemError:
        kind = f"oauth-{error.replace('_', '-')}"
        return ProblemError(status, text, kind=kind, error=error, error_description=text)

    op.responses = {
        "200": OpenAPIResponse(
            description="An access token.",
            headers={"Cache-Control": header("no-store")},
            content=media(
                ref("TokenResponse"),
                examples={
                    "token": (
                        "A 5-minute token",
                        {
                            "access_token": token.access_token,
                            "token_type": token.token_type,
                            "expires_in": token.expires_in,
                            "scope": token.scope,
                        },
                    )
                },
            ),
        ),
        **_problems(
            TOKEN_PATH,
            _400=(
                "invalid_request, unsupported_grant_type or invalid_scope.",
                oauth(
                    400, "unsupported_grant_type", "only grant_type=client_credentials is supported"
                ),
            ),
            _401=(
                "invalid_client.",
                oauth(401, "invalid_client", "unknown client or wrong client secret"),
            ),
            _413=(
                "The form is larger than 8 KiB.",
                ProblemError(413, "the request body is larger than this route accepts"),
            ),
        ),
    }


def _messages(item: PathItem | None) -> None:
    if item is None or item.get is None:
        return
    op = item.get
    path = "/v1/messages/0193a5c2-7d4e-7b8a-9c1f-3e5d2a4b6c8d"
    op.security = CALLER_SECURITY
    status = {
        "message_id": MESSAGE_ID,
        "status": "delivered",
        "event": "order.created",
        "route": "orders",
        "trace_id": TRACE_ID,
        "business_key": "WEB-1001",
        "journey": [
            {"at": "2026-11-23T10:15:00.120Z", "stage": "received"},
            {"at": "2026-11-23T10:15:00.127Z", "stage": "published"},
            {
                "at": "2026-11-23T10:15:00.154Z",
                "stage": "delivered",
                "target": "erp",
                "attempt": 1,
                "status": 201,
            },
        ],
    }
    op.responses = {
        "200": OpenAPIResponse(
            description="The message's status and journey.",
            content=media(ref("MessageStatus"), examples={"delivered": ("Delivered", status)}),
        ),
        **_problems(
            path,
            _401=("No or invalid credentials.", unauthenticated("the API key is not valid")),
            _404=(
                "No such message of yours (another partner's looks the same).",
                ProblemError(
                    404,
                    "no message '0193a5c2-7d4e-7b8a-9c1f-3e5d2a4b6c8d' of partner "
                    "'acme-market' is known; check the message_id the 202 response gave "
                    "(journeys are kept for a limited time)",
                    kind="message-not-found",
                ),
            ),
            _503=(
                "Message status cannot be read right now.",
                ProblemError(
                    503,
                    "message status cannot be read right now; ask again in a few seconds",
                    kind="store-unavailable",
                ),
            ),
        ),
    }


def describe_other_routes(
    paths: Mapping[str, PathItem],
    config: HubConfig,
    edi_handlers: Sequence[IngestFlow[EdiBody]],
    tiers: dict[str, TierLimits],
) -> None:
    for handler in edi_handlers:
        _edi(paths, handler, tiers[handler.route.tier])
    _token(paths.get(TOKEN_PATH))
    jwks = paths.get(JWKS_PATH)
    if jwks is not None and jwks.get is not None:
        jwks.get.security = []  # public: the keys that verify the hub's tokens
        jwks.get.responses = {
            "200": OpenAPIResponse(
                description="JWK Set (RFC 7517).",
                content=media(
                    {
                        "type": "object",
                        "properties": {"keys": {"type": "array", "items": {"type": "object"}}},
                    },
                    examples={
                        "keys": (
                            "One Ed25519 key",
                            {
                                "keys": [
                                    {
                                        "kty": "OKP",
                                        "crv": "Ed25519",
                                        "kid": "hub-dev-1",
                                        "alg": "EdDSA",
                                        "use": "sig",
                                        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
                                    }
                                ]
                            },
                        )
                    },
                ),
            )
        }
    _messages(paths.get("/v1/messages/{message_id}"))
    describe_admin(paths, config)

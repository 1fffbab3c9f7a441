"""Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): parsing and fingerprints.

The key is scoped to the partner (the Redis key holds the partner id), so two partners
using the same key never meet. A fingerprint of route, version and body tells a retry
(same fingerprint: the stored response is replayed, ``Idempotent-Replayed: true``) from a
reuse of the key for another request (422). The outcome itself lives in `admission`;
`IssuedIds` gives a retry of a failed request the message ids its first attempt used.
"""

from __future__ import annotations

import hashlib

from gateway.edge.problems import ProblemError
from omnihub.config.model import Idempotency, Route
from omnihub.envelope import new_message_id

__all__ = [
    "MAX_KEY_LENGTH",
    "RESERVED",
    "IssuedIds",
    "digest",
    "fingerprint",
    "idempotency_problem",
    "parse_key",
    "request_key",
]

RESERVED = ("new", "retry")  # admission states in which this request holds the key

MAX_KEY_LENGTH = 255


def parse_key(header: str | None) -> str | None:
    """The key of an ``Idempotency-Key`` header (a structured-field string, quotes optional)."""
    if header is None:
        return None
    key = header.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ProblemError(
            400,
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters",
            kind="bad-idempotency-key",
        )
    return key


def digest(namespace: str, key: str) -> str:
    """Fixed-length Redis-safe form of a partner's key (`namespace`: idem or webhook)."""
    return hashlib.sha256(f"{namespace}\x00{key}".encode()).hexdigest()[:40]


def fingerprint(route_id: str, version: str, body: bytes) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{route_id}\x00{version}\x00".encode())
    h.update(body)
    return h.hexdigest()


class IssuedIds:
    """Message ids for one attempt at a request: first those that an earlier, failed
    attempt with the same key handed to the broker (it may have routed them), then new
    ones. ``handed_out`` is what a failure leaves for the next attempt."""

    __slots__ = ("_given", "_previous")

    def __init__(self, previous: tuple[str, ...] = ()) -> None:
        self._previous = previous
        self._given: list[str] = []

    def next(self) -> str:
        index = len(self._given)
        message_id = self._previous[index] if index < len(self._previous) else new_message_id()
        self._given.append(message_id)
        return message_id

    @property
    def handed_out(self) -> list[str]:
        """Every id given so far, and the earlier attempt's ids this one did not reach."""
        return [*self._given, *self._previous[len(self._given) :]]


def request_key(
    route: Route, noun: str, header: str | None, webhook_id: str | None
) -> tuple[str | None, str | None]:
    """A request's key (its ``Idempotency-Key``, else a signed webhook's id) and the digest
    its record is stored under (none when the route's idempotency is off); 400 when the
    route requires a key and there is none."""
    key = parse_key(header)
    key_digest = None
    if key is not None:
        key_digest = digest("idem", key)
    elif webhook_id is not None:
        key, key_digest = webhook_id, digest("webhook", webhook_id)
    elif route.idempotency is Idempotency.REQUIRED:
        raise ProblemError(
            400,
            "this route requires an Idempotency-Key header: send a unique key per "
            f"{noun} (a UUID) and the same key when you send it again",
            kind="idempotency-key-missing",
        )
    if route.idempotency is Idempotency.OFF:
        key_digest = None
    return key, key_digest


def idempotency_problem(state: str, noun: str) -> ProblemError:
    """The answer to a key still held by its first request (409) or used for another
    request (422)."""
    if state == "inflight":
        return ProblemError(
            409,
            f"a {noun} with this Idempotency-Key is still being processed; "
            "send it again in a moment to get its response",
            kind="idempotency-key-in-flight",
            headers={"Retry-After": "1"},
        )
    return ProblemError(
        422,
        f"this Idempotency-Key was already used for a different {noun}; "
        f"use a new key for a new {noun}",
        kind="idempotency-key-reused",
    )

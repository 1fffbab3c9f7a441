"""A request's identity for idempotency: its key, its fingerprint, its message ids.

The key is the partner's ``Idempotency-Key`` (draft-ietf-httpapi-idempotency-key-header)
or, for a signed webhook, its webhook id; its Redis record is stored under a fixed-length
`digest`. The `fingerprint` (route, version, body) tells a retry from a reuse of the key
for another request. `IssuedIds` gives the messages of a request with a key ids derived
from partner, key, fingerprint, the message's index and the first attempt's time, so
every attempt at it publishes under the same ids (the guarantee and its window:
admission.py).
"""

from __future__ import annotations

import hashlib
from typing import Any

from gateway.edge.problems import ProblemError
from omnihub.config.model import Idempotency, Route
from omnihub.envelope import message_id_at, new_message_id

__all__ = [
    "MAX_KEY_LENGTH",
    "IssuedIds",
    "digest",
    "fingerprint",
    "idempotency_problem",
    "parse_key",
    "request_key",
]

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
    """Message ids for one attempt at a request, in the order its messages are built.

    With a reserved key (`derived`): the n-th id is the UUIDv7 of the first attempt's
    millisecond with random bits from a blake2b of partner, key digest, fingerprint and n,
    so every attempt at the same request gets the same ids. Without: new random ids."""

    __slots__ = ("_first_ms", "_identity", "count")

    def __init__(self, identity: Any = None, first_ms: int = 0) -> None:
        self._identity = identity  # a blake2b of the request, copied per id
        self._first_ms = first_ms
        self.count = 0  # ids given so far

    @classmethod
    def derived(cls, partner: str, key_digest: str, fingerprint: str, first_ms: int) -> IssuedIds:
        identity = hashlib.blake2b(digest_size=10)  # 80 bits; 74 are used
        identity.update(f"{partner}\x00{key_digest}\x00{fingerprint}\x00".encode())
        return cls(identity, first_ms)

    def next(self) -> str:
        index, self.count = self.count, self.count + 1
        if self._identity is None:
            return new_message_id()
        h = self._identity.copy()
        h.update(index.to_bytes(4, "big"))
        return message_id_at(self._first_ms, int.from_bytes(h.digest(), "big"))


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

"""Throttle and idempotency in one Redis round trip: one atomic Lua script.

Throttling is a sliding-window log per partner, tier and window (a sorted set of request
times, Redis' clock): a request is admitted only if every window of the tier has room,
and then it is recorded in all of them, inside the script, so concurrent gateways can
never admit more than the limit (no read-then-write race). The same script looks up or
reserves the request's idempotency record (fingerprint, then the stored response), so the
happy path of a request costs one round trip. A request that failed after its messages
were handed to the broker leaves their ids in the record (`release`): the broker may
have routed them although no confirm came back, so the partner's retry with the same key
publishes under the same ids (state `retry`) and the targets de-duplicate it. Storing
the response (`complete`) and opening a failed request's key (`release`) are written in
the background: every command goes through the process's batched Redis commands
(`redis_batch.redis_commands`), so they share round trips with other requests'
admissions and reach Redis in the order they were issued.

The idempotency record is one string, so that reserving a key is one `SET NX GET`:
a kind (`-` reserved, `d` done, `r` failed after publishing), the request's fingerprint
and a newline, then for `d` the traceparent, a newline and the stored response, for `r`
the comma-separated message ids.

What an admission means for the request that asked is here too: the 429 of a throttled
one, the rate-limit headers of an admitted one, and the `Reservation` it completes
(response stored) or releases (failed) once it knows how it ended.

The script is `admission.lua`, beside this module. The tiers are parsed once
(`TierLimits`); the headers follow draft-ietf-httpapi-ratelimit-headers:
``RateLimit-Policy`` lists every window of the tier (``"standard-1s";q=50;w=1``),
``RateLimit`` reports the window closest to exhaustion (``"standard-1s";r=12;t=1``), and
a refused request also gets ``Retry-After``.

The request's key (draft-ietf-httpapi-idempotency-key-header) is scoped to the partner
(the Redis key holds the partner id), so two partners using the same key never meet. A
fingerprint of route, version and body tells a retry (same fingerprint: the stored
response is replayed, ``Idempotent-Replayed: true``) from a reuse of the key for another
request (422). `IssuedIds` gives a retry of a failed request the message ids its first
attempt used.

Chosen over the `limits` package: its moving window needs several round trips per
request and cannot share one with the idempotency check.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import msgspec
import redis.asyncio as aioredis
from limits import parse_many
from redis.exceptions import NoScriptError, RedisError

from gateway.edge.problems import ProblemError
from gateway.ingest.redis_batch import RedisCommands
from omnihub.config.model import Idempotency, RateLimitTier, Route
from omnihub.envelope import new_message_id
from omnihub.naming import Names

__all__ = [
    "MAX_KEY_LENGTH",
    "RESERVED",
    "Admission",
    "IdempotencyState",
    "IssuedIds",
    "Reservation",
    "TierLimits",
    "Verdict",
    "Window",
    "digest",
    "fingerprint",
    "idempotency_problem",
    "limit_headers",
    "parse_key",
    "rate_limited",
    "ratelimit_header",
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


class Window(msgspec.Struct, frozen=True):
    amount: int
    ms: int
    policy: str  # the name in the headers, e.g. "standard-1s"


class TierLimits(msgspec.Struct, frozen=True):
    name: str
    windows: tuple[Window, ...]
    policy_header: str

    @classmethod
    def parse(cls, name: str, tier: RateLimitTier) -> TierLimits:
        windows = []
        for text in tier.limits:
            for item in parse_many(text):
                seconds = int(item.get_expiry())
                windows.append(Window(int(item.amount), seconds * 1000, f"{name}-{seconds}s"))
        policy = ", ".join(f'"{w.policy}";q={w.amount};w={w.ms // 1000}' for w in windows)
        return cls(name, tuple(windows), policy)


def ratelimit_header(
    tier: TierLimits, remaining: tuple[int, ...], reset_ms: tuple[int, ...]
) -> str:
    """The ``RateLimit`` value for the window with the fewest remaining requests."""
    i = min(range(len(remaining)), key=remaining.__getitem__)
    seconds = max(0, math.ceil(reset_ms[i] / 1000))
    return f'"{tier.windows[i].policy}";r={max(0, remaining[i])};t={seconds}'


IdempotencyState = Literal["none", "new", "retry", "inflight", "mismatch", "done"]

_SCRIPT = Path(__file__).with_name("admission.lua").read_text()


class Verdict(msgspec.Struct, frozen=True):
    allowed: bool
    retry_after_ms: int
    state: IdempotencyState
    stored_body: bytes
    stored_traceparent: str
    previous_ids: tuple[str, ...]  # state retry: the ids a failed attempt handed out
    remaining: tuple[int, ...]  # per window of the tier, after this request
    reset_ms: tuple[int, ...]  # per window: until its oldest recorded request leaves


def _unavailable() -> ProblemError:
    return ProblemError(
        503,
        "the hub cannot check rate limits right now; nothing was accepted, send it again later",
        kind="store-unavailable",
        headers={"Retry-After": "2"},
    )


class Admission:
    """The gateway's Redis: admit (throttle + idempotency), complete, release."""

    def __init__(self, redis: aioredis.Redis, names: Names, pipeline: RedisCommands) -> None:
        self._redis = redis
        self._names = names
        self._pipeline = pipeline
        self._sha = hashlib.sha1(_SCRIPT.encode()).hexdigest()
        self._instance = os.urandom(6).hex()
        self._counter = itertools.count()
        # By partner and tier: the window keys and the idempotency keys' prefix, named
        # once (partners and tiers are the configuration's: a bounded set).
        self._keys: dict[tuple[str, str], tuple[list[str], str]] = {}

    def _keys_of(self, partner: str, tier: TierLimits) -> tuple[list[str], str]:
        names = self._names
        keys = (
            [names.rate_limit_key(partner, tier.name, w.ms) for w in tier.windows],
            names.idempotency_key_prefix(partner),
        )
        self._keys[partner, tier.name] = keys
        return keys

    async def admit(
        self,
        partner: str,
        tier: TierLimits,
        *,
        idempotency_digest: str | None,
        fingerprint: str,
        lock_ms: int,
    ) -> Verdict:
        window_keys, idem_prefix = self._keys.get((partner, tier.name)) or self._keys_of(
            partner, tier
        )
        keys = [*window_keys]
        if idempotency_digest is not None:
            keys.append(idem_prefix + idempotency_digest)
        args: list[Any] = [
            len(tier.windows),
            f"{self._instance}:{next(self._counter)}",
            "1" if idempotency_digest is not None else "0",
            fingerprint,
            lock_ms,
        ]
        for window in tier.windows:
            args += [window.amount, window.ms]
        try:
            out = await self._evalsha(keys, args)
        except RedisError:
            raise _unavailable() from None
        n = len(tier.windows)
        return Verdict(
            allowed=out[0] == 1,
            retry_after_ms=int(out[1]),
            state=out[2].decode(),
            stored_body=out[3],
            stored_traceparent=out[4].decode(),
            previous_ids=tuple(out[3].decode().split(",")) if out[2] == b"retry" else (),
            remaining=tuple(int(out[5 + 2 * i]) for i in range(n)) if out[0] == 1 else (),
            reset_ms=tuple(int(out[6 + 2 * i]) for i in range(n)) if out[0] == 1 else (),
        )

    async def _evalsha(self, keys: list[str], args: list[Any]) -> Any:
        try:
            return await self._pipeline.execute("EVALSHA", self._sha, len(keys), *keys, *args)
        except NoScriptError:  # a fresh or flushed Redis: load the script once, then again
            await self._redis.script_load(_SCRIPT)
            return await self._pipeline.execute("EVALSHA", self._sha, len(keys), *keys, *args)

    def complete(
        self,
        partner: str,
        digest: str,
        fingerprint: str,
        body: bytes,
        traceparent: str,
        ttl_ms: int,
    ) -> None:
        """Store the response of a request whose key was reserved, for later replays.

        In the background: the message is already published, and if the write fails a
        retry within the lock time gets 409, a later one a new message (the target still
        de-duplicates on the business key)."""
        key = self._names.idempotency_key(partner, digest)
        record = b"d%s\n%s\n%s" % (fingerprint.encode(), traceparent.encode(), body)
        self._pipeline.send("SET", key, record, "PX", ttl_ms)

    def release(
        self, partner: str, digest: str, fingerprint: str, issued: Sequence[str], ttl_ms: int
    ) -> None:
        """Open a reservation whose request failed, so the partner can send it again.

        With no message handed out the record goes. Otherwise it keeps their ids (for
        the key's whole lifetime): whether the broker routed them is unknown, and the
        retry publishes under the same ids."""
        key = self._names.idempotency_key(partner, digest)
        if not issued:
            self._pipeline.send("DEL", key)
            return
        record = f"r{fingerprint}\n{','.join(issued)}"
        self._pipeline.send("SET", key, record, "PX", ttl_ms)


def rate_limited(partner: str, tier: TierLimits, verdict: Verdict) -> ProblemError:
    """The 429 for a request the throttle refused, with when to send it again."""
    retry = max(1, math.ceil(verdict.retry_after_ms / 1000))
    return ProblemError(
        429,
        f"partner '{partner}' is over the '{tier.name}' rate limit; send it again after {retry} s",
        kind="rate-limited",
        headers={
            "Retry-After": str(retry),
            "RateLimit-Policy": tier.policy_header,
            "RateLimit": f'"{tier.windows[0].policy}";r=0;t={retry}',
        },
    )


def limit_headers(tier: TierLimits, verdict: Verdict) -> dict[str, str]:
    """`RateLimit-Policy` and `RateLimit` of an admitted request."""
    return {
        "RateLimit-Policy": tier.policy_header,
        "RateLimit": ratelimit_header(tier, verdict.remaining, verdict.reset_ms),
    }


class Reservation:
    """The idempotency key a request holds, if its admission reserved one (state `new`
    or `retry`); with none, `complete` and `release` do nothing."""

    __slots__ = ("_admission", "_digest", "_fingerprint", "_partner", "_ttl_ms")

    def __init__(
        self,
        admission: Admission,
        verdict: Verdict,
        partner: str,
        digest: str | None,
        fingerprint: str,
        ttl_ms: int,
    ) -> None:
        self._admission = admission
        self._partner = partner
        self._digest = digest if verdict.state in RESERVED else None
        self._fingerprint = fingerprint
        self._ttl_ms = ttl_ms

    def complete(self, body: bytes, traceparent: str) -> None:
        """Store the response, for replays of the key."""
        if self._digest is not None:
            self._admission.complete(
                self._partner, self._digest, self._fingerprint, body, traceparent, self._ttl_ms
            )

    def release(self, handed_out: Sequence[str]) -> None:
        """Open the key again after a failure, keeping the ids given to the broker."""
        if self._digest is not None:
            self._admission.release(
                self._partner, self._digest, self._fingerprint, handed_out, self._ttl_ms
            )

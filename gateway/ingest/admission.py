"""Throttle and idempotency in one Redis round trip: one atomic Lua script.

Throttling is a sliding-window log per partner, tier and window (a sorted set of request
times, Redis' clock): a request is admitted only if every window of the tier has room,
and then it is recorded in all of them, inside the script, so concurrent gateways can
never admit more than the limit (no read-then-write race). The same script looks up or
reserves the request's idempotency record (fingerprint, then the stored response), so the
happy path of a request costs one round trip. Storing the response (`complete`) and
opening a failed request's key (`release`) are written in the background: every command
goes through the process's batched Redis commands (`redis_batch.redis_commands`), so they
share round trips with other requests' admissions and reach Redis in the order they were
issued.

Message ids of a request with a key are derived, not drawn (`IssuedIds`): UUIDv7 whose
time is the first attempt's (kept in the record) and whose random bits are a blake2b of
partner, key, fingerprint (route, version, body) and the message's index in the request.
Every attempt at the same request publishes under the same ids, however the earlier one
ended: a 503 after the broker routed a message whose confirm never came back, or a
gateway killed between the publish and storing the response. The reservation is kept for
the key's whole lifetime (``idempotency_ttl``) and holds the key for the lock time (the
route's ``idempotency_lock``, 60 s by default): a retry within it gets 409, a later one
takes the reservation over (state `retry`) with the first attempt's time, so its messages
carry the first attempt's ids and the targets, which de-duplicate by message id, see one
order.
The window this covers is the record's lifetime: ``idempotency_ttl`` from the last
attempt (24 h by default); a retry after that, or after the record was lost (Redis
flushed, a failover that lost the write), is a new request with new ids. How long a
target remembers the ids it saw is the target's: the hub's worker sends the message id as
``Idempotency-Key`` on every attempt and keeps no de-dup memory of its own. A request
without a key (no record) gets random UUIDv7 ids: nothing tells its retry from a new
order.

The idempotency record is one string, so that reserving a key is one `SET NX GET`:
a kind (`-` reserved, `d` done, `r` failed after publishing), the request's fingerprint
and a newline, then for `-` the lock's end (Redis ms), a newline and the first attempt's
time (Unix ms), for `r` the first attempt's time, for `d` the traceparent, a newline and
the stored response.

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
request (422), which therefore never gets the first request's ids. The key, the
fingerprint and the derived ids are `idempotency_keys.py`'s.

Chosen over the `limits` package: its moving window needs several round trips per
request and cannot share one with the idempotency check.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
from pathlib import Path
from typing import Any, Literal

import msgspec
import redis.asyncio as aioredis
from limits import parse_many
from redis.exceptions import NoScriptError, RedisError

from gateway.edge.problems import ProblemError
from gateway.ingest.idempotency_keys import IssuedIds
from gateway.ingest.redis_batch import RedisCommands
from omnihub.config.model import RateLimitTier
from omnihub.naming import Names

__all__ = [
    "RESERVED",
    "Admission",
    "IdempotencyState",
    "Reservation",
    "TierLimits",
    "Verdict",
    "Window",
    "limit_headers",
    "rate_limited",
    "ratelimit_header",
]


RESERVED = ("new", "retry")  # admission states in which this request holds the key


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
    first_ms: int | None  # state retry: when the first attempt began (Unix ms)
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
        ttl_ms: int,
        now_ms: int,
    ) -> Verdict:
        """``now_ms``: this attempt's time, kept as the first attempt's when it reserves
        the key; ``lock_ms``: how long it holds the key; ``ttl_ms``: the record's life."""
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
            ttl_ms,
            now_ms,
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
            first_ms=_first_ms(out[3], now_ms) if out[2] == b"retry" else None,
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

        In the background: the message is already published, and if the write fails (or
        the gateway dies first) a retry within the lock time gets 409, a later one takes
        the reservation over and publishes under the same ids (targets de-duplicate)."""
        key = self._names.idempotency_key(partner, digest)
        record = b"d%s\n%s\n%s" % (fingerprint.encode(), traceparent.encode(), body)
        self._pipeline.send("SET", key, record, "PX", ttl_ms)

    def release(
        self, partner: str, digest: str, fingerprint: str, first_ms: int | None, ttl_ms: int
    ) -> None:
        """Open a reservation whose request failed, so the partner can send it again.

        With no message handed out (``first_ms`` None) the record goes. Otherwise it
        keeps the first attempt's time (for the key's whole lifetime): whether the broker
        routed those messages is unknown, and the retry publishes under the same ids."""
        key = self._names.idempotency_key(partner, digest)
        if first_ms is None:
            self._pipeline.send("DEL", key)
            return
        self._pipeline.send("SET", key, f"r{fingerprint}\n{first_ms}", "PX", ttl_ms)


def _first_ms(stored: bytes, now_ms: int) -> int:
    """The first attempt's time a `retry` verdict carries; a record written before ids
    were derived (a list of ids) has none: this attempt's."""
    return int(stored) if stored.isdigit() else now_ms


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
    or `retry`), and the message ids of this attempt (`issued`: derived from the key,
    random without one); with no key, `complete` and `release` do nothing."""

    __slots__ = (
        "_admission",
        "_digest",
        "_earlier",
        "_fingerprint",
        "_first_ms",
        "_partner",
        "_ttl_ms",
        "issued",
    )

    def __init__(
        self,
        admission: Admission,
        verdict: Verdict,
        partner: str,
        digest: str | None,
        fingerprint: str,
        ttl_ms: int,
        now_ms: int,
    ) -> None:
        self._admission = admission
        self._partner = partner
        self._digest = digest if verdict.state in RESERVED else None
        self._fingerprint = fingerprint
        self._ttl_ms = ttl_ms
        self._earlier = verdict.first_ms is not None  # an earlier attempt may have published
        self._first_ms = verdict.first_ms if verdict.first_ms is not None else now_ms
        if self._digest is None:
            self.issued = IssuedIds()
        else:
            self.issued = IssuedIds.derived(partner, self._digest, fingerprint, self._first_ms)

    def complete(self, body: bytes, traceparent: str) -> None:
        """Store the response, for replays of the key."""
        if self._digest is not None:
            self._admission.complete(
                self._partner, self._digest, self._fingerprint, body, traceparent, self._ttl_ms
            )

    def release(self) -> None:
        """Open the key again after a failure, keeping the first attempt's time (and so
        its ids) when an id was given to the broker, by this attempt or an earlier one."""
        if self._digest is not None:
            handed_out = self.issued.count > 0 or self._earlier
            self._admission.release(
                self._partner,
                self._digest,
                self._fingerprint,
                self._first_ms if handed_out else None,
                self._ttl_ms,
            )

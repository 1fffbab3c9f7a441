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

Chosen over the `limits` package: its moving window needs several round trips per
request and cannot share one with the idempotency check.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
from collections.abc import Sequence
from typing import Any, Literal

import msgspec
import redis.asyncio as aioredis
from redis.exceptions import NoScriptError, RedisError

from gateway.edge.problems import ProblemError
from gateway.ingest.idempotency_keys import RESERVED
from gateway.ingest.rate_tiers import TierLimits, ratelimit_header
from gateway.ingest.redis_batch import RedisCommands
from omnihub.naming import Names

__all__ = [
    "Admission",
    "IdempotencyState",
    "Reservation",
    "Verdict",
    "limit_headers",
    "rate_limited",
]

IdempotencyState = Literal["none", "new", "retry", "inflight", "mismatch", "done"]

_SCRIPT = r"""
local n = tonumber(ARGV[1])
local member = ARGV[2]
local has_idem = ARGV[3] == '1'
local fp = ARGV[4]
local lock_ms = tonumber(ARGV[5])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local counts = {}
local retry = 0
for i = 1, n do
  local q = tonumber(ARGV[4 + 2 * i])
  local w = tonumber(ARGV[5 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - w)
  local c = redis.call('ZCARD', KEYS[i])
  counts[i] = c
  if c >= q then
    local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
    local wait = tonumber(oldest[2]) + w - now
    if wait > retry then retry = wait end
  end
end
if retry > 0 then
  return {0, retry, 'none', '', ''}
end
local state = 'none'
local resp = ''
local tp = ''
if has_idem then
  local key = KEYS[n + 1]
  local head = fp .. '\n'
  local rec = redis.call('SET', key, '-' .. head, 'NX', 'GET', 'PX', lock_ms)
  if not rec then
    state = 'new'
  elseif string.sub(rec, 2, #head + 1) ~= head then
    state = 'mismatch'
  else
    local kind = string.sub(rec, 1, 1)
    local rest = string.sub(rec, #head + 2)
    if kind == 'd' then
      state = 'done'
      local nl = string.find(rest, '\n', 1, true)
      tp = string.sub(rest, 1, nl - 1)
      resp = string.sub(rest, nl + 1)
    elseif kind == 'r' then
      state = 'retry'
      resp = rest
      redis.call('SET', key, '-' .. head, 'PX', lock_ms)
    else
      state = 'inflight'
    end
  end
end
local out = {1, 0, state, resp, tp}
for i = 1, n do
  local q = tonumber(ARGV[4 + 2 * i])
  local w = tonumber(ARGV[5 + 2 * i])
  redis.call('ZADD', KEYS[i], now, member)
  redis.call('PEXPIRE', KEYS[i], w)
  local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
  out[4 + 2 * i] = q - counts[i] - 1
  out[5 + 2 * i] = tonumber(oldest[2]) + w - now
end
return out
"""


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

    async def admit(
        self,
        partner: str,
        tier: TierLimits,
        *,
        idempotency_digest: str | None,
        fingerprint: str,
        lock_ms: int,
    ) -> Verdict:
        keys = [self._names.rate_limit_key(partner, tier.name, w.ms) for w in tier.windows]
        if idempotency_digest is not None:
            keys.append(self._names.idempotency_key(partner, idempotency_digest))
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

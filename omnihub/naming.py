"""Every broker and Redis name omnihub uses, built in one place.

No other module writes a queue, exchange or key name as a literal: they call these
functions, so a prefix (one per deployment, one per test run) isolates everything.
"""

from __future__ import annotations

import re

import msgspec

from omnihub.config.model import Lane

__all__ = ["Names"]

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class Names(msgspec.Struct, frozen=True):
    """Names under one prefix, e.g. ``omnihub`` in production, ``t-3f2a`` in a test run."""

    prefix: str = "omnihub"

    def __post_init__(self) -> None:
        if not _SAFE.match(self.prefix):
            raise ValueError(f"name prefix {self.prefix!r} may hold only letters, digits, . _ -")

    # ------------------------------------------------------------ RabbitMQ
    @property
    def events_exchange(self) -> str:
        """Topic exchange receiving every accepted canonical event (routing key = event type)."""
        return f"{self.prefix}.events"

    @property
    def archive_stream(self) -> str:
        """Stream queue bound to every event, for replay by time range."""
        return f"{self.prefix}.archive"

    def target_queue(self, target: str, lane: Lane = Lane.PRIORITY) -> str:
        """The quorum queue a target's worker consumes, one per lane."""
        base = f"{self.prefix}.target.{target}"
        return base if lane is Lane.PRIORITY else f"{base}.{lane.value}"

    def retry_queue(self, target: str, lane: Lane, rung: int) -> str:
        """Delay queue for the `rung`-th retry (1-based); dead-letters back to the lane queue."""
        return f"{self.target_queue(target, lane)}.retry.{rung}"

    def ordered_intake_queue(self, target: str) -> str:
        """Where a target's ordered deliveries' events arrive, in acceptance order (single
        active consumer: the worker holding it shares them out to the partitions)."""
        return f"{self.prefix}.target.{target}.ordered"

    def ordered_partition_queue(self, target: str, partition: int) -> str:
        """One ordered partition of a target (single active consumer): a key's messages all
        travel in one partition, chosen by the hash of the key."""
        return f"{self.ordered_intake_queue(target)}.{partition}"

    def dead_letter_queue(self, target: str) -> str:
        """Parking-lot queue of a target: messages that will not be retried automatically."""
        return f"{self.prefix}.target.{target}.dlq"

    # ------------------------------------------------------------ Redis
    def webhook_disabled_key(self, target: str) -> str:
        """Hash of a webhook target's disabled subscriptions: partner id -> why and when."""
        return self.redis_key("webhooks", target, "disabled")

    def breaker_key(self, target: str) -> str:
        """When a target's breaker opened (ISO time), while it is open."""
        return self.redis_key("breaker", target)

    def monitor_leader_key(self) -> str:
        """The lease of the one monitor that checks and alerts (the others wait)."""
        return self.redis_key("monitor", "leader")

    def ordering_members_key(self, target: str) -> str:
        """Sorted set of the workers sharing a target's ordered partitions (score: expiry)."""
        return self.redis_key("ordering", target, "workers")

    def ordering_versions_key(self, target: str, delivery: str) -> str:
        """Hash of the last snapshot version delivered per ordering key (stale-write guard)."""
        return self.redis_key("ordering", target, delivery, "versions")

    def redis_key(self, *parts: str) -> str:
        """A Redis key under the prefix, e.g. ``redis_key("idem", partner, key)``."""
        return ":".join((self.prefix, *parts))

    # Per-partner keys carry the partner in a hash tag ``{...}``: a Redis Cluster keeps all
    # of one partner's keys in one slot, so the gateway's one Lua script may touch them all.
    def rate_limit_key(self, partner: str, tier: str, window_ms: int) -> str:
        """Sliding-window log of one partner's requests in one tier window (sorted set)."""
        return self.redis_key("rl", f"{{{partner}}}", tier, str(window_ms))

    def edi_control_number_key(self, scope: str) -> str:
        """Counter of one EDI control-number scope (``x12:<sender>:<receiver>:isa``, ...);
        the scope is partner text, so it is kept whole after a fixed part."""
        return self.redis_key("edi", "ctl", scope)

    def api_key_usage_key(self, partner: str) -> str:
        """When each of a partner's API keys was last used (sorted set: key id -> epoch s)."""
        return self.redis_key("keys", f"{{{partner}}}", "last_used")

    def idempotency_key(self, partner: str, digest: str) -> str:
        """One partner's stored request fingerprint and response for one Idempotency-Key
        (or webhook id); `digest` is a hash of the key so any partner text is safe."""
        return self.idempotency_key_prefix(partner) + digest

    def idempotency_key_prefix(self, partner: str) -> str:
        """What every `idempotency_key` of a partner starts with (the digest follows)."""
        return self.redis_key("idem", f"{{{partner}}}", "")

"""In-memory state of one sandbox: records, idempotency index, counters, failure modes.

One ``SandboxState`` per app. It is mutated only from the server's event loop, and every
check-then-store sequence runs without an ``await`` in between, so concurrent requests
with the same idempotency key still produce exactly one record.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec

from sandbox.errors import InvalidName
from sandbox.models import FailureMode, ModeView, Record, SubscriptionView, SystemStats
from sandbox.signatures import decode_secret

KNOWN_SYSTEMS: tuple[str, ...] = ("erp", "wms", "carrier", "partner")
WEBHOOK_SYSTEM = "partner"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def check_name(name: str, kind: str = "system") -> str:
    """Return ``name`` if it is a usable system or subscription name, else raise InvalidName."""
    if not _NAME.fullmatch(name):
        raise InvalidName(name, kind)
    return name


class StoredResponse(msgspec.Struct, frozen=True, kw_only=True):
    """An answer exactly as sent, so an idempotent replay is byte-identical."""

    status: int
    body: bytes
    media_type: str
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Subscription:
    """A partner webhook subscription; ``key`` is the decoded signing key, never shown."""

    key: bytes | None
    gone: bool


class SystemState:
    """Everything the sandbox knows about one simulated system."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.records: list[Record] = []
        self.replays: dict[str, StoredResponse] = {}
        self.mode = FailureMode()
        self.fail_next_remaining = 0
        self.rng = random.Random()
        self.received = 0
        self.duplicates = 0
        self.failures_served = 0
        self.dropped = 0
        self.by_status: Counter[int] = Counter()

    def set_mode(self, mode: FailureMode) -> None:
        self.mode = mode
        self.fail_next_remaining = mode.fail_next or 0
        self.rng = random.Random(mode.seed)

    def mode_view(self) -> ModeView:
        return ModeView(
            system=self.name, mode=self.mode, fail_next_remaining=self.fail_next_remaining
        )

    def stats(self) -> SystemStats:
        return SystemStats(
            system=self.name,
            received=self.received,
            recorded=len(self.records),
            duplicates=self.duplicates,
            failures_served=self.failures_served,
            dropped=self.dropped,
            by_status={str(status): n for status, n in sorted(self.by_status.items())},
        )


class SandboxState:
    """All simulated systems of one sandbox app."""

    # Mutated only from the serving event loop (see module docstring).

    def __init__(self, *, clock: Callable[[], datetime] | None = None) -> None:
        self._clock = clock or (lambda: datetime.now(UTC))
        self._systems: dict[str, SystemState] = {}
        self._sequences: Counter[str] = Counter()
        self.subscriptions: dict[str, Subscription] = {}

    def now(self) -> datetime:
        return self._clock()

    def system(self, name: str) -> SystemState:
        """The state of system ``name``, created on first use; raises InvalidName."""
        state = self._systems.get(name)
        if state is None:
            state = self._systems[check_name(name)] = SystemState(name)
        return state

    def find_system(self, name: str) -> SystemState | None:
        """The state of system ``name`` if it was used since the last reset."""
        return self._systems.get(name)

    def system_names(self) -> list[str]:
        return sorted(set(KNOWN_SYSTEMS) | set(self._systems))

    def record_count(self) -> int:
        return sum(len(s.records) for s in self._systems.values())

    def next_number(self, prefix: str, *, series: str | None = None) -> str:
        """Next number of a series, e.g. ``SO-000001``; series survive until a full reset.

        ``series`` (default: the prefix) keeps counters apart when prefixes could clash,
        e.g. a generic system named ``so`` and the ERP's sales orders.
        """
        key = series or prefix
        self._sequences[key] += 1
        return f"{prefix}-{self._sequences[key]:06d}"

    def set_subscription(self, name: str, *, secret: str | None, gone: bool) -> SubscriptionView:
        """Configure a partner webhook subscription; raises InvalidWebhookSecret."""
        key = decode_secret(secret) if secret is not None else None
        self.subscriptions[name] = Subscription(key=key, gone=gone)
        return self.subscription_view(name)

    def subscription_view(self, name: str) -> SubscriptionView:
        sub = self.subscriptions.get(name, Subscription(key=None, gone=False))
        return SubscriptionView(name=name, has_secret=sub.key is not None, gone=sub.gone)

    def reset(self) -> None:
        """Forget everything: records, idempotency keys, counters, modes, subscriptions."""
        self._systems.clear()
        self._sequences.clear()
        self.subscriptions.clear()

    def reset_system(self, name: str) -> None:
        """Forget one system's records, idempotency keys, counters and failure mode."""
        self._systems.pop(check_name(name), None)

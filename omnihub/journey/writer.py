"""Journey rows written to PostgreSQL in batches, off the request and delivery paths.

`started`, `accepted` and `record` only append to a bounded in-memory buffer and return
at once; a background task writes what has gathered every `interval_s` (or as soon as a
batch is full), in one transaction that also creates any day partition the batch needs:
the entries with one `COPY`, the messages with one `COPY` into a temporary table and one
`INSERT ... SELECT ... ON CONFLICT` from it (the gateway and a worker may both write a
message's identity; the gateway's row also holds its received and published entries).
Both `COPY`s send the batch as one block of text (`copy_text.py`).

When PostgreSQL is down the batch goes back to the head of the buffer and is retried
with a growing pause: nothing the partner or the target waits for depends on it. Rows
that do not fit in the buffer (`capacity`) are dropped, counted (`on_dropped`, e.g. the
`omnihub_journey_rows_dropped` counter) and logged (at most one line per 5 s).
Expired day partitions are dropped by the writer too, at start and then hourly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

import psycopg

from omnihub.journey.copy_text import (
    MESSAGE_COLUMNS,
    entry_line,
    message_line,
    partition_head,
)
from omnihub.journey.database import UNAVAILABLE, JourneyDatabase, StoreUnavailable
from omnihub.journey.model import JourneyEntry, JourneyMeta
from omnihub.journey.partitions import drop_expired, ensure_partitions
from omnihub.journey.retention import Retention, day_of, message_uuid
from omnihub.log_throttle import LogThrottle

__all__ = ["JourneyWriter"]

log = logging.getLogger("omnihub.journey")

# (is a journey_messages row, its partition: (class, day), its COPY text line)
_Row = tuple[bool, tuple[str, date], str]

# per connection: where a batch's messages land before they join journey_messages
_CREATE_INCOMING = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS journey_messages_in"
    " (LIKE journey_messages) ON COMMIT DELETE ROWS"
)
_COPY_MESSAGES = f"COPY journey_messages_in ({MESSAGE_COLUMNS}) FROM STDIN"
# A message's identity may come from the gateway and from a worker (its first try), in
# either order: the gateway's row brings the received and published parts, which fill a
# worker's row written first. One row per message of a batch (an update may not touch a
# row twice in one statement), the gateway's if there is one.
_INSERT_MESSAGES = (
    f"INSERT INTO journey_messages ({MESSAGE_COLUMNS})"
    f" SELECT DISTINCT ON (message_id, day, class) {MESSAGE_COLUMNS} FROM journey_messages_in"
    " ORDER BY message_id, day, class, published_at NULLS LAST"
    " ON CONFLICT (message_id, day, class) DO UPDATE SET"
    " received_at = EXCLUDED.received_at, received_detail = EXCLUDED.received_detail,"
    " published_at = EXCLUDED.published_at, confirm_ms = EXCLUDED.confirm_ms"
    " WHERE EXCLUDED.published_at IS NOT NULL AND journey_messages.published_at IS NULL"
)
_COPY_ENTRIES = (
    "COPY journey_entries (class, day, message_id, at, stage, target, attempt, status,"
    " latency_ms, error, actor, detail) FROM STDIN"
)
RETENTION_EVERY_S = 3600.0
DEFAULT_CAPACITY = 200_000  # rows: a message is one at the gateway, 3 to 5 at a worker


class JourneyWriter:
    def __init__(
        self,
        database: JourneyDatabase,
        retention: Retention,
        *,
        capacity: int = DEFAULT_CAPACITY,
        batch: int = 5_000,
        interval_s: float = 0.05,
        on_dropped: Callable[[int], None] | None = None,
        on_failure: Callable[[int], None] | None = None,
    ) -> None:
        self._db = database
        self._retention = retention
        self.capacity, self._batch, self._interval = capacity, batch, interval_s
        self._on_dropped = on_dropped
        self._on_failure = on_failure
        self._buffer: deque[_Row] = deque()
        self._in_flight = 0
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._conn: psycopg.AsyncConnection | None = None
        self._partitions: set[tuple[str, date]] = set()
        self._heads: dict[tuple[str, date], str] = {}  # a partition's first columns
        self._retention_due = 0.0
        self._closing = False
        self._warn = LogThrottle(log)  # the store is unavailable
        self._warn_dropped = LogThrottle(log)  # rows dropped: a line of its own
        self.dropped = 0  # rows dropped since start (buffer full, or refused by PostgreSQL)
        self.written = 0  # rows written since start
        self.failures = 0  # batch writes that failed (and were retried)

    @property
    def waiting(self) -> int:
        return len(self._buffer) + self._in_flight

    # ------------------------------------------------------------ the writing side
    def started(
        self, meta: JourneyMeta, entries: Sequence[JourneyEntry], received_at: datetime
    ) -> None:
        """A message's identity and its first entries (the gateway; a worker's first try)."""
        located = self._locate(meta.message_id, meta.event)
        if located is None:
            return
        part, head = located
        received = received_at.isoformat()  # the gateway's received entry has that time too
        rows: list[_Row] = [(True, part, message_line(head, meta, received))]
        rows += [
            (False, part, entry_line(head, e, received if e.at is received_at else None))
            for e in entries
        ]
        self._add(rows)

    def accepted(
        self,
        meta: JourneyMeta,
        received_at: datetime,
        received_detail: str | None,
        published_at: datetime,
        confirm_ms: float,
    ) -> None:
        """A message the gateway accepted: its identity and its received and published
        entries, in one row (readers show the two entries as written by `started`)."""
        located = self._locate(meta.message_id, meta.event)
        if located is None:
            return
        part, head = located
        line = message_line(
            head, meta, received_at.isoformat(), received_detail,
            published_at.isoformat(), confirm_ms,
        )  # fmt: skip
        self._add([(True, part, line)])

    def record(self, message_id: str, event: str, entries: Sequence[JourneyEntry]) -> None:
        """More entries of a message (attempts, outcomes, replays, discards)."""
        located = self._locate(message_id, event)
        if located is None:
            return
        part, head = located
        self._add([(False, part, entry_line(head, e)) for e in entries])

    def _locate(self, message_id: str, event: str) -> tuple[tuple[str, date], str] | None:
        """A message's partition (class, day) and the first columns of its rows (class,
        day, message_id); None when the id is not a UUID (such a message is not stored)."""
        mid = message_uuid(message_id)
        if mid is None:
            return None
        part = (self._retention.class_of(event), day_of(mid))
        prefix = self._heads.get(part)
        if prefix is None:
            prefix = partition_head(*part)
            if len(self._heads) < 1024:
                self._heads[part] = prefix
        return part, f"{prefix}{mid}\t"

    def _add(self, rows: list[_Row]) -> None:
        if self.waiting + len(rows) > self.capacity:
            self._drop(len(rows), "the buffer is full")
            return
        self._buffer.extend(rows)
        if self._task is None or self._task.done():
            self._wake = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(self._run())
        if len(self._buffer) >= self._batch and self._wake is not None:
            self._wake.set()

    def _drop(self, count: int, why: str) -> None:
        self.dropped += count
        if self._on_dropped is not None:
            self._on_dropped(count)
        self._warn_dropped.warning(
            "journey rows dropped (%s): %d now, %d since start", why, count, self.dropped
        )

    # ------------------------------------------------------------ the background task
    async def _run(self) -> None:
        pause = 0.0  # after a failed write: how long to wait before the next try
        assert self._wake is not None
        while self._buffer or not self._closing:
            if pause and not self._closing:
                await asyncio.sleep(pause)
            elif not self._buffer or len(self._buffer) < self._batch:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._interval)
                self._wake.clear()
            if not self._buffer:
                continue
            batch = [self._buffer.popleft() for _ in range(min(self._batch, len(self._buffer)))]
            self._in_flight = len(batch)
            try:
                await self._write(batch)
            except (StoreUnavailable, *UNAVAILABLE) as exc:
                await self._disconnect()
                self._in_flight = 0
                self._buffer.extendleft(reversed(batch))
                self.failures += 1
                if self._on_failure is not None:
                    self._on_failure(1)
                self._warn.warning(
                    "journey store unavailable (%s): %d rows wait", type(exc).__name__, self.waiting
                )
                if self._closing:
                    return
                pause = min(max(pause * 2, 0.2), 5.0)
            except psycopg.Error as exc:  # refused rows: retrying cannot help
                await self._disconnect()
                self._drop(len(batch), f"refused by PostgreSQL: {type(exc).__name__}: {exc}")
            else:
                self.written += len(batch)
                pause = 0.0
            finally:
                self._in_flight = 0

    async def _connection(self) -> psycopg.AsyncConnection:
        if self._conn is None or self._conn.closed:
            conn = await self._db.connect()
            async with conn.transaction():
                await conn.execute(_CREATE_INCOMING)
            self._conn = conn
            self._partitions.clear()  # retention elsewhere may have dropped some
        if time.monotonic() >= self._retention_due:
            async with self._conn.transaction():
                await drop_expired(self._conn, self._retention, datetime.now(UTC).date())
            self._partitions.clear()
            self._retention_due = time.monotonic() + RETENTION_EVERY_S
        return self._conn

    async def _write(self, batch: list[_Row]) -> None:
        conn = await self._connection()
        messages = "".join([line for is_message, _, line in batch if is_message])
        entries = "".join([line for is_message, _, line in batch if not is_message])
        needed = {part for _, part, _ in batch} - self._partitions
        async with conn.transaction():
            by_class: dict[str, set[date]] = {}
            for cls, day in needed:
                by_class.setdefault(cls, set()).add(day)
            for cls, days in sorted(by_class.items()):
                await ensure_partitions(conn, cls, days)
            if messages:
                async with conn.cursor().copy(_COPY_MESSAGES) as copy:
                    await copy.write(messages)
                await conn.execute(_INSERT_MESSAGES)
            if entries:
                async with conn.cursor().copy(_COPY_ENTRIES) as copy:
                    await copy.write(entries)
        self._partitions |= needed

    async def _disconnect(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close()

    async def flush(self, timeout_s: float = 2.0) -> bool:
        """Wait until the rows buffered so far are written; False if `timeout_s` passed
        first (PostgreSQL away: they stay buffered and are retried)."""
        deadline = time.monotonic() + timeout_s
        while self.waiting:
            if self._wake is not None:
                self._wake.set()
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    async def close(self, timeout_s: float = 5.0) -> None:
        """Write what is buffered (within `timeout_s`; the rest is counted as dropped)."""
        self._closing = True
        task = self._task
        if task is not None and not task.done():
            assert self._wake is not None
            self._wake.set()
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout_s)
            except TimeoutError:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self.waiting:
            self._drop(self.waiting, "not written before shutdown")
            self._buffer.clear()
        await self._disconnect()

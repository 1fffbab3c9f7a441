"""Exceptions in PostgreSQL: breaches grouped by cause, target, partner and signature.

`observe` folds a check's breaches into open exceptions (one row per group, one item row
per message or group counted, so a count never counts one message twice); `clear`
resolves what the checks no longer see; operators `acknowledge` and `resolve` with a
note. Listing is by customer impact, then age (oldest first).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

import msgspec

from omnihub.monitor.classify import Breach, Cause, Impact, suggested_action
from omnihub.monitor.schema import MonitorTables

__all__ = ["ExceptionStore", "ExceptionView", "Status"]

Status = str  # "open", "acknowledged", "resolved"
RESOLUTION_SENT = -2  # alerted_level once the resolved notification went out
KEYS_SHOWN = 20

_SELECT = """
SELECT e.id, e.cause, e.impact, e.target, e.partner, e.signature, e.detail, e.action,
    e.status, e.first_seen, e.last_seen, e.alerted_level, e.acked_by, e.resolved_at,
    e.resolved_by, e.note, e.clears,
    (SELECT count(*) FROM exception_items i WHERE i.exception_id = e.id) AS count,
    ARRAY(SELECT i.business_key FROM exception_items i
          WHERE i.exception_id = e.id AND i.business_key IS NOT NULL
          ORDER BY i.seen_at LIMIT %(keys)s) AS business_keys
FROM exceptions e
"""


class ExceptionView(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    cause: Cause
    impact: str  # order, shipment, inventory, master_data
    target: str
    partner: str
    signature: str
    detail: str
    action: str
    status: Status
    first_seen: datetime
    last_seen: datetime
    count: int
    business_keys: list[str]
    alerted_level: int
    clears: bool
    acked_by: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    note: str | None = None

    def age_s(self, now: datetime) -> float:
        return (now - self.first_seen).total_seconds()


def _view(row: Sequence[object]) -> ExceptionView:
    (id_, cause, impact, target, partner, signature, detail, action, status, first, last,
     level, acked_by, resolved_at, resolved_by, note, clears, count, keys) = row  # fmt: skip
    return ExceptionView(
        id=int(id_),  # type: ignore[call-overload]
        cause=Cause(str(cause)),
        impact=Impact(int(impact)).name.lower(),  # type: ignore[call-overload]
        target=str(target),
        partner=str(partner),
        signature=str(signature),
        detail=str(detail),
        action=str(action),
        status=str(status),
        first_seen=first,  # type: ignore[arg-type]
        last_seen=last,  # type: ignore[arg-type]
        count=int(count),  # type: ignore[call-overload]
        business_keys=list(keys),  # type: ignore[call-overload]
        alerted_level=int(level),  # type: ignore[call-overload]
        clears=bool(clears),
        acked_by=acked_by,  # type: ignore[arg-type]
        resolved_at=resolved_at,  # type: ignore[arg-type]
        resolved_by=resolved_by,  # type: ignore[arg-type]
        note=note,  # type: ignore[arg-type]
    )


class ExceptionStore(MonitorTables):
    async def observe(self, breaches: Sequence[Breach], now: datetime) -> None:
        """Open (or extend) one exception per group of `breaches`."""
        if not breaches:
            return
        await self._schema()
        groups: dict[str, list[Breach]] = {}
        for breach in breaches:
            groups.setdefault(breach.group_key, []).append(breach)
        async with self._db.reading() as conn, conn.transaction():
            for key, members in groups.items():
                first = members[0]
                cur = await conn.execute(
                    """
                    INSERT INTO exceptions (group_key, cause, impact, target, partner,
                        signature, detail, action, clears, first_seen, last_seen)
                    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                    ON CONFLICT (group_key) WHERE status <> 'resolved' DO UPDATE
                    SET last_seen = EXCLUDED.last_seen, detail = EXCLUDED.detail,
                        impact = GREATEST(exceptions.impact, EXCLUDED.impact)
                    RETURNING id
                    """,
                    (
                        key,
                        first.cause.value,
                        max(b.impact for b in members).value,
                        first.target,
                        first.partner,
                        first.signature,
                        members[-1].detail,
                        suggested_action(first.cause, first.target),
                        first.clears,
                        now,
                        now,
                    ),
                )
                row = await cur.fetchone()
                assert row is not None
                async with conn.cursor() as items:
                    await items.executemany(
                        "INSERT INTO exception_items (exception_id, item, business_key, seen_at)"
                        " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                        [(row[0], b.item, b.business_key, now) for b in members],
                    )

    async def clear(self, seen: Collection[str], now: datetime) -> int:
        """Resolve the self-clearing exceptions whose group no check reports any more."""
        await self._schema()
        async with self._db.reading() as conn:
            cur = await conn.execute(
                "UPDATE exceptions SET status = 'resolved', resolved_at = %s,"
                " resolved_by = 'monitor', note = 'the breach cleared'"
                " WHERE status <> 'resolved' AND clears AND NOT (group_key = ANY(%s))",
                (now, list(seen)),
            )
            return cur.rowcount

    async def listing(
        self, *, status: Collection[Status] = ("open", "acknowledged"), limit: int = 100
    ) -> list[ExceptionView]:
        """By customer impact (orders first), then age (oldest first)."""
        await self._schema()
        query = _SELECT + " WHERE e.status = ANY(%(status)s)"
        query += " ORDER BY e.impact DESC, e.first_seen, e.id LIMIT %(limit)s"
        async with self._db.reading() as conn:
            cur = await conn.execute(
                query.encode(), {"status": list(status), "limit": limit, "keys": KEYS_SHOWN}
            )
            return [_view(r) for r in await cur.fetchall()]

    async def get(self, exception_id: int) -> ExceptionView | None:
        await self._schema()
        async with self._db.reading() as conn:
            cur = await conn.execute(
                (_SELECT + " WHERE e.id = %(id)s").encode(),
                {"id": exception_id, "keys": KEYS_SHOWN},
            )
            row = await cur.fetchone()
        return _view(row) if row else None

    async def acknowledge(self, exception_id: int, actor: str, note: str | None) -> bool:
        return await self._set(
            "status = 'acknowledged', acked_by = %s, note = coalesce(%s, note)",
            (actor, note),
            exception_id,
            "status = 'open'",
        )

    async def resolve(self, exception_id: int, actor: str, note: str, now: datetime) -> bool:
        return await self._set(
            "status = 'resolved', resolved_by = %s, note = %s, resolved_at = %s",
            (actor, note, now),
            exception_id,
            "status <> 'resolved'",
        )

    async def alerted(self, exception_id: int, level: int) -> None:
        await self._set("alerted_level = %s", (level,), exception_id, "true")

    async def resolved_unannounced(self) -> list[ExceptionView]:
        """Resolved exceptions that were alerted and whose resolution was not sent yet."""
        await self._schema()
        async with self._db.reading() as conn:
            cur = await conn.execute(
                (_SELECT + " WHERE e.status = 'resolved' AND e.alerted_level >= 0").encode(),
                {"keys": KEYS_SHOWN},
            )
            return [_view(r) for r in await cur.fetchall()]

    async def is_open(self, cause: Cause, target: str) -> bool:
        """Whether an exception of `cause` at `target` is open (or acknowledged)."""
        await self._schema()
        async with self._db.reading() as conn:
            cur = await conn.execute(
                "SELECT 1 FROM exceptions WHERE status <> 'resolved' AND cause = %s"
                " AND target = %s LIMIT 1",
                (cause.value, target),
            )
            return await cur.fetchone() is not None

    async def open_by_cause(self) -> dict[tuple[str, str], int]:
        """Open (and acknowledged) exceptions by (cause, impact), for the metrics."""
        await self._schema()
        async with self._db.reading() as conn:
            cur = await conn.execute(
                "SELECT cause, impact, count(*) FROM exceptions WHERE status <> 'resolved'"
                " GROUP BY cause, impact"
            )
            rows = await cur.fetchall()
        return {(c, Impact(i).name.lower()): int(n) for c, i, n in rows}

    async def _set(
        self, assignments: str, values: tuple[object, ...], exception_id: int, guard: str
    ) -> bool:
        await self._schema()
        async with self._db.reading() as conn:
            cur = await conn.execute(
                f"UPDATE exceptions SET {assignments} WHERE id = %s AND {guard}".encode(),
                (*values, exception_id),
            )
            return cur.rowcount > 0

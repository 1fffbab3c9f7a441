"""The console's audit log: every change made through it (who, what, when), in PostgreSQL.

Stored in the journey database's `console_audit` table (migration 2 of
`omnihub.journey.migrations`), so it outlives the console process and is shared by
every console of a hub. A change whose audit row cannot be written is refused before
it is made (`AuditLog.record` raises `StoreUnavailable`, as every journey store read does).
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from omnihub.journey import JourneyDatabase

__all__ = ["AuditEntry", "AuditLog"]


class AuditEntry(msgspec.Struct, kw_only=True, frozen=True):
    at: datetime
    actor: str  # <partner>/<credential id> of the signed-in operator
    action: str  # e.g. dlq.replay, key.revoke, sign-in
    detail: str


class AuditLog:
    def __init__(self, database: JourneyDatabase) -> None:
        self._db = database

    async def record(self, actor: str, action: str, detail: str) -> None:
        async with self._db.reading() as conn:
            await conn.execute(
                "INSERT INTO console_audit (actor, action, detail) VALUES (%s, %s, %s)",
                (actor, action, detail[:2000]),
            )

    async def latest(self, limit: int = 200) -> list[AuditEntry]:
        async with self._db.reading() as conn:
            cur = await conn.execute(
                "SELECT at, actor, action, detail FROM console_audit"
                " ORDER BY at DESC, id DESC LIMIT %s",
                (limit,),
            )
            rows = await cur.fetchall()
        return [AuditEntry(at=r[0], actor=r[1], action=r[2], detail=r[3]) for r in rows]

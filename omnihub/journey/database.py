"""The journey store's PostgreSQL connections (psycopg 3): the one adapter of that library.

`JourneyDatabase` hands out a connection for writers and a small pool for readers. The
first of either makes sure the database exists (created on the server when missing, so a
fresh `omnihub dev` needs nothing by hand) and its schema is at the latest version
(`migrations.migrate`). Every way PostgreSQL can be unreachable (refused, reset, shut
down, pool exhausted) becomes `StoreUnavailable`, the one error callers handle.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from omnihub.journey.migrations import migrate

__all__ = ["CONNECT_TIMEOUT_S", "JourneyDatabase", "StoreUnavailable", "unavailable"]

log = logging.getLogger("omnihub.journey")

CONNECT_TIMEOUT_S = 3
READ_TIMEOUT_S = 3.0  # a reader waits this long for a pooled connection
UNAVAILABLE = (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout, OSError)


class StoreUnavailable(Exception):
    """PostgreSQL cannot be reached or stopped answering; the reason names why."""


def unavailable(exc: BaseException) -> StoreUnavailable:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return StoreUnavailable(f"{type(exc).__name__}: {text}"[:300])


class JourneyDatabase:
    """One per process part and URL; `close` it at the end."""

    def __init__(self, url: str, *, pool_size: int = 4) -> None:
        self.url = url
        self._ready = False
        self._lock: asyncio.Lock | None = None
        self._pool: AsyncConnectionPool | None = None
        self._pool_size = pool_size

    @property
    def database_name(self) -> str:
        return str(conninfo_to_dict(self.url).get("dbname") or "postgres")

    async def _open(self, url: str, *, autocommit: bool = False) -> psycopg.AsyncConnection:
        return await psycopg.AsyncConnection.connect(
            url, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT_S
        )

    async def _create_database(self) -> bool:
        """Create the database when the server does not have it; False if it had it."""
        maintenance = make_conninfo(self.url, dbname="postgres")
        async with await self._open(maintenance, autocommit=True) as conn:
            cur = await conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (self.database_name,)
            )
            if await cur.fetchone() is not None:
                return False
            # another process may create it at the same moment
            with contextlib.suppress(pg_errors.DuplicateDatabase, pg_errors.UniqueViolation):
                await conn.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database_name))
                )
                log.info("created the journey database %s", self.database_name)
            return True

    async def ensure_schema(self) -> None:
        """Create the database if missing and migrate its schema (once per instance)."""
        if self._ready:
            return
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:
            if self._ready:
                return
            try:
                try:
                    conn = await self._open(self.url)
                except psycopg.OperationalError:
                    # libpq says "database ... does not exist" only in words: ask the
                    # server's maintenance database, which also tells a down server apart
                    if not await self._create_database():
                        raise
                    conn = await self._open(self.url)
                async with conn:
                    await migrate(conn)
            except (*UNAVAILABLE, psycopg.Error) as exc:  # e.g. a race with another starter
                raise unavailable(exc) from exc
            self._ready = True

    async def connect(self) -> psycopg.AsyncConnection:
        """A connection of the caller's own (a writer's), on a migrated schema."""
        await self.ensure_schema()
        try:
            return await self._open(self.url)
        except UNAVAILABLE as exc:
            raise unavailable(exc) from exc

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[psycopg.AsyncConnection]:
        """A pooled connection for queries; `StoreUnavailable` when PostgreSQL is not there."""
        await self.ensure_schema()
        if self._pool is None:
            self._pool = AsyncConnectionPool(
                self.url,
                min_size=1,
                max_size=self._pool_size,
                open=False,
                kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S},
                check=AsyncConnectionPool.check_connection,
            )
            await self._pool.open(wait=False)
        try:
            async with self._pool.connection(timeout=READ_TIMEOUT_S) as conn:
                yield conn
        except UNAVAILABLE as exc:
            # The pool would retry with a growing pause (minutes): start afresh next time,
            # so reads work again as soon as the server is back.
            await self.close()
            raise unavailable(exc) from exc

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

"""The journey store as tests use it: record like the DLQ and replay tools, read like
`omnihub trace` (each read writes what is buffered first, then opens and closes its own
connection, so a test leaves nothing open)."""

from __future__ import annotations

from collections.abc import Sequence

from omnihub.config.model import JourneyPolicy
from omnihub.journey import (
    Journey,
    JourneyDatabase,
    JourneyEntry,
    JourneyQueries,
    JourneyWriter,
    Retention,
)
from omnihub.settings import Settings


class TestJourneys:
    __test__ = False

    def __init__(self, settings: Settings) -> None:
        self._url = settings.postgres_url
        self._writer: tuple[JourneyDatabase, JourneyWriter] | None = None

    def record(self, message_id: str, event: str, entries: Sequence[JourneyEntry]) -> None:
        if self._writer is None:
            database = JourneyDatabase(self._url)
            self._writer = (
                database,
                JourneyWriter(database, Retention(JourneyPolicy()), interval_s=0.01),
            )
        self._writer[1].record(message_id, event, entries)

    async def flush(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            await writer[1].close()
            await writer[0].close()

    async def get(self, message_id: str, *, partner: str | None = None) -> Journey | None:
        found = await self.find(message_id, partner=partner, by_id_only=True)
        return found[0] if found else None

    async def find(
        self, key: str, *, partner: str | None = None, by_id_only: bool = False
    ) -> list[Journey]:
        await self.flush()
        database = JourneyDatabase(self._url, pool_size=1)
        try:
            queries = JourneyQueries(database)
            if by_id_only:
                one = await queries.get(key, partner=partner)
                return [one] if one is not None else []
            return await queries.find(key, partner=partner)
        finally:
            await database.close()

"""What the console's pages use: configuration, journey store, audit log, sessions,
samples, a Redis client (keys' last use) and broker connections for DLQ and archive
operations (one per operation, as the admin API opens them), and one kept open for the
dead-letter pages' quick reads (a connection's handshake would take most of a page's
time)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aio_pika
from aio_pika.abc import AbstractConnection

from gateway.console.audit import AuditLog
from gateway.console.on_disk import ConfigOnDisk, ExtraChecks
from gateway.console.sampler import Sampler
from gateway.console.sessions import Sessions
from omnihub.broker.nodes import NodeCursor, connect_any
from omnihub.config.model import HubConfig
from omnihub.envelope import Envelope
from omnihub.journey import JourneyStore
from omnihub.replay.archive import ArchiveFilter, read_archive
from omnihub.settings import Settings

__all__ = ["BrokerAway", "ConsoleServices"]

PAYLOAD_WINDOW = timedelta(seconds=2)


class BrokerAway(Exception):
    """The broker could not be reached for an operation; nothing was changed."""


class ConsoleServices:
    def __init__(
        self,
        config: HubConfig,
        settings: Settings,
        journeys: JourneyStore,
        sessions: Sessions,
        sampler: Sampler,
        redis: Any,
        checks: ExtraChecks | None = None,
    ) -> None:
        self.config = config
        self.settings = settings
        self.journeys = journeys
        self.audit = AuditLog(journeys.database)
        self.sessions = sessions
        self.sampler = sampler
        self.redis = redis
        self.on_disk = ConfigOnDisk(config.directory, checks)
        self._kept: AbstractConnection | None = None
        self._kept_lock = asyncio.Lock()
        self._nodes = NodeCursor(settings.amqp_urls)  # the kept connection's next node

    @contextlib.asynccontextmanager
    async def broker(self) -> AsyncIterator[AbstractConnection]:
        try:
            connection = await connect_any(NodeCursor(self.settings.amqp_urls), timeout=5)
        except (OSError, aio_pika.exceptions.AMQPError) as exc:
            raise BrokerAway(type(exc).__name__) from None
        try:
            yield connection
        finally:
            with contextlib.suppress(Exception):
                await connection.close()

    async def kept_broker(self) -> AbstractConnection:
        """The connection kept open for quick reads (opened again once it closed)."""
        async with self._kept_lock:
            if self._kept is None or self._kept.is_closed:
                try:
                    self._kept = await connect_any(self._nodes, timeout=5)
                except (OSError, aio_pika.exceptions.AMQPError) as exc:
                    raise BrokerAway(type(exc).__name__) from None
            return self._kept

    async def close(self) -> None:
        kept, self._kept = self._kept, None
        if kept is not None:
            with contextlib.suppress(Exception):
                await kept.close()

    async def archived(self, message_id: str, received_at: Any) -> Envelope | None:
        """The message as the archive stream holds it (its canonical payload), or None."""
        selection = ArchiveFilter(
            start=received_at - PAYLOAD_WINDOW,
            end=received_at + PAYLOAD_WINDOW,
            message_ids=frozenset({message_id}),
        )
        try:
            async with self.broker() as connection:
                async with asyncio.timeout(3):
                    async for envelope, _ in read_archive(
                        connection, self.settings.names.archive_stream, selection, idle_s=0.3
                    ):
                        return envelope
        except (BrokerAway, TimeoutError, aio_pika.exceptions.AMQPError):
            return None
        return None

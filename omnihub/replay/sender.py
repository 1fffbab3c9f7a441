"""Send an envelope again to chosen targets, with publisher confirms, recorded in its journey."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
from aio_pika.abc import AbstractChannel, AbstractConnection

from omnihub.broker.errors import map_broker_errors
from omnihub.broker.publisher import envelope_message
from omnihub.config.model import HubConfig
from omnihub.envelope import Envelope
from omnihub.journey import JourneyEntry, JourneyRecorder, Stage
from omnihub.naming import Names

__all__ = ["ReplayReport", "ReplaySender"]


class ReplayReport(msgspec.Struct, kw_only=True):
    source: str  # "archive" or "dlq:<target>"
    actor: str
    replayed: dict[str, int] = msgspec.field(default_factory=dict)  # target -> messages
    message_ids: list[str] = msgspec.field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.replayed.values())


class ReplaySender:
    def __init__(
        self,
        connection: AbstractConnection,
        config: HubConfig,
        names: Names,
        journeys: JourneyRecorder | None = None,
    ) -> None:
        self._connection = connection
        self._config = config
        self._names = names
        self._journeys = journeys
        self._channel: AbstractChannel | None = None

    def targets_for(self, event: str, only: frozenset[str] = frozenset()) -> list[str]:
        """Targets whose deliveries subscribe to `event` (narrowed to `only` when given)."""
        return sorted(
            {
                d.target
                for d in self._config.deliveries.values()
                if event in d.events and (not only or d.target in only)
            }
        )

    async def send(self, envelope: Envelope, targets: list[str], report: ReplayReport) -> None:
        if self._channel is None or self._channel.is_closed:
            self._channel = await self._connection.channel(publisher_confirms=True)
        now = datetime.now(UTC)
        for target in targets:
            lane = next(
                d.lane
                for d in self._config.deliveries_for(target).values()
                if envelope.event in d.events
            )
            message = envelope_message(envelope)
            message.headers.update(
                {
                    "x-omnihub-replay-source": report.source,
                    "x-omnihub-replay-actor": report.actor,
                    "x-omnihub-replay-at": now.isoformat(),
                }
            )
            if self._journeys is not None:
                self._journeys.record(
                    envelope.id,
                    envelope.event,
                    [
                        JourneyEntry(
                            at=now,
                            stage=Stage.REPLAYED,
                            target=target,
                            actor=report.actor,
                            detail=f"from {report.source}",
                        )
                    ],
                )
            async with map_broker_errors(f"replaying {envelope.id} to {target}"):
                await self._channel.default_exchange.publish(
                    message, routing_key=self._names.target_queue(target, lane), mandatory=True
                )
            report.replayed[target] = report.replayed.get(target, 0) + 1
        report.message_ids.append(envelope.id)

    async def close(self) -> None:
        if self._channel is not None and not self._channel.is_closed:
            await self._channel.close()

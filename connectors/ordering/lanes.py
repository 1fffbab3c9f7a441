"""A worker's share of its target's ordered lanes: the intake and the partitions it holds.

    intake (SAC) ──hash(key) mod N──▶ partition 0..N-1 (SAC each) ──▶ per-key chains ──▶ target

Every worker of the target subscribes to the intake (one is active) and, every
``heartbeat`` seconds, renews its membership and subscribes to the partitions the split
gives it (`connectors.ordering.membership`), handing over those it no longer holds. A
worker that dies stops renewing: after ``member_ttl`` its partitions go to the others;
the broker has already put its unacked messages back, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid

import redis.asyncio as aioredis
from aio_pika.abc import AbstractConnection
from redis.exceptions import RedisError

from connectors.ordering.guard import VersionGuard
from connectors.ordering.intake import Intake
from connectors.ordering.keys import OrderingKeys
from connectors.ordering.membership import Membership, owned_partitions
from connectors.ordering.partition import Attempts, Partition
from omnihub.config.model import HubConfig
from omnihub.naming import Names

__all__ = ["OrderedLanes"]

log = logging.getLogger("omnihub.worker.ordering")


class OrderedLanes:
    def __init__(
        self,
        config: HubConfig,
        names: Names,
        target: str,
        redis: aioredis.Redis,
        attempts: Attempts,
        *,
        heartbeat_s: float,
        member_ttl_s: float,
        confirm_timeout_s: float,
        handover_timeout_s: float,
    ) -> None:
        self.names = names
        self.target = target
        self.keys = OrderingKeys(config, target)
        spec = config.targets[target].ordered
        self.partition_count = spec.partitions
        self.prefetch = spec.prefetch
        self.guard = VersionGuard(redis, names, target)
        self.attempts = attempts
        worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.membership = Membership(redis, names, target, worker_id, member_ttl_s)
        self.intake = Intake(
            names, target, self.keys, prefetch=spec.intake_window, confirm_timeout=confirm_timeout_s
        )
        self.heartbeat_s = heartbeat_s
        self.handover_timeout_s = handover_timeout_s
        self.partitions: dict[int, Partition] = {}
        self._connection: AbstractConnection | None = None
        self._loop: asyncio.Task[None] | None = None
        self._handovers: set[asyncio.Task[None]] = set()

    @property
    def held(self) -> list[int]:
        """The partitions this worker subscribes to now."""
        return sorted(self.partitions)

    @property
    def in_hand(self) -> int:
        """Ordered messages this worker holds in its partitions."""
        return sum(p.in_hand for p in self.partitions.values())

    async def start(self, connection: AbstractConnection) -> None:
        self._connection = connection
        await self.intake.start(connection)
        await self._reconcile()
        self._loop = asyncio.create_task(self._beat(), name=f"ordering-{self.target}")

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_s)
            try:
                await self._reconcile()
            except Exception:
                log.exception("ordered lanes of %s: reconciling failed", self.target)

    async def _reconcile(self) -> None:
        try:
            members = await self.membership.beat()
        except RedisError as exc:
            log.warning("ordered lanes of %s: membership not renewed (%s)", self.target, exc)
            return
        owned = owned_partitions(members, self.membership.worker_id, self.partition_count)
        for index, partition in list(self.partitions.items()):
            if index not in owned or partition.broken:
                del self.partitions[index]
                self._hand_over(partition)
        assert self._connection is not None
        for index in sorted(owned - set(self.partitions)):
            partition = Partition(
                index,
                self.names.ordered_partition_queue(self.target, index),
                self.keys,
                self.guard,
                self.attempts,
                prefetch=self.prefetch,
            )
            await partition.open(self._connection)
            self.partitions[index] = partition

    def _hand_over(self, partition: Partition) -> None:
        task = asyncio.create_task(partition.drain(self.handover_timeout_s))
        self._handovers.add(task)
        task.add_done_callback(self._handovers.discard)

    async def stop(self, timeout: float) -> None:
        """Stop: the intake first, then every partition handed over; leave the membership."""
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
        await self.intake.stop()
        partitions, self.partitions = list(self.partitions.values()), {}
        await asyncio.gather(*(p.drain(timeout) for p in partitions), *self._handovers)
        with contextlib.suppress(RedisError):
            await self.membership.leave()

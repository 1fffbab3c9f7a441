"""Archive replays started from the console: a dry-run count, then a job in the
background whose progress the page shows (read, matched, sent per target)."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Mapping

import msgspec

from gateway.console.services import ConsoleServices
from omnihub.replay import ArchiveFilter, ReplayReport, ReplaySender, read_archive

__all__ = ["ArchiveJob", "ArchiveJobs", "ArchiveRequest"]


class ArchiveRequest(msgspec.Struct, kw_only=True, frozen=True):
    selection: ArchiveFilter
    targets: frozenset[str]  # empty: every target the event is delivered to


class ArchiveJob(msgspec.Struct, kw_only=True):
    id: str
    actor: str
    request: ArchiveRequest
    started: float
    matched: int = 0
    sent: dict[str, int] = {}
    done: bool = False
    error: str | None = None


async def count_matching(services: ConsoleServices, request: ArchiveRequest) -> dict[str, int]:
    """Dry run: target -> messages the replay would send there (nothing is sent)."""
    counts: dict[str, int] = {}
    async with services.broker() as connection:
        sender = ReplaySender(connection, services.config, services.settings.names)
        stream = services.settings.names.archive_stream
        async for envelope, _ in read_archive(connection, stream, request.selection):
            for target in sender.targets_for(envelope.event, request.targets):
                counts[target] = counts.get(target, 0) + 1
    return counts


class ArchiveJobs:
    def __init__(self, services: ConsoleServices) -> None:
        self._services = services
        self._jobs: dict[str, ArchiveJob] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def get(self, job_id: str) -> ArchiveJob | None:
        return self._jobs.get(job_id)

    def all(self) -> Mapping[str, ArchiveJob]:
        return self._jobs

    def start(self, actor: str, request: ArchiveRequest) -> ArchiveJob:
        job = ArchiveJob(id=secrets.token_hex(6), actor=actor, request=request, started=time.time())
        self._jobs[job.id] = job
        task = asyncio.get_running_loop().create_task(self._run(job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    async def _run(self, job: ArchiveJob) -> None:
        services = self._services
        report = ReplayReport(source="archive", actor=job.actor)
        try:
            async with services.broker() as connection:
                sender = ReplaySender(
                    connection, services.config, services.settings.names, services.journeys
                )
                stream = services.settings.names.archive_stream
                async for envelope, _ in read_archive(connection, stream, job.request.selection):
                    chosen = sender.targets_for(envelope.event, job.request.targets)
                    if chosen:
                        job.matched += 1
                        await sender.send(envelope, chosen, report)
                        job.sent = dict(report.replayed)
        except Exception as exc:  # shown on the job's page; what was sent stays sent
            job.error = f"{type(exc).__name__}: {exc}"[:300]
        finally:
            job.done = True

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

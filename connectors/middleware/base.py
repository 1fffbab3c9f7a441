"""The middleware protocol of the worker, dramatiq style.

A worker runs a list of middleware around every attempt: ``before_attempt`` hooks in
list order, ``after_attempt`` and ``after_settle`` hooks in reverse order. Each
middleware overrides only the hooks it needs. Per-message state lives on the ``Job``,
never on the middleware.

    before_attempt(job)    envelope and delivery known, nothing sent yet
    after_attempt(job)     job.delivered / job.failure / job.crash set; decide job.decision
    after_settle(job)      the decision was carried out (acked, or confirmed elsewhere)
"""

from __future__ import annotations

from collections.abc import Sequence

from connectors.job import Job

__all__ = ["Middleware", "MiddlewareChain"]


class Middleware:
    async def before_attempt(self, job: Job) -> None:
        return None

    async def after_attempt(self, job: Job) -> None:
        return None

    async def after_settle(self, job: Job) -> None:
        return None


class MiddlewareChain:
    """Runs the hooks of a fixed list of middleware in the documented order."""

    def __init__(self, middleware: Sequence[Middleware]) -> None:
        self.middleware = tuple(middleware)
        self._reversed = tuple(reversed(self.middleware))

    async def before_attempt(self, job: Job) -> None:
        for m in self.middleware:
            await m.before_attempt(job)

    async def after_attempt(self, job: Job) -> None:
        for m in self._reversed:
            await m.after_attempt(job)

    async def after_settle(self, job: Job) -> None:
        for m in self._reversed:
            await m.after_settle(job)

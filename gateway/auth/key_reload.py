"""Keep every gateway process's API keys in step with `policies/`, without a restart.

Each gateway process reads the policy files' bytes once a second (a few kilobytes; a
comparison of bytes, not of modification times, so a change inside one clock tick or an
atomic rename is never missed). When they differ from what was last applied, the whole
configuration is loaded again off the event loop and the API key index is replaced; a
configuration that does not load is reported once and the keys in use stay as they are
(a running hub keeps its last good configuration). ``omnihub partners add-key`` and
``revoke-key`` write the file atomically, so a process never reads half a file.

The files stay the one source of truth (reviewed, versioned, the same on every host that
is given them); nothing about credentials is kept in Redis, so a lost or flushed Redis
cannot bring a revoked key back, and a missed notification cannot leave one alive: the
next read converges. The same loop writes the keys' last-used times to Redis (what
``partners list-keys`` shows), at most every `usage_every_s` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
from pathlib import Path
from typing import Any

from gateway.auth.apikeys import ApiKeyIndex
from omnihub.config import ConfigError, load_config
from omnihub.config.loader import POLICIES_DIR
from omnihub.naming import Names

__all__ = ["USAGE_RETENTION_S", "PolicyKeyWatcher"]

log = logging.getLogger("omnihub.gateway.keys")
USAGE_RETENTION_S = 400 * 24 * 3600  # a partner's last-used record outlives a year unused


def policies_digest(directory: Path) -> bytes:
    """A digest of every policy file's name and bytes (missing directory: empty)."""
    digest = hashlib.sha256()
    for path in sorted((directory / POLICIES_DIR).glob("*.yaml")):
        with contextlib.suppress(OSError):
            content = path.read_bytes()
            digest.update(path.name.encode() + b"\0" + content + b"\0")
    return digest.digest()


class PolicyKeyWatcher:
    def __init__(
        self,
        directory: Path,
        index: ApiKeyIndex,
        redis: Any,
        names: Names,
        *,
        interval_s: float = 1.0,
        usage_every_s: float = 10.0,
    ) -> None:
        self._directory = directory
        self._index = index
        self._redis = redis
        self._names = names
        self._interval_s = interval_s
        self._usage_every = max(1, round(usage_every_s / interval_s))
        self._applied = policies_digest(directory)
        self._reported: bytes | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.flush_usage()

    async def _run(self) -> None:
        tick = 0
        while True:
            await asyncio.sleep(self._interval_s)
            tick += 1
            try:
                await self.check()
                if tick % self._usage_every == 0:
                    await self.flush_usage()
            except Exception:  # the loop must outlive any one failure
                log.exception("API key watcher: unexpected error; keys in use are unchanged")

    async def check(self) -> bool:
        """Apply the policy files' keys if the files changed; True when keys changed."""
        seen = policies_digest(self._directory)
        if seen == self._applied:
            return False
        try:
            config = await asyncio.to_thread(load_config, self._directory)
        except ConfigError as exc:
            if seen != self._reported:
                self._reported = seen
                log.warning(
                    "policies changed but the configuration does not load; the API keys in "
                    "use are unchanged until it does:\n%s",
                    exc.report(),
                )
            return False
        if policies_digest(self._directory) != seen:
            return False  # written again while loading: read it on the next tick
        self._applied = seen
        changed = self._index.replace(config.partners)
        if changed:
            log.info(
                "gateway process %d: API keys reloaded from %s (%d keys)",
                os.getpid(),
                self._directory / POLICIES_DIR,
                len(self._index),
            )
        return changed

    async def flush_usage(self) -> None:
        """Write when each key was last used (ZADD GT keeps the latest of all processes)."""
        used = self._index.take_usage()
        if not used:
            return
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for (partner, key_id), at in used.items():
                    name = self._names.api_key_usage_key(partner)
                    pipe.zadd(name, {key_id: at}, gt=True)
                    pipe.expire(name, USAGE_RETENTION_S)
                await pipe.execute()
        except Exception as exc:  # usage is informational: never fail a request for it
            log.debug("API key usage not recorded: %s", type(exc).__name__)

"""The configuration as it is on disk now (what `omnihub routes check` and the gateways'
key reload read), loaded again only when a file changed: loading compiles every
pipeline, too slow to repeat for each page view."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from pathlib import Path

from gateway.auth.key_reload import policies_digest
from omnihub.config import ConfigError, ConfigProblem, HubConfig, load_config
from omnihub.config.loader import ROUTES_FILE

__all__ = ["ConfigOnDisk", "ExtraChecks"]

# What `routes check` runs besides loading (the workers' start checks), handed in by the
# composition root (`hub`), which may import the connectors.
ExtraChecks = Callable[[HubConfig], list[ConfigProblem]]


class ConfigOnDisk:
    def __init__(self, directory: Path, checks: ExtraChecks | None = None) -> None:
        self._directory = directory
        self._checks = checks
        self._digest: bytes | None = None
        self._loaded: HubConfig | ConfigError | None = None

    def _digest_now(self) -> bytes:
        routes = self._directory / ROUTES_FILE
        content = routes.read_bytes() if routes.exists() else b""
        return hashlib.sha256(policies_digest(self._directory) + content).digest()

    async def load(self) -> HubConfig | ConfigError:
        """The configuration, or the error `routes check` would report. Loading and the
        checks run in a thread: they take a while, and the checks run an event loop of
        their own."""
        return await asyncio.to_thread(self._load)

    def _load(self) -> HubConfig | ConfigError:
        digest = self._digest_now()
        if digest != self._digest or self._loaded is None:
            self._loaded = self._check()
            self._digest = digest
        return self._loaded

    def _check(self) -> HubConfig | ConfigError:
        """As `omnihub routes check`: every problem at once."""
        checks = self._checks or (lambda _config: [])
        try:
            config = load_config(self._directory)
        except ConfigError as exc:
            return ConfigError(exc.problems + (checks(exc.config) if exc.config else []))
        problems = checks(config)
        return ConfigError(problems) if problems else config

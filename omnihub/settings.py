"""Runtime settings read from the environment (what differs per deployment, not per route)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import msgspec

from omnihub.naming import Names

__all__ = ["Settings"]


class Settings(msgspec.Struct, kw_only=True, frozen=True):
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    redis_url: str = "redis://127.0.0.1:6379/0"
    prefix: str = "omnihub"
    config_dir: Path = Path(".")
    publish_timeout_s: float = 5.0
    retry_after_s: int = 5  # what a 503 tells the partner to wait
    # how long the gateway waits for Redis to connect or answer before a request gets 503
    redis_timeout_s: float = 2.0
    access_log: bool = True  # the gateway's line per request (OMNIHUB_ACCESS_LOG=off: none)

    @property
    def names(self) -> Names:
        return Names(self.prefix)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        defaults = cls()
        return cls(
            amqp_url=env.get("OMNIHUB_AMQP_URL", defaults.amqp_url),
            redis_url=env.get("OMNIHUB_REDIS_URL", defaults.redis_url),
            prefix=env.get("OMNIHUB_PREFIX", defaults.prefix),
            config_dir=Path(env.get("OMNIHUB_CONFIG", str(defaults.config_dir))),
            publish_timeout_s=float(
                env.get("OMNIHUB_PUBLISH_TIMEOUT_S", defaults.publish_timeout_s)
            ),
            redis_timeout_s=float(env.get("OMNIHUB_REDIS_TIMEOUT_S", defaults.redis_timeout_s)),
            access_log=env.get("OMNIHUB_ACCESS_LOG", "on").strip().lower()
            not in ("off", "0", "false", "no"),
        )

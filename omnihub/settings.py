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
    postgres_url: str = "postgresql://postgres@127.0.0.1:5432/omnihub"  # journey history
    journey_buffer: int = 200_000  # journey rows a process holds while PostgreSQL is away
    prefix: str = "omnihub"
    config_dir: Path = Path(".")
    publish_timeout_s: float = 5.0
    retry_after_s: int = 5  # what a 503 tells the partner to wait
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
            postgres_url=env.get("OMNIHUB_POSTGRES_URL", defaults.postgres_url),
            journey_buffer=int(env.get("OMNIHUB_JOURNEY_BUFFER", defaults.journey_buffer)),
            prefix=env.get("OMNIHUB_PREFIX", defaults.prefix),
            config_dir=Path(env.get("OMNIHUB_CONFIG", str(defaults.config_dir))),
            publish_timeout_s=float(
                env.get("OMNIHUB_PUBLISH_TIMEOUT_S", defaults.publish_timeout_s)
            ),
            access_log=env.get("OMNIHUB_ACCESS_LOG", "on").strip().lower()
            not in ("off", "0", "false", "no"),
        )

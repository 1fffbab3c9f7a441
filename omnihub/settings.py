"""Runtime settings read from the environment (what differs per deployment, not per route)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import msgspec

from omnihub.naming import Names

__all__ = ["Settings", "sentinel_address", "split_urls"]


def split_urls(value: str) -> tuple[str, ...]:
    """The node URLs of a comma-separated ``OMNIHUB_AMQP_URL`` (blanks dropped)."""
    urls = tuple(part.strip() for part in value.split(",") if part.strip())
    if not urls:
        raise ValueError("OMNIHUB_AMQP_URL names no broker (set it to amqp://host:5672/)")
    return urls


def sentinel_address(text: str) -> tuple[str, int]:
    """``host:port`` of one sentinel (26379 when the port is left out)."""
    host, sep, port = text.strip().rpartition(":")
    if not sep:
        return text.strip(), 26379
    if not port.isdigit():
        raise ValueError(f"OMNIHUB_REDIS_SENTINELS: '{text}' is not host:port")
    return host.strip("[]"), int(port)


class Settings(msgspec.Struct, kw_only=True, frozen=True):
    # One broker URL, or the nodes of a cluster comma-separated: every process connects to
    # one of them and moves to another when its node dies (omnihub/broker/nodes.py).
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    # Without sentinels: the Redis server. With them: only the database number and the
    # credentials of this URL are used, the master's address comes from the sentinels.
    redis_url: str = "redis://127.0.0.1:6379/0"
    postgres_url: str = "postgresql://postgres@127.0.0.1:5432/omnihub"  # journey history
    journey_buffer: int = 200_000  # journey rows a process holds while PostgreSQL is away
    redis_sentinels: tuple[str, ...] = ()  # "host:port" of each Sentinel
    redis_sentinel_master: str = "omnihub"  # the master's name the sentinels monitor
    prefix: str = "omnihub"
    config_dir: Path = Path(".")
    publish_timeout_s: float = 5.0
    retry_after_s: int = 5  # what a 503 tells the partner to wait
    # how long the gateway waits for Redis to connect or answer before a request gets 503
    redis_timeout_s: float = 2.0
    access_log: bool = True  # the gateway's line per request (OMNIHUB_ACCESS_LOG=off: none)

    @property
    def amqp_urls(self) -> tuple[str, ...]:
        return split_urls(self.amqp_url)

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
            redis_sentinels=_sentinels(env.get("OMNIHUB_REDIS_SENTINELS", "")),
            redis_sentinel_master=env.get(
                "OMNIHUB_REDIS_SENTINEL_MASTER", defaults.redis_sentinel_master
            ),
            prefix=env.get("OMNIHUB_PREFIX", defaults.prefix),
            config_dir=Path(env.get("OMNIHUB_CONFIG", str(defaults.config_dir))),
            publish_timeout_s=float(
                env.get("OMNIHUB_PUBLISH_TIMEOUT_S", defaults.publish_timeout_s)
            ),
            redis_timeout_s=float(env.get("OMNIHUB_REDIS_TIMEOUT_S", defaults.redis_timeout_s)),
            access_log=env.get("OMNIHUB_ACCESS_LOG", "on").strip().lower()
            not in ("off", "0", "false", "no"),
        )


def _sentinels(value: str) -> tuple[str, ...]:
    found = tuple(part.strip() for part in value.split(",") if part.strip())
    for address in found:
        sentinel_address(address)  # refused here, at start, with the variable's name
    return found

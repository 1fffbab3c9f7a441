"""A benchmark run's own corner of RabbitMQ, Redis and PostgreSQL, and its configuration
copy.

Everything a run creates is named after its run id: the prefix ``bench-<id>`` of its
queues, exchange and Redis keys (``OMNIHUB_PREFIX``), on the broker's default vhost, and
its journey database ``omnihub_bench_<id>`` (the gateway and workers create it on first
use). The harness deletes the queues and exchange when it ends
(`scenarios.delete_topology`); this class deletes the Redis keys containing
``bench-<id>`` (by SCAN), drops the database, and removes the temporary copy of the
example configuration (with the example bodies its routes name) whose rate-limit tiers
are raised so throttling never rejects. It creates no vhost: starting and stopping a
vhost is heavy work for a small broker shared with test runs.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import redis
import yaml
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from bench.common import bench_database, drop_database
from omnihub.settings import Settings

__all__ = ["HIGH_LIMIT", "BenchEnvironment", "ServiceUnavailable", "raise_tiers"]

HIGH_LIMIT = "1000000/second"  # every rate-limit tier of the bench config, and the baseline's
HOW_TO_START = (
    "start them with `scripts/services.sh`, or install them with "
    "`apt-get install -y rabbitmq-server redis-server postgresql`"
)


class ServiceUnavailable(Exception):
    """RabbitMQ or Redis cannot be reached; the message says how to fix it."""


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def raise_tiers(policies: Path) -> None:
    """Set every rate-limit tier of the copied policies to ``HIGH_LIMIT``."""
    for path in sorted(policies.glob("*.y*ml")):
        data: Any = yaml.safe_load(path.read_text())
        tiers = data.get("rate_limit_tiers") if isinstance(data, dict) else None
        if not isinstance(tiers, dict):
            continue
        for tier in tiers.values():
            tier["limits"] = [HIGH_LIMIT]
        path.write_text(yaml.safe_dump(data, sort_keys=False))


class BenchEnvironment:
    """Use as a context manager; names and URLs are ready after ``__enter__``.

    ``config_from`` holds the ``routes.yaml`` and ``policies/`` to copy.
    """

    def __init__(
        self,
        *,
        config_from: Path,
        amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/",
        redis_url: str = "redis://127.0.0.1:6379/0",
        postgres_url: str = Settings().postgres_url,
    ) -> None:
        self.run_id = uuid.uuid4().hex[:8]
        self.amqp_url = amqp_url
        self.redis_url = redis_url
        self.postgres_url = make_conninfo(postgres_url, dbname=bench_database(self.run_id))
        self._config_from = config_from
        self._tmp: Path | None = None

    @property
    def config_dir(self) -> Path:
        assert self._tmp is not None, "use BenchEnvironment as a context manager"
        return self._tmp / "config"

    @property
    def prefix(self) -> str:
        """The OMNIHUB_PREFIX of the run (queues, exchange, Redis keys)."""
        return f"bench-{self.run_id}"

    @property
    def settings(self) -> Settings:
        """The run's names and services, as a hub process of the run reads them."""
        return Settings(
            amqp_url=self.amqp_url,
            redis_url=self.redis_url,
            postgres_url=self.postgres_url,
            prefix=self.prefix,
            config_dir=self.config_dir,
        )

    def __enter__(self) -> BenchEnvironment:
        self._check()
        self._tmp = Path(tempfile.mkdtemp(prefix=f"omnihub-bench-{self.run_id}-"))
        self.config_dir.mkdir()
        shutil.copy(self._config_from / "routes.yaml", self.config_dir / "routes.yaml")
        shutil.copytree(self._config_from / "policies", self.config_dir / "policies")
        fixtures = Path("pipeline-tests") / "fixtures"  # the routes' OpenAPI examples
        if (self._config_from / fixtures).is_dir():
            shutil.copytree(self._config_from / fixtures, self.config_dir / fixtures)
        raise_tiers(self.config_dir / "policies")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self._delete_redis_keys()
            drop_database(self.postgres_url)
        finally:
            if self._tmp is not None:
                shutil.rmtree(self._tmp, ignore_errors=True)

    def _check(self) -> None:
        amqp, cache = urlsplit(self.amqp_url), urlsplit(self.redis_url)
        postgres = conninfo_to_dict(self.postgres_url)
        for name, host, port in (
            ("RabbitMQ", amqp.hostname or "127.0.0.1", amqp.port or 5672),
            ("Redis", cache.hostname or "127.0.0.1", cache.port or 6379),
            (
                "PostgreSQL",
                str(postgres.get("host") or "127.0.0.1"),
                int(postgres.get("port") or 5432),
            ),
        ):
            if not _reachable(host, port):
                raise ServiceUnavailable(
                    f"{name} is not reachable on {host}:{port}: {HOW_TO_START}"
                )

    def _delete_redis_keys(self) -> None:
        client = redis.Redis.from_url(self.redis_url)
        try:
            batch: list[bytes] = []
            for key in client.scan_iter(match=f"*bench-{self.run_id}*", count=1000):
                batch.append(key)
                if len(batch) >= 1000:
                    client.delete(*batch)
                    batch.clear()
            if batch:
                client.delete(*batch)
        finally:
            client.close()

"""``python -m bench.journeys COMMAND``: measurements of the journey store.

    redis-bytes [--orders N]             Redis bytes per accepted message (example hub)
    writes [--messages N] [--rate R]     journeys/s the writer stores, CPU per message
    volume [--messages N] [--days D] [--samples S] [--reuse]
                                         generate N messages in a bench database, then
                                         bytes per message and lookup latency

Services as for the hub (OMNIHUB_AMQP_URL, OMNIHUB_REDIS_URL, OMNIHUB_POSTGRES_URL); the
PostgreSQL measurements use a database of their own, `omnihub_bench_journeys` (dropped
and created again by `writes` and by `volume` unless `--reuse`).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import uuid
from pathlib import Path
from typing import Any

import msgspec
from psycopg.conninfo import make_conninfo

from bench.ingest.environment import BenchEnvironment, ServiceUnavailable
from bench.journeys.redis_bytes import measure_redis_bytes
from bench.journeys.volume import generate, lookups, recreate_database, sizes
from bench.journeys.writes import write_rate
from omnihub.journey import StoreUnavailable
from omnihub.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
BENCH_DB = "omnihub_bench_journeys"


def _bench_url() -> str:
    return make_conninfo(Settings.from_env().postgres_url, dbname=BENCH_DB)


def _redis_bytes(args: argparse.Namespace) -> Any:
    with BenchEnvironment(config_from=ROOT) as env:
        settings = msgspec.structs.replace(
            Settings.from_env(), prefix=f"bench-{uuid.uuid4().hex[:8]}"
        )
        return asyncio.run(measure_redis_bytes(env.config_dir, settings, args.orders))


def _writes(args: argparse.Namespace) -> Any:
    async def run() -> Any:
        await recreate_database(_bench_url())
        return await write_rate(_bench_url(), args.messages, offered_per_s=args.rate)

    return asyncio.run(run())


def _volume(args: argparse.Namespace) -> Any:
    async def run() -> Any:
        url = _bench_url()
        took = None
        if not args.reuse:
            await recreate_database(url)
            took = await generate(url, args.messages, args.days, log=print)
        return {
            "generated_in_s": None if took is None else round(took),
            "sizes": await sizes(url),
            "lookups": await lookups(url, args.samples),
        }

    return asyncio.run(run())


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(prog="python -m bench.journeys")
    sub = parser.add_subparsers(dest="command", required=True)
    rb = sub.add_parser("redis-bytes", help="Redis bytes per accepted message")
    rb.add_argument("--orders", type=int, default=500)
    rb.set_defaults(func=_redis_bytes)
    wr = sub.add_parser("writes", help="journeys per second the writer stores")
    wr.add_argument("--messages", type=int, default=100_000)
    wr.add_argument("--rate", type=float, default=None, help="offer this many per second")
    wr.set_defaults(func=_writes)
    vo = sub.add_parser("volume", help="bytes per message and lookup latency at volume")
    vo.add_argument("--messages", type=int, default=10_000_000)
    vo.add_argument("--days", type=int, default=10)
    vo.add_argument("--samples", type=int, default=500)
    vo.add_argument("--reuse", action="store_true", help="measure the data already there")
    vo.set_defaults(func=_volume)
    args = parser.parse_args(argv)
    try:
        result = args.func(args)
    except (ServiceUnavailable, StoreUnavailable) as exc:
        print(f"bench.journeys: {exc}", file=sys.stderr)
        return 1
    print(msgspec.json.format(msgspec.json.encode(result)).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m bench.journeys COMMAND``: measurements of the journey store.

redis-bytes [--orders N]     Redis bytes per accepted message (example hub, sandbox)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from pathlib import Path

import msgspec

from bench.ingest.environment import BenchEnvironment, ServiceUnavailable
from bench.journeys.redis_bytes import measure_redis_bytes
from omnihub.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _redis_bytes(args: argparse.Namespace) -> object:
    with BenchEnvironment(config_from=ROOT) as env:
        settings = Settings.from_env()
        settings = msgspec.structs.replace(settings, prefix=f"bench-{uuid.uuid4().hex[:8]}")
        return asyncio.run(measure_redis_bytes(env.config_dir, settings, args.orders))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.journeys")
    sub = parser.add_subparsers(dest="command", required=True)
    rb = sub.add_parser("redis-bytes", help="Redis bytes per accepted message")
    rb.add_argument("--orders", type=int, default=500)
    rb.set_defaults(func=_redis_bytes)
    args = parser.parse_args(argv)
    try:
        result = args.func(args)
    except ServiceUnavailable as exc:
        print(f"bench.journeys: {exc}", file=sys.stderr)
        return 1
    print(msgspec.json.format(msgspec.json.encode(result)).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())

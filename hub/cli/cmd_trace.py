"""``omnihub trace KEY``: print what happened to a message, as a timeline.

KEY is a message id, a trace id, or a business key (order number, ASN shipment id, PO
number). Operators see every partner's messages; `--partner` narrows to one.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import timedelta
from typing import Any

import msgspec
from redis.exceptions import RedisError

from hub.cli.common import EXIT_RUNTIME, settings_for
from omnihub.journey import Journey, JourneyStore, render_timeline
from omnihub.redis_client import close_redis, connect_redis

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser(
        "trace", help="show a message's journey (by message id, trace id or business key)"
    )
    parser.add_argument("key", help="message id, trace id, or business key such as an order number")
    parser.add_argument("--partner", help="only this partner's messages")
    parser.add_argument(
        "--json", action="store_true", help="print the journeys as one JSON array (with outcome)"
    )
    parser.set_defaults(func=_trace)


async def _find(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    client = connect_redis(settings)
    store = JourneyStore(client, settings.names, timedelta(days=7))
    try:
        journeys = await store.find(args.key, partner=args.partner)
    except (RedisError, OSError) as exc:
        print(f"omnihub: cannot read journeys from Redis: {exc}", file=sys.stderr)
        return EXIT_RUNTIME
    finally:
        await close_redis(client)
    if not journeys:
        print(
            f"omnihub: no journey found for '{args.key}' under prefix '{settings.prefix}'"
            + (f" for partner '{args.partner}'" if args.partner else ""),
            file=sys.stderr,
        )
        return 1
    if args.json:
        print(msgspec.json.encode([_as_json(j) for j in journeys]).decode())
    else:
        print("\n\n".join(render_timeline(j) for j in journeys))
    return 0


def _as_json(journey: Journey) -> dict[str, Any]:
    return {"meta": journey.meta, "outcome": journey.outcome, "entries": journey.entries}


def _trace(args: argparse.Namespace) -> int:
    return asyncio.run(_find(args))

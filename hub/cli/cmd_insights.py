"""``omnihub insights``: per route, target and hour, the time from 202 to delivery
(p50/p95/p99), success and retry rates, and the slowest stage, from the journey store.

    omnihub insights [--hours 24] [--route R] [--target T] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from hub.cli.common import EXIT_RUNTIME, settings_for
from omnihub.journey import Insight, JourneyDatabase, StoreUnavailable, insights

__all__ = ["register", "render_insights"]


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser(
        "insights", help="delivery times (202 -> delivered), rates and slowest stage by hour"
    )
    parser.add_argument("--hours", type=float, default=24.0, help="look back this far (24)")
    parser.add_argument("--route", help="only this route")
    parser.add_argument("--target", help="only this target")
    parser.add_argument("--json", action="store_true", help="one JSON document")
    parser.set_defaults(func=_insights)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def render_insights(rows: list[Insight]) -> str:
    head = (
        f"{'hour (UTC)':<16} {'route':<18} {'target':<12} {'msgs':>6} {'ok %':>6} "
        f"{'retry %':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}  slowest stage"
    )
    lines = [head]
    for r in rows:
        slowest = (
            f"{r.slowest_stage} ({_ms(r.stages_ms[r.slowest_stage])} ms)"
            if r.slowest_stage
            else "-"
        )
        lines.append(
            f"{r.hour:%Y-%m-%d %H:00} {r.route:<18} {r.target:<12} {r.messages:>6} "
            f"{r.success_rate * 100:>6.1f} {r.retry_rate * 100:>7.1f} {_ms(r.p50_ms):>7} "
            f"{_ms(r.p95_ms):>7} {_ms(r.p99_ms):>7}  {slowest}"
        )
    return "\n".join(lines)


async def _read(args: argparse.Namespace) -> int:
    until = datetime.now(UTC)
    since = until - timedelta(hours=args.hours)
    database = JourneyDatabase(settings_for(args).postgres_url, pool_size=1)
    try:
        rows = await insights(database, since, until, route=args.route, target=args.target)
    except StoreUnavailable as exc:
        print(f"omnihub: cannot read journeys from PostgreSQL: {exc}", file=sys.stderr)
        return EXIT_RUNTIME
    finally:
        await database.close()
    if args.json:
        print(msgspec.json.encode(rows).decode())
    elif not rows:
        print(f"no deliveries of messages received in the last {args.hours:g} h")
    else:
        print(render_insights(rows))
    return 0


def _insights(args: argparse.Namespace) -> int:
    return asyncio.run(_read(args))

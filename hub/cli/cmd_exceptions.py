"""``omnihub exceptions``: what went wrong, grouped, by customer impact then age.

omnihub exceptions list [--all] [--json]
omnihub exceptions show ID [--json]
omnihub exceptions ack ID [--note TEXT]
omnihub exceptions resolve ID --note TEXT
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import msgspec

from hub.cli.common import EXIT_RUNTIME, settings_for
from omnihub.journey import JourneyDatabase, StoreUnavailable
from omnihub.monitor import ExceptionStore, ExceptionView

__all__ = ["register", "render_exception", "render_exceptions"]

EXIT_NOT_FOUND = 3


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser("exceptions", help="exceptions the monitor raised: list, show, ack")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="open exceptions, by impact then age")
    listing.add_argument("--all", action="store_true", help="resolved ones too")
    listing.add_argument("--json", action="store_true", help="one JSON document")
    show = actions.add_parser("show", help="one exception in full")
    show.add_argument("id", type=int, help="the exception's number, as list shows it")
    show.add_argument("--json", action="store_true", help="one JSON document")
    ack = actions.add_parser("ack", help="acknowledge: someone is on it (stops escalations)")
    ack.add_argument("id", type=int, help="the exception's number, as list shows it")
    ack.add_argument("--note", default=None, help="who is on it, what is being done")
    resolve = actions.add_parser("resolve", help="resolve with a note (sends the resolution)")
    resolve.add_argument("id", type=int, help="the exception's number, as list shows it")
    resolve.add_argument("--note", required=True, help="what was done")
    for p in (listing, show, ack, resolve):
        p.add_argument("--actor", default=None, help="who (default: the login name)")
    parser.set_defaults(func=_exceptions)


def _age(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f}{unit}"
    return f"{seconds:.0f}s"


def render_exceptions(rows: list[ExceptionView], now: datetime) -> str:
    lines = [
        f"{'id':>5} {'impact':<11} {'cause':<25} {'target':<12} {'partner':<12} "
        f"{'count':>6} {'age':>5} {'status':<12} signature"
    ]
    for e in rows:
        lines.append(
            f"{e.id:>5} {e.impact:<11} {e.cause.value:<25} {e.target:<12} {e.partner:<12} "
            f"{e.count:>6} {_age(e.age_s(now)):>5} {e.status:<12} {e.signature}"
        )
    return "\n".join(lines)


def render_exception(e: ExceptionView, now: datetime) -> str:
    lines = [
        f"exception #{e.id}: {e.cause.value} at {e.target} (partner {e.partner})",
        f"  status     {e.status}" + (f" by {e.acked_by}" if e.acked_by else ""),
        f"  impact     {e.impact}",
        f"  count      {e.count}",
        f"  age        {_age(e.age_s(now))} (first {e.first_seen:%Y-%m-%d %H:%M:%S}Z, "
        f"last {e.last_seen:%Y-%m-%d %H:%M:%S}Z)",
        f"  signature  {e.signature}",
        f"  detail     {e.detail}",
        f"  keys       {', '.join(e.business_keys) or '-'}",
        f"  action     {e.action}",
    ]
    if e.resolved_at is not None:
        lines.append(f"  resolved   {e.resolved_at:%Y-%m-%d %H:%M:%S}Z by {e.resolved_by}")
    if e.note:
        lines.append(f"  note       {e.note}")
    return "\n".join(lines)


async def _run(args: argparse.Namespace) -> int:
    database = JourneyDatabase(settings_for(args).postgres_url, pool_size=1)
    store = ExceptionStore(database)
    now = datetime.now(UTC)
    actor = args.actor or getpass.getuser()
    try:
        if args.action == "list":
            status = ("open", "acknowledged", "resolved") if args.all else ("open", "acknowledged")
            rows = await store.listing(status=status, limit=500)
            if args.json:
                print(msgspec.json.encode(rows).decode())
            else:
                print(render_exceptions(rows, now) if rows else "no open exceptions")
            return 0
        if args.action == "show":
            found = await store.get(args.id)
            if found is None:
                return _not_found(args.id)
            print(
                msgspec.json.encode(found).decode() if args.json else render_exception(found, now)
            )
            return 0
        act: Callable[[], Awaitable[bool]]
        if args.action == "ack":
            act = lambda: store.acknowledge(args.id, actor, args.note)  # noqa: E731
        else:
            act = lambda: store.resolve(args.id, actor, args.note, now)  # noqa: E731
        if not await act():
            if await store.get(args.id) is None:
                return _not_found(args.id)
            state = "acknowledged or resolved" if args.action == "ack" else "resolved"
            print(f"omnihub: exception {args.id} is already {state}: nothing changed")
            return 0
        print(f"exception {args.id} {'acknowledged' if args.action == 'ack' else 'resolved'}")
        return 0
    except StoreUnavailable as exc:
        print(f"omnihub: cannot read exceptions from PostgreSQL: {exc}", file=sys.stderr)
        return EXIT_RUNTIME
    finally:
        await database.close()


def _not_found(exception_id: int) -> int:
    print(f"omnihub: no exception {exception_id}", file=sys.stderr)
    return EXIT_NOT_FOUND


def _exceptions(args: argparse.Namespace) -> int:
    return asyncio.run(_run(args))

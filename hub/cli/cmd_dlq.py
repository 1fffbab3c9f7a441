"""``omnihub dlq list|show|replay|discard --target T``: operate a target's dead-letter queue.

    omnihub dlq list --target erp --error RejectedByTarget --since 10:00
    omnihub dlq show --target erp 01JD...
    omnihub dlq replay --target erp 01JD... 01JE...      # or a filter, or --all
    omnihub dlq discard --target erp --partner acme --reason "orders cancelled"

Replays keep the message id (targets de-duplicate) and, like discards, are recorded in
each message's journey with who asked (``--actor``, default: the OS user).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import aio_pika
import msgspec

from hub.cli.cmd_replay import parse_when
from hub.cli.common import EXIT_CONFIG, EXIT_RUNTIME, add_config_arg, load_or_exit, settings_for
from omnihub.broker.nodes import NodeCursor, connect_any
from omnihub.errors import BrokerError, BrokerUnavailable
from omnihub.journey import JourneyStore
from omnihub.redis_client import close_redis, connect_redis
from omnihub.replay.dlq import DeadLetter, DeadLetterFilter, DeadLetterQueue

__all__ = ["register"]


def _common(parser: argparse.ArgumentParser, *, ids: bool) -> None:
    add_config_arg(parser)
    parser.add_argument("--target", required=True, help="the target whose DLQ to operate")
    if ids:
        parser.add_argument("message_ids", nargs="*", metavar="ID", help="message ids")
    parser.add_argument("--route", action="append", default=[], help="route id (repeatable)")
    parser.add_argument("--partner", action="append", default=[], help="partner (repeatable)")
    parser.add_argument(
        "--error", action="append", default=[], help="error class, e.g. RejectedByTarget"
    )
    parser.add_argument("--since", help="dead-lettered at or after (RFC 3339 or HH:MM)")
    parser.add_argument("--until", help="dead-lettered before (RFC 3339 or HH:MM)")


def register(sub: argparse._SubParsersAction[Any]) -> None:
    dlq = sub.add_parser("dlq", help="list, show, replay or discard dead-lettered messages")
    dlq_sub = dlq.add_subparsers(dest="dlq_command", metavar="ACTION")
    listing = dlq_sub.add_parser("list", help="messages in a target's DLQ (filters narrow)")
    _common(listing, ids=False)
    listing.add_argument("--json", action="store_true", help="print JSON, one per line")
    listing.set_defaults(func=_list)
    show = dlq_sub.add_parser("show", help="one message, with its attempt history")
    add_config_arg(show)
    show.add_argument("--target", required=True)
    show.add_argument("message_id", metavar="ID")
    show.set_defaults(func=_show)
    for name, helptext, func in (
        ("replay", "send messages back to the target (same message id)", _replay),
        ("discard", "remove messages for good, with a reason", _discard),
    ):
        action = dlq_sub.add_parser(name, help=helptext)
        _common(action, ids=True)
        action.add_argument("--all", action="store_true", help="every message in the DLQ")
        action.add_argument("--actor", default=None, help="who asks (default: the OS user)")
        if name == "discard":
            action.add_argument("--reason", required=True, help="why they are dropped")
        action.set_defaults(func=func)
    dlq.set_defaults(func=lambda _a: (dlq.print_help(), EXIT_CONFIG)[1])


class _Usage(Exception):
    """A command line that cannot be run as given; the message says what to write."""


def _selection(args: argparse.Namespace, *, acting: bool) -> DeadLetterFilter:
    try:
        since = parse_when(args.since) if args.since else None
        until = parse_when(args.until) if args.until else None
    except ValueError as exc:
        raise _Usage(str(exc)) from None
    ids = frozenset(getattr(args, "message_ids", []) or [])
    narrowed = ids or args.route or args.partner or args.error or since or until
    if acting and not narrowed and not args.all:
        raise _Usage(
            "say which messages: IDs, a filter (--route, --partner, --error, "
            "--since, --until), or --all"
        )
    return DeadLetterFilter(
        message_ids=ids,
        routes=frozenset(args.route),
        partners=frozenset(args.partner),
        errors=frozenset(args.error),
        since=since,
        until=until,
    )


def _describe(item: DeadLetter) -> str:
    when = f"{item.dead_at:%Y-%m-%d %H:%M:%S}" if item.dead_at else "?"
    return (
        f"{item.message_id}  {when}  {item.event}  route {item.route}  partner {item.partner}"
        f"  {item.error or '-'}: {item.reason or '-'}  ({len(item.attempts)} attempt(s))"
    )


def _run(args: argparse.Namespace, work: Callable[[DeadLetterQueue], Awaitable[int]]) -> int:
    settings = settings_for(args)
    config = load_or_exit(settings)
    if args.target not in config.targets:
        known = ", ".join(sorted(config.targets))
        print(f"omnihub: unknown target '{args.target}' (known: {known})", file=sys.stderr)
        return EXIT_CONFIG

    async def run() -> int:
        try:
            connection = await connect_any(NodeCursor(settings.amqp_urls), timeout=5)
        except (OSError, aio_pika.exceptions.AMQPError) as exc:
            raise BrokerUnavailable(f"cannot connect to the broker: {type(exc).__name__}") from exc
        redis = connect_redis(settings)
        journeys = JourneyStore(redis, settings.names, config.broker.archive_max_age)
        try:
            queue = DeadLetterQueue(connection, settings.names, args.target, journeys=journeys)
            return await work(queue)
        finally:
            await connection.close()
            await close_redis(redis)

    try:
        return asyncio.run(run())
    except BrokerError as exc:
        print(f"omnihub: {exc}", file=sys.stderr)
        return EXIT_RUNTIME


def _guarded(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except _Usage as exc:
            print(f"omnihub: {exc}", file=sys.stderr)
            return EXIT_CONFIG

    return run


@_guarded
def _list(args: argparse.Namespace) -> int:
    selection = _selection(args, acting=False)

    async def work(queue: DeadLetterQueue) -> int:
        items = await queue.browse(selection)
        for item in items:
            print(msgspec.json.encode(item).decode() if args.json else _describe(item))
        if not args.json:
            print(f"{len(items)} message(s) in the dead-letter queue of {args.target}")
        return 0

    return _run(args, work)


@_guarded
def _show(args: argparse.Namespace) -> int:
    async def work(queue: DeadLetterQueue) -> int:
        item = await queue.show(args.message_id)
        if item is None:
            print(f"'{args.message_id}' is not in the DLQ of {args.target}", file=sys.stderr)
            return 1
        print(_describe(item))
        for a in item.attempts:
            print("  " + msgspec.json.encode(a).decode())
        return 0

    return _run(args, work)


@_guarded
def _replay(args: argparse.Namespace) -> int:
    selection = _selection(args, acting=True)
    actor = args.actor or getpass.getuser()

    async def work(queue: DeadLetterQueue) -> int:
        report = await queue.replay(selection, actor=actor)
        print(f"replayed {len(report.message_ids)} message(s) to {args.target} as {actor}")
        for message_id in report.message_ids:
            print(f"  {message_id}")
        return 0

    return _run(args, work)


@_guarded
def _discard(args: argparse.Namespace) -> int:
    selection = _selection(args, acting=True)
    actor = args.actor or getpass.getuser()
    if not args.reason.strip():
        raise _Usage("--reason must say why the messages are dropped")

    async def work(queue: DeadLetterQueue) -> int:
        dropped = await queue.discard(selection, actor=actor, reason=args.reason)
        print(f"discarded {len(dropped)} message(s) from {args.target} as {actor}")
        for item in dropped:
            print(f"  {item.message_id}")
        return 0

    return _run(args, work)

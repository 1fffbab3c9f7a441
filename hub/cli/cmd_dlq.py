"""``omnihub dlq list|show|replay|discard --target T``: operate a target's dead-letter queue.

    omnihub dlq list --target erp --error RejectedByTarget --since 10:00
    omnihub dlq show --target erp 01JD...
    omnihub dlq replay --target erp 01JD... 01JE...      # or a filter, or --all
    omnihub dlq discard --target erp --partner acme --reason "orders cancelled"

Replays keep the message id (targets de-duplicate) and, like discards, are recorded in
each message's journey with who asked (``--actor``, default: the OS user). A replay or
discard chosen by a filter or ``--all`` lists what it would do and asks first (``--yes``
skips the question; ``--dry-run`` only lists); ids that are not in the DLQ are an error
and nothing is done.
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
from hub.cli.dlq_render import describe, listing, render_inspection
from hub.cli.output import confirm
from omnihub.broker.nodes import NodeCursor, connect_any
from omnihub.errors import BrokerError, BrokerUnavailable
from omnihub.journey import JourneyStore
from omnihub.replay.dlq import DeadLetter, DeadLetterFilter, DeadLetterQueue

__all__ = ["register"]

EXIT_NOT_FOUND = 1  # nothing (or not everything asked for) is in the DLQ; also: not confirmed


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
    listing_cmd = dlq_sub.add_parser("list", help="messages in a target's DLQ (filters narrow)")
    _common(listing_cmd, ids=False)
    listing_cmd.add_argument("--json", action="store_true", help="print JSON, one per line")
    listing_cmd.set_defaults(func=_list)
    show = dlq_sub.add_parser("show", help="one message: attempt history and payload")
    add_config_arg(show)
    show.add_argument("--target", required=True, help="the target whose DLQ to read")
    show.add_argument("message_id", metavar="ID", help="the message id")
    show.add_argument("--json", action="store_true", help="print the message and envelope as JSON")
    show.set_defaults(func=_show)
    for name, helptext, func in (
        ("replay", "send messages back to the target (same message id)", _replay),
        ("discard", "remove messages for good, with a reason", _discard),
    ):
        action = dlq_sub.add_parser(name, help=helptext)
        _common(action, ids=True)
        action.add_argument("--all", action="store_true", help="every message in the DLQ")
        action.add_argument("--actor", default=None, help="who asks (default: the OS user)")
        action.add_argument(
            "--dry-run", action="store_true", help=f"list what would be {name}ed, change nothing"
        )
        action.add_argument(
            "--yes", action="store_true", help="do not ask before acting on a filter or --all"
        )
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


def _run(args: argparse.Namespace, work: Callable[[DeadLetterQueue, str], Awaitable[int]]) -> int:
    """Run `work(queue, where)`; `where` names the queue and prefix for "nothing found"."""
    settings = settings_for(args)
    config = load_or_exit(settings)
    if args.target not in config.targets:
        known = ", ".join(sorted(config.targets))
        print(f"omnihub: unknown target '{args.target}' (known: {known})", file=sys.stderr)
        return EXIT_CONFIG
    where = (
        f"the dead-letter queue of {args.target} "
        f"({settings.names.dead_letter_queue(args.target)}, prefix '{settings.prefix}')"
    )

    async def run() -> int:
        try:
            connection = await connect_any(NodeCursor(settings.amqp_urls), timeout=5)
        except (OSError, aio_pika.exceptions.AMQPError) as exc:
            raise BrokerUnavailable(f"cannot connect to the broker: {type(exc).__name__}") from exc
        journeys = JourneyStore.open(config, settings)
        try:
            queue = DeadLetterQueue(connection, settings.names, args.target, journeys=journeys)
            return await work(queue, where)
        finally:
            await connection.close()
            await journeys.close()  # writes the replayed/discarded entries

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

    async def work(queue: DeadLetterQueue, where: str) -> int:
        items = await queue.browse(selection)
        if args.json:
            for item in items:
                print(msgspec.json.encode(item).decode())
        elif items:
            print("\n".join(listing(items)))
            print(f"{len(items)} message(s) in {where}")
        else:
            print(f"no message{' matches' if selection != DeadLetterFilter() else ''} in {where}")
        return 0

    return _run(args, work)


@_guarded
def _show(args: argparse.Namespace) -> int:
    async def work(queue: DeadLetterQueue, where: str) -> int:
        found = await queue.inspect(args.message_id)
        if found is None:
            print(f"omnihub: '{args.message_id}' is not in {where}", file=sys.stderr)
            return EXIT_NOT_FOUND
        item, envelope = found
        if args.json:
            print(msgspec.json.encode({"dead_letter": item, "envelope": envelope}).decode())
        else:
            print("\n".join(render_inspection(item, envelope)))
        return 0

    return _run(args, work)


async def _chosen(
    queue: DeadLetterQueue,
    selection: DeadLetterFilter,
    args: argparse.Namespace,
    where: str,
    verb: str,
) -> list[DeadLetter] | int:
    """The messages to `verb` (replay, discard), after listing them and asking when a
    filter or --all chose them; else the exit code (0 after a dry run)."""
    items = await queue.browse(selection)
    missing = sorted(selection.message_ids - {i.message_id for i in items})
    if missing:
        print(f"omnihub: not in {where}: {', '.join(missing)}; nothing done", file=sys.stderr)
        return EXIT_NOT_FOUND
    if not items:
        print(f"omnihub: no message matches in {where}; nothing done", file=sys.stderr)
        return EXIT_NOT_FOUND
    if args.dry_run or not selection.message_ids:
        print(f"would {verb} {len(items)} message(s) from {args.target}:")
        print("".join(f"  {describe(item)}\n" for item in items), end="")
    if args.dry_run:
        return 0
    if not selection.message_ids and not confirm(
        f"{verb} these {len(items)} message(s)?", assume_yes=args.yes
    ):
        print(
            f"omnihub: not confirmed, nothing done (--yes {verb}s without asking)", file=sys.stderr
        )
        return EXIT_NOT_FOUND
    return items


Act = Callable[[DeadLetterQueue, DeadLetterFilter, str], Awaitable[list[str]]]
"""(queue, selection, actor) -> the ids acted on."""


def _acting(args: argparse.Namespace, verb: str, act: Act) -> int:
    """List, ask, then `act` (`verb`: replay, discard) on what the selection chose; exit 1
    unless all of it was done."""
    selection = _selection(args, acting=True)
    actor = args.actor or getpass.getuser()

    async def work(queue: DeadLetterQueue, where: str) -> int:
        chosen = await _chosen(queue, selection, args, where, verb)
        if isinstance(chosen, int):
            return chosen
        ids = frozenset(item.message_id for item in chosen)
        done = await act(queue, msgspec.structs.replace(selection, message_ids=ids), actor)
        print(
            f"{verb}ed {len(done)} message(s) {'to' if verb == 'replay' else 'from'} "
            f"{args.target} as {actor}"
        )
        print("".join(f"  {message_id}\n" for message_id in done), end="")
        return 0 if len(done) == len(ids) else EXIT_NOT_FOUND

    return _run(args, work)


@_guarded
def _replay(args: argparse.Namespace) -> int:
    async def act(queue: DeadLetterQueue, chosen: DeadLetterFilter, actor: str) -> list[str]:
        return (await queue.replay(chosen, actor=actor)).message_ids

    return _acting(args, "replay", act)


@_guarded
def _discard(args: argparse.Namespace) -> int:
    if not args.reason.strip():
        raise _Usage("--reason must say why the messages are dropped")

    async def act(queue: DeadLetterQueue, chosen: DeadLetterFilter, actor: str) -> list[str]:
        dropped = await queue.discard(chosen, actor=actor, reason=args.reason)
        return [item.message_id for item in dropped]

    return _acting(args, "discard", act)

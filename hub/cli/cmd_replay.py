"""``omnihub replay archive``: send archived events again, by time range and filters.

    omnihub replay archive --from 10:00 --to 10:30 --event order.created --target erp \\
        --actor alice@example.com

Times are RFC 3339 (``2026-11-23T10:00:00Z``) or ``HH:MM[:SS]`` meaning today in UTC.
Replays keep each message's id, so targets that honour idempotency keys de-duplicate.
The events are listed first and the command asks before sending (``--yes`` does not
ask, ``--dry-run`` only lists); nothing matching is an error naming the stream.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from datetime import UTC, datetime, time
from typing import Any

import aio_pika
from aio_pika.abc import AbstractConnection

from hub.cli.common import EXIT_CONFIG, EXIT_RUNTIME, add_config_arg, load_or_exit, settings_for
from hub.cli.output import confirm
from omnihub.broker.nodes import NodeCursor, connect_any
from omnihub.errors import BrokerUnavailable
from omnihub.journey import JourneyStore
from omnihub.naming import Names
from omnihub.replay import ArchiveFilter, ReplaySender, read_archive, replay_archive

__all__ = ["parse_when", "register"]


def parse_when(text: str, *, today: datetime | None = None) -> datetime:
    """RFC 3339, or HH:MM[:SS] today (UTC). Raises ValueError with what to write instead."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            clock = time.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"'{text}' is not a time: write 2026-11-23T10:00:00Z or 10:00"
            ) from None
        base = (today or datetime.now(UTC)).date()
        return datetime.combine(base, clock, tzinfo=UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def register(sub: argparse._SubParsersAction[Any]) -> None:
    replay = sub.add_parser("replay", help="send messages again (from the archive)")
    replay_sub = replay.add_subparsers(dest="replay_command", metavar="SOURCE")
    archive = replay_sub.add_parser("archive", help="replay archived events in a time range")
    add_config_arg(archive)
    archive.add_argument("--from", dest="start", required=True, help="start (inclusive)")
    archive.add_argument("--to", dest="end", required=True, help="end (exclusive)")
    archive.add_argument("--event", action="append", default=[], help="event type (repeatable)")
    archive.add_argument("--route", action="append", default=[], help="route id (repeatable)")
    archive.add_argument("--partner", action="append", default=[], help="partner (repeatable)")
    archive.add_argument("--key", help="business key, e.g. an order number")
    archive.add_argument("--target", action="append", default=[], help="only these targets")
    archive.add_argument("--actor", default=None, help="who asks (default: the OS user)")
    archive.add_argument(
        "--dry-run", action="store_true", help="list what would be replayed, send nothing"
    )
    archive.add_argument("--yes", action="store_true", help="do not ask before replaying")
    archive.set_defaults(func=_archive)
    replay.set_defaults(func=lambda _a: (replay.print_help(), EXIT_CONFIG)[1])


async def _planned(
    connection: AbstractConnection,
    sender: ReplaySender,
    selection: ArchiveFilter,
    args: argparse.Namespace,
    names: Names,
) -> list[str]:
    """One line per archived event the replay would send (and to which targets)."""
    only = frozenset(args.target)
    lines = []
    async for envelope, _ in read_archive(connection, names.archive_stream, selection):
        targets = sender.targets_for(envelope.event, only)
        if targets:
            key = f"  key {envelope.business_key}" if envelope.business_key else ""
            lines.append(
                f"{envelope.id}  {envelope.received_at:%Y-%m-%d %H:%M:%S}  {envelope.event}  "
                f"route {envelope.route}  partner {envelope.partner}{key}  -> {', '.join(targets)}"
            )
    return lines


def _archive(args: argparse.Namespace) -> int:
    try:
        selection = ArchiveFilter(
            start=parse_when(args.start),
            end=parse_when(args.end),
            events=frozenset(args.event),
            routes=frozenset(args.route),
            partners=frozenset(args.partner),
            business_key=args.key,
        )
    except ValueError as exc:
        print(f"omnihub: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    if selection.end <= selection.start:
        print("omnihub: --to must be after --from", file=sys.stderr)
        return EXIT_CONFIG
    settings = settings_for(args)
    config = load_or_exit(settings)
    unknown = sorted(set(args.target) - set(config.targets))
    if unknown:
        print(f"omnihub: unknown target(s) {', '.join(unknown)}", file=sys.stderr)
        return EXIT_CONFIG
    actor = args.actor or getpass.getuser()

    async def run() -> int:
        try:
            connection = await connect_any(NodeCursor(settings.amqp_urls), timeout=5)
        except (OSError, aio_pika.exceptions.AMQPError) as exc:
            raise BrokerUnavailable(f"cannot connect to the broker: {type(exc).__name__}") from exc
        journeys = JourneyStore.open(config, settings)
        try:
            sender = ReplaySender(connection, config, settings.names, journeys)
            planned = await _planned(connection, sender, selection, args, settings.names)
            where = f"the archive ({settings.names.archive_stream}, prefix '{settings.prefix}')"
            if not planned:
                print(f"omnihub: no archived event matches in {where}", file=sys.stderr)
                return 1
            print(f"would replay {len(planned)} event(s) from {where}:")
            print("".join(f"  {line}\n" for line in planned), end="")
            if args.dry_run:
                return 0
            if not confirm(f"replay these {len(planned)} event(s)?", assume_yes=args.yes):
                print(
                    "omnihub: not confirmed, nothing replayed (--yes does not ask)", file=sys.stderr
                )
                return 1
            report = await replay_archive(
                sender,
                connection,
                settings.names.archive_stream,
                selection,
                targets=frozenset(args.target),
                actor=actor,
            )
        finally:
            await connection.close()
            await journeys.close()  # writes the replayed entries
        per_target = ", ".join(f"{t}: {n}" for t, n in sorted(report.replayed.items()))
        print(f"replayed {len(report.message_ids)} event(s) as {actor} ({per_target or 'none'})")
        return 0

    try:
        return asyncio.run(run())
    except BrokerUnavailable as exc:
        print(f"omnihub: {exc}", file=sys.stderr)
        return EXIT_RUNTIME

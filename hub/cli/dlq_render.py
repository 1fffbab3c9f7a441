"""How ``omnihub dlq`` shows dead letters: a table, one line each, or one in full."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from hub.cli.output import table
from omnihub.envelope import Envelope
from omnihub.replay.dlq import DeadLetter

__all__ = ["cause", "describe", "listing", "render_inspection"]

HEADER = ("MESSAGE ID", "DEAD AT", "EVENT", "ROUTE", "PARTNER", "KEY", "ATTEMPTS", "ERROR")


def cause(item: DeadLetter) -> str:
    """``Class: reason``, with the class once (the worker's reason may start with it)."""
    error, reason = item.error or "", item.reason or ""
    if error and reason.startswith(f"{error}: "):
        reason = reason[len(error) + 2 :]
    return ": ".join(part for part in (error, reason) if part) or "-"


def _when(item: DeadLetter) -> str:
    return f"{item.dead_at:%Y-%m-%d %H:%M:%S}" if item.dead_at else "?"


def listing(items: Sequence[DeadLetter]) -> list[str]:
    rows = [
        (
            item.message_id,
            _when(item),
            item.event,
            item.route,
            item.partner,
            item.business_key or "-",
            str(len(item.attempts)),
            cause(item),
        )
        for item in items
    ]
    return table(HEADER, rows)


def describe(item: DeadLetter) -> str:
    key = f"  key {item.business_key}" if item.business_key else ""
    return (
        f"{item.message_id}  {_when(item)}  {item.event}  route {item.route}  "
        f"partner {item.partner}{key}  {cause(item)}  ({len(item.attempts)} attempt(s))"
    )


def render_inspection(item: DeadLetter, envelope: Envelope) -> list[str]:
    lines = [
        f"message     {item.message_id}",
        f"target      {item.target} (lane {item.lane})",
        f"event       {item.event}  route {item.route}  version {envelope.api_version}",
        f"partner     {item.partner}",
        f"key         {item.business_key or '-'}",
        f"received    {item.received_at.isoformat()}",
        f"dead at     {item.dead_at.isoformat() if item.dead_at else '?'}",
        f"error       {cause(item)}",
        f"trace       {envelope.trace_id}",
        f"attempts    {len(item.attempts)}",
    ]
    lines += ["  " + msgspec.json.encode(a).decode() for a in item.attempts]
    payload = msgspec.json.format(msgspec.json.encode(envelope.payload), indent=2).decode()
    lines += ["payload", *("  " + line for line in payload.splitlines())]
    return lines

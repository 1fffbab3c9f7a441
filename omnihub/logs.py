"""How the hub's processes log: plain text by default, one JSON object per line with
``OMNIHUB_LOG_FORMAT=json``.

A JSON line has ``time`` (RFC 3339, UTC), ``level``, ``logger`` and ``message``, and, where
the code that logs knows them, ``trace_id``, ``message_id``, ``partner``, ``route`` and
``target``: taken from the record's ``extra`` or from the context set with `log_context`
(a worker sets it around each delivery). ``OMNIHUB_LOG_LEVEL`` (default ``INFO``) sets
the level. httpx and httpcore log at INFO once per request: they are kept to warnings,
so a delivery is one line of the hub's own, not one of the HTTP client's too.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from pythonjsonlogger.json import JsonFormatter

__all__ = [
    "CONTEXT_FIELDS",
    "JsonLineFormatter",
    "add_log_context",
    "log_context",
    "setup_logging",
]

CONTEXT_FIELDS = ("trace_id", "message_id", "partner", "route", "target")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET = ("httpx", "httpcore")  # an INFO line per request: kept to warnings

_context: ContextVar[Mapping[str, str]] = ContextVar(
    "omnihub_log_context", default=MappingProxyType({})
)


@contextlib.contextmanager
def log_context(**fields: str | None) -> Iterator[None]:
    """Add ``fields`` (those not None) to every record logged inside the block."""
    token = _context.set({**_context.get(), **{k: v for k, v in fields.items() if v}})
    try:
        yield
    finally:
        _context.reset(token)


def add_log_context(**fields: str | None) -> None:
    """Add ``fields`` to the context of the `log_context` block this runs in (the block's
    end drops them with the rest)."""
    _context.set({**_context.get(), **{k: v for k, v in fields.items() if v}})


class _ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in _context.get().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


class JsonLineFormatter(JsonFormatter):
    """time, level, logger, message, then the context fields the record carries."""

    def __init__(self) -> None:
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            reserved_attrs=[*_RESERVED, "color_message", "taskName"],
        )

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        log_data["time"] = datetime.fromtimestamp(record.created, UTC).isoformat(
            timespec="milliseconds"
        )
        super().add_fields(log_data, record, message_dict)


_RESERVED = list(vars(logging.LogRecord("", 0, "", 0, "", (), None)))


def setup_logging(env: Mapping[str, str] | None = None) -> None:
    """Configure the root logger of a hub process from ``OMNIHUB_LOG_FORMAT`` (``text``
    or ``json``) and ``OMNIHUB_LOG_LEVEL``; an unknown format is one line and exit 2."""
    env = os.environ if env is None else env
    kind = env.get("OMNIHUB_LOG_FORMAT", "text").strip().lower() or "text"
    if kind not in ("text", "json"):
        print(
            f"omnihub: OMNIHUB_LOG_FORMAT={kind!r} is not a log format (text or json)",
            file=sys.stderr,
        )
        raise SystemExit(2)
    handler = logging.StreamHandler()
    handler.addFilter(_ContextFilter())
    handler.setFormatter(JsonLineFormatter() if kind == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(env.get("OMNIHUB_LOG_LEVEL", "INFO").upper())
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)

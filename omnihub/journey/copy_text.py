"""Journey rows as lines of PostgreSQL's COPY text format.

The writer renders each row when it is recorded and sends a batch to psycopg's
`Copy.write` as one block, instead of one `write_row` per row (which looks up and runs
a dumper per value): the two row layouts are known, so each is one format string here,
at a fraction of the cost (`docs/benchmarks.md`).

The format (PostgreSQL's ``COPY ... FROM STDIN``, text): one line per row, columns
separated by a tab, NULL as ``\\N``; a backslash, tab, newline or carriage return in a
value is escaped with a backslash. PostgreSQL cannot store a NUL character in text, so
free text (partner-supplied keys, error messages) has it replaced by U+FFFD instead of
the whole batch being refused for it.
"""

from __future__ import annotations

import re
from datetime import date

from omnihub.journey.model import JourneyEntry, JourneyMeta, Stage

__all__ = ["MESSAGE_COLUMNS", "entry_line", "message_line", "partition_head", "text"]

# journey_messages' columns in the order `message_line` renders them (and readers read)
MESSAGE_COLUMNS = (
    "class, day, message_id, trace_id, partner, route, event, business_key, received_at,"
    " received_detail, published_at, confirm_ms"
)

_NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": "\ufffd"})
_TRACE_ID = re.compile(r"[0-9a-f]{32}")
_STAGE_TEXT: dict[Stage, str] = {stage: stage.value for stage in Stage}  # .value is slow


def text(value: str | None) -> str:
    """Free text as a COPY field: escaped, or NULL."""
    if value is None:
        return _NULL
    if value.isprintable() and "\\" not in value:  # no tab, newline, NUL, backslash
        return value
    return value.translate(_ESCAPES)


def partition_head(cls: str, day: date) -> str:
    """The columns every row starts with, before its message_id: class, day."""
    return f"{text(cls)}\t{day.isoformat()}\t"


def message_line(
    head: str,
    meta: JourneyMeta,
    received_at: str,
    received_detail: str | None = None,
    published_at: str | None = None,
    confirm_ms: float | None = None,
) -> str:
    """A journey_messages row: the head (`partition_head`, message_id), then trace_id (a
    W3C trace id, 32 hex digits, is a uuid as it is; anything else is NULL), partner,
    route, event, business_key, received_at; then, from the gateway, the received entry's
    detail, when the publish went out, the confirm's latency (NULL from a worker). Times
    are ISO text."""
    trace = meta.trace_id if _TRACE_ID.fullmatch(meta.trace_id) else _NULL
    return (
        f"{head}{trace}\t{text(meta.partner)}\t{text(meta.route)}\t{text(meta.event)}\t"
        f"{text(meta.business_key)}\t{received_at}\t{text(received_detail)}\t"
        f"{published_at or _NULL}\t{_NULL if confirm_ms is None else confirm_ms}\n"
    )


def entry_line(head: str, e: JourneyEntry, at: str | None = None) -> str:
    """A journey_entries row: the head (`partition_head`, message_id), then at (`at` if
    given: `e.at` as ISO text already), stage, target, attempt, status, latency_ms, error,
    actor, detail."""
    n = _NULL
    return (
        f"{head}{at or e.at.isoformat()}\t{_STAGE_TEXT[e.stage]}\t{text(e.target)}\t"
        f"{n if e.attempt is None else e.attempt}\t{n if e.status is None else e.status}\t"
        f"{n if e.latency_ms is None else e.latency_ms}\t"
        f"{text(e.error)}\t{text(e.actor)}\t{text(e.detail)}\n"
    )

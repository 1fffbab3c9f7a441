"""Redis commands encoded as RESP for the redis adapter's `AutoPipeline`.

redis-py's `pack_command` handles every case a client may meet (a command name with a
space in it, memoryviews, chunking of large values for zero-copy writes) and encodes each
argument through its `Encoder`. The gateway's commands are a name and plain arguments,
so this packs them in one pass: bytes as they are, str as UTF-8, int and float by
`repr`, as redis-py does; a bool or anything else is refused like redis-py refuses it.
`tests/gateway/test_resp.py` holds the output against redis-py's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from redis.exceptions import DataError

__all__ = ["pack_commands"]


def _arg(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, bool) or not isinstance(value, (int, float, bytearray, memoryview)):
        raise DataError(
            f"Invalid input of type: '{type(value).__name__}'. "
            "Convert to a bytes, string, int or float first."
        )
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return repr(value).encode()


def pack_commands(commands: Iterable[Sequence[Any]]) -> bytes:
    """The RESP array of each command, joined: one buffer for one write."""
    out: list[bytes] = []
    append = out.append
    for args in commands:
        append(b"*%d\r\n" % len(args))
        for value in args:
            kind = type(value)  # the common kinds first, exactly (bool is not int here)
            if kind is str:
                raw = value.encode()
            elif kind is bytes:
                raw = value
            elif kind is int:
                raw = b"%d" % value
            else:
                raw = _arg(value)
            append(b"$%d\r\n%b\r\n" % (len(raw), raw))
    return b"".join(out)

"""The gateway's RESP packing is byte for byte redis-py's, and refuses what it refuses."""

from __future__ import annotations

from typing import Any

import pytest
from redis.asyncio.connection import Connection
from redis.exceptions import DataError

from gateway.ingest.autopipeline import pack_commands

COMMANDS: list[tuple[Any, ...]] = [
    ("PING",),
    ("EVALSHA", "a" * 40, 3, "k:1", "k:2", "k:3", 2, "inst:7", "1", "fp", 60000, 50, 1000),
    ("HSET", "omnihub:idem:p:d", "resp", b'{"message_id":"x"}', "tp", "00-ab-cd-01"),
    ("PEXPIRE", "k", 86_400_000),
    ("SET", "grüße", "東京", "PX", 1.5),
    ("SET", "binary", b"\x00\r\n\xff", "n", -7),
    ("RPUSH", "list", bytearray(b"ba"), memoryview(b"mv")),
    ("SET", "big", "x" * 200_000),
]


def _redis_py(commands: list[tuple[Any, ...]]) -> bytes:
    chunks = Connection().pack_commands(commands)
    return b"".join(bytes(c) for c in chunks)


def test_packing_equals_redis_py() -> None:
    assert pack_commands(COMMANDS) == _redis_py(COMMANDS)
    for command in COMMANDS:
        assert pack_commands([command]) == _redis_py([command])


@pytest.mark.parametrize("bad", [True, None, object(), ["list"]], ids=repr)
def test_what_redis_py_refuses_is_refused(bad: object) -> None:
    with pytest.raises(DataError):
        _redis_py([("SET", "k", bad)])
    with pytest.raises(DataError, match="Invalid input of type"):
        pack_commands([("SET", "k", bad)])

"""The text encoding an EDIFACT interchange declares in UNB S001 (UNOA, UNOC, UNOY...)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from transforms.edi.source import DEFAULT_CHUNK_SIZE, Source, raw_chunks

SYNTAX_ENCODINGS = {
    "UNOA": "latin-1",  # a subset of ASCII; latin-1 reads it and never fails on stray bytes
    "UNOB": "latin-1",
    "UNOC": "latin-1",
    "UNOD": "iso8859_2",
    "UNOE": "iso8859_5",
    "UNOF": "iso8859_7",
    "UNOG": "iso8859_3",
    "UNOH": "iso8859_4",
    "UNOI": "iso8859_6",
    "UNOJ": "iso8859_8",
    "UNOK": "iso8859_9",
    "UNOW": "utf-8",
    "UNOY": "utf-8",
}
_SYNTAX = re.compile(rb"UNB.(UNO[A-Z])")


def detect_encoding(head: bytes) -> str:
    """The encoding named by the first UNB in ``head``; UTF-8 when none is found."""
    match = _SYNTAX.search(head)
    if match is None:
        return "utf-8"
    return SYNTAX_ENCODINGS.get(match.group(1).decode("ascii"), "utf-8")


def with_detected_encoding(source: Source) -> tuple[Iterable[bytes | str], str]:
    """The source's chunks (first one put back) and the encoding its UNB declares."""
    chunks = iter(raw_chunks(source, DEFAULT_CHUNK_SIZE))
    first = next(chunks, b"")
    encoding = detect_encoding(first) if isinstance(first, bytes) else "utf-8"
    return itertools.chain([first], chunks), encoding

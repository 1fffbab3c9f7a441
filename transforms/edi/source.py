"""Turn what a caller has (bytes, text, a file, chunks) into decoded text chunks."""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from typing import BinaryIO, TextIO, TypeAlias

from transforms.edi.errors import EdiDecodeError

Source: TypeAlias = (
    bytes | str | BinaryIO | TextIO | Iterable[bytes] | Iterable[str] | Iterable[bytes | str]
)
"""Anything a reader accepts: a whole document, an open file, or an iterable of chunks."""

DEFAULT_CHUNK_SIZE = 1 << 16
BOM = "\ufeff"


def text_chunks(
    source: Source, *, encoding: str = "utf-8", chunk_size: int = DEFAULT_CHUNK_SIZE
) -> Iterator[str]:
    """Yield decoded text chunks from ``source``, decoding bytes incrementally.

    Byte-order marks are kept (readers skip them where an interchange may start),
    so several concatenated files each with a BOM still read.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    consumed = 0
    for chunk in raw_chunks(source, chunk_size):
        if isinstance(chunk, str):
            yield chunk
            continue
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise EdiDecodeError(
                f"bytes at offset {consumed + exc.start} are not valid {encoding}: "
                f"{exc.reason}; configure the partner's encoding (e.g. 'latin-1')"
            ) from exc
        consumed += len(chunk)
        if text:
            yield text
    try:
        tail = decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise EdiDecodeError(
            f"the data ends inside a multi-byte {encoding} character; "
            "the file is truncated or in another encoding"
        ) from exc
    if tail:
        yield tail


def raw_chunks(source: Source, chunk_size: int) -> Iterator[bytes | str]:
    if isinstance(source, bytes | str):
        for start in range(0, len(source), chunk_size):
            yield source[start : start + chunk_size]
        return
    read = getattr(source, "read", None)
    if callable(read):
        while True:
            piece = read(chunk_size)
            if not piece:
                return
            yield piece
    else:
        yield from source

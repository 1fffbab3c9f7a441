"""The work measured, for omnihub and pyx12, and a best-of-N timer."""

from __future__ import annotations

import io
import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from transforms.edi.source import text_chunks
from transforms.edi.x12.read import read_x12
from transforms.edi.x12.stream import iter_x12
from transforms.edi.x12.tokenizer import X12Tokenizer


def best_seconds(work: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` runs of ``work`` (wall clock, seconds)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def omnihub_segments(data: bytes) -> int:
    """Tokenize only: every segment with separators from the ISA."""
    return sum(1 for _ in X12Tokenizer(text_chunks(data)))


def omnihub_envelopes(data: bytes) -> int:
    """Segments + envelope checks (ISA/IEA, GS/GE, ST/SE counts and control numbers)."""
    return sum(1 for _ in iter_x12(data))


def omnihub_full(data: bytes) -> int:
    """Envelopes + mapping to canonical structs + 997s."""
    return len(list(read_x12(data).sets()))


def pyx12_segments(path: Path) -> int:
    """pyx12's X12Reader: segments with its own envelope tracking (no maps needed)."""
    import pyx12.x12file  # type: ignore[import-untyped]

    logging.disable(logging.CRITICAL)
    return sum(1 for _ in pyx12.x12file.X12Reader(str(path)))


def pyx12_accepts(path: Path) -> tuple[bool, bool, str]:
    """Whether pyx12 reads the file (X12Reader) and validates it (x12n_document + 997)."""
    import pyx12.params  # type: ignore[import-untyped]
    import pyx12.x12n_document  # type: ignore[import-untyped]

    logging.disable(logging.CRITICAL)
    try:
        pyx12_segments(path)
        reads, why = True, ""
    except Exception as exc:
        reads, why = False, f"{type(exc).__name__}: {str(exc)[:70]}"
    try:
        valid = bool(
            pyx12.x12n_document.x12n_document(
                pyx12.params.params(), str(path), io.StringIO(), None, None
            )
        )
    except Exception as exc:
        valid = False
        why = why or f"{type(exc).__name__}: {str(exc)[:70]}"
    return reads, valid, why


def as_file(data: bytes) -> Path:
    """``data`` in a temporary file (pyx12 reads paths)."""
    with tempfile.NamedTemporaryFile(suffix=".x12", delete=False) as handle:
        handle.write(data)
    return Path(handle.name)

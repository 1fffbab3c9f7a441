"""What the commands print besides their own lines: tables, and questions before acting."""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["confirm", "table"]


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned columns, two spaces apart, under a header row; the last column is not
    padded (it holds free text, e.g. an error)."""
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header) - 1)]

    def line(cells: Sequence[str]) -> str:
        padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=False)]
        return "  ".join([*padded, cells[-1]]).rstrip()

    return [line(header), *(line(row) for row in rows)]


def confirm(question: str, *, assume_yes: bool) -> bool:
    """Ask `question` on stderr and read the answer from stdin: only y/yes goes ahead.
    With `assume_yes` (``--yes``) it goes ahead without asking; at end of input it does not."""
    if assume_yes:
        return True
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    if not answer.endswith("\n"):
        print(file=sys.stderr)
    return answer.strip().lower() in ("y", "yes")

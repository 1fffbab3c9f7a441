"""Split X12 text into segments, taking the separators from each ISA header.

Reads a stream of text chunks, so an interchange of any size is read in constant
memory. Tolerates what real files contain: a byte-order mark, CR/LF or newlines after
or instead of segment terminators, whitespace around segments, a missing final
terminator, ISA fields padded with no-break spaces (the ISA is 106 *characters*), and
several interchanges in one file, each with its own separators.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from transforms.edi.errors import X12SyntaxError
from transforms.edi.x12.segments import Segment, Separators

ISA_LENGTH = 106
"""Characters in a well-formed ISA segment, terminator included."""

_ISA_WINDOW = 512
_WHITESPACE = " \t\r\n\ufeff\u00a0"
_FIRST_REPETITION_VERSION = "00402"


class X12Tokenizer:
    """Iterate the segments of one or more interchanges from decoded text chunks.

    ``separators`` are those of the interchange being read; ``isa_length`` is the
    length in characters of its ISA (106 when well-formed). A segment's ``index`` is
    its 1-based position in its interchange. Text outside an interchange after the
    first one is yielded as segments with ``index`` 0 for the caller to report.
    """

    def __init__(self, chunks: Iterable[str]) -> None:
        self._chunks = iter(chunks)
        self._buf = ""
        self._pos = 0
        self._offset = 0  # characters dropped from the front of _buf
        self._eof = False
        self._in_interchange = False
        self._boundary: re.Pattern[str] | None = None
        self._boundary_chars = ""
        self._index = 0
        self.separators: Separators | None = None
        self.isa_length = 0

    def __iter__(self) -> Iterator[Segment]:
        while self._skip_whitespace():
            if self._at_isa():
                yield self._read_isa()
                self._index = 1
                continue
            yield from self._block()

    def _block(self) -> Iterator[Segment]:
        """Every complete segment in the buffer (or the last, unterminated one at the end).

        Stops early at an ISA so that the next interchange's separators are read.
        """
        assert self._boundary is not None and self.separators is not None
        buf, start = self._buf, self._pos
        last = max(buf.rfind(char, start) for char in self._boundary_chars)
        if last == -1:
            if self._fill():
                return
            block, self._pos = buf[start:], len(buf)
        else:
            block, self._pos = buf[start:last], last + 1
        element = self.separators.element
        offset = start
        index = self._index
        for part in self._boundary.split(block):
            text = part.strip(_WHITESPACE)
            if text:
                if text.startswith("ISA") and len(text) > 3 and _separator_like(text[3]):
                    self._pos = offset + len(part) - len(part.lstrip(_WHITESPACE))
                    self._index = index
                    return
                parts = text.split(element)
                if self._in_interchange:
                    index += 1
                    if parts[0] == "IEA":
                        self._in_interchange = False
                    self._index = index
                    yield Segment(parts[0], tuple(parts[1:]), index)
                else:
                    yield Segment(parts[0], tuple(parts[1:]), 0)
            offset += len(part) + 1
        self._index = index

    # -- buffer handling -------------------------------------------------------------

    def _fill(self) -> bool:
        """Append the next chunk to the buffer; False when the input is exhausted."""
        if self._eof:
            return False
        for chunk in self._chunks:
            if not chunk:
                continue
            if self._pos:
                self._offset += self._pos
                self._buf = self._buf[self._pos :]
                self._pos = 0
            self._buf += chunk
            return True
        self._eof = True
        return False

    def _ensure(self, length: int) -> bool:
        while len(self._buf) - self._pos < length:
            if not self._fill():
                return False
        return True

    def _skip_whitespace(self) -> bool:
        """Move past whitespace; False when only whitespace is left."""
        while True:
            buf, pos = self._buf, self._pos
            while pos < len(buf) and buf[pos] in _WHITESPACE:
                pos += 1
            self._pos = pos
            if pos < len(buf):
                return True
            if not self._fill():
                return False

    def _at_isa(self) -> bool:
        if not self._ensure(4):
            if self.separators is None:
                raise X12SyntaxError(
                    "the data is too short to be an X12 interchange (no ISA header)",
                    offset=self._offset + self._pos,
                )
            return False
        head = self._buf[self._pos : self._pos + 4]
        if head.startswith("ISA") and _separator_like(head[3]):
            return True
        if self.separators is None:
            raise X12SyntaxError(
                f"an X12 interchange must start with ISA, found {head!r}; "
                "check that this is X12 and not EDIFACT or another format",
                offset=self._offset + self._pos,
            )
        return False

    # -- segments --------------------------------------------------------------------

    def _read_isa(self) -> Segment:
        self._ensure(_ISA_WINDOW)  # an ISA is ~106 characters; less only at end of input
        start = self._pos
        buf = self._buf
        element = buf[start + 3]
        cursor = start + 3
        for number in range(2, 17):
            cursor = buf.find(element, cursor + 1, start + _ISA_WINDOW)
            if cursor == -1:
                raise X12SyntaxError(
                    f"the ISA header ends before element ISA{number:02d} "
                    f"(element separator {element!r}); the file is truncated or malformed",
                    offset=self._offset + start,
                )
        if cursor + 2 >= len(buf):
            raise X12SyntaxError(
                "the ISA header has no component separator and segment terminator "
                "after ISA16; the file is truncated",
                offset=self._offset + cursor,
            )
        component = self._buf[cursor + 1]
        terminator = self._buf[cursor + 2]
        self._check_separators(element, component, terminator, self._offset + cursor)
        isa_text = self._buf[start : cursor + 2]
        self._pos = cursor + 3
        self.isa_length = len(isa_text) + 1
        elements = tuple(isa_text.split(element)[1:])
        repetition = _repetition_separator(elements, element, component, terminator)
        line_break = terminator in "\r\n"
        self.separators = Separators(
            element=element,
            component=component,
            segment="\n" if line_break else terminator,
            repetition=repetition,
        )
        self._boundary_chars = "\r\n" if line_break else terminator + "\r\n"
        self._boundary = re.compile(f"[{re.escape(self._boundary_chars)}]")
        self._in_interchange = True
        return Segment("ISA", elements, 1)

    @staticmethod
    def _check_separators(element: str, component: str, terminator: str, offset: int) -> None:
        if component.isalnum() or component in (element, " "):
            raise X12SyntaxError(
                f"ISA16 component separator {component!r} is not usable; "
                "ISA16 must be one special character",
                offset=offset,
            )
        if terminator.isalnum() or terminator in (element, component, " "):
            raise X12SyntaxError(
                f"the character after ISA16, {terminator!r}, cannot be a segment "
                "terminator; the ISA header is malformed",
                offset=offset,
            )


def _separator_like(char: str) -> bool:
    """Whether ``char`` after ``ISA`` can be an element separator (so an ISA starts)."""
    return not char.isalnum() and char not in _WHITESPACE


def _repetition_separator(
    elements: tuple[str, ...], element: str, component: str, terminator: str
) -> str | None:
    """ISA11 is the repetition separator from version 00402 on, when not a letter."""
    if len(elements) < 12:
        return None
    candidate = elements[10].strip(" \u00a0")
    version = elements[11].strip(" \u00a0")
    if len(candidate) != 1 or candidate.isalnum() or version < _FIRST_REPETITION_VERSION:
        return None
    if candidate in (element, component, terminator):
        return None
    return candidate

"""Split EDIFACT text into segments, honouring UNA and the release character.

Reads decoded text chunks (constant memory). Tolerates a byte-order mark, line breaks
after segment terminators, a missing final terminator and several interchanges in one
file (each may bring its own UNA). Syntax version 4 interchanges use the repetition
separator (UNA5, default ``*``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from transforms.edi.edifact.syntax import Components, Delimiters, EdifactSegment
from transforms.edi.errors import EdifactSyntaxError

_WHITESPACE = " \t\r\n\ufeff"
_BOM_AS_LATIN1 = "\u00ef\u00bb\u00bf"
"""A UTF-8 byte-order mark read in a single-byte encoding (UNOA/UNOB/UNOC: latin-1)."""
_DEFAULT_REPETITION = "*"


class EdifactTokenizer:
    """Iterate segments; ``delimiters`` are those of the interchange being read."""

    def __init__(self, chunks: Iterable[str]) -> None:
        self._chunks = iter(chunks)
        self._buf = ""
        self._pos = 0
        self._offset = 0
        self._una: Delimiters | None = None
        self.delimiters = Delimiters()
        self.una_present = False

    def __iter__(self) -> Iterator[EdifactSegment]:
        index = 0
        started = False
        while self._skip_whitespace():
            while len(self._buf) - self._pos < 3 and self._fill():
                pass
            if self._buf.startswith("UNA", self._pos):
                self._read_una()
                continue
            text = self._next_text()
            if not text:
                continue
            if not started and not text.startswith(("UNB", "UNH")):
                raise EdifactSyntaxError(
                    f"an EDIFACT interchange starts with UNA or UNB, found {text[:10]!r}; "
                    "check that this is EDIFACT and not X12 or another format",
                    offset=self._offset,
                )
            started = True
            segment = self._split(text)
            if segment.tag == "UNB":
                index = 0
                self._set_syntax(segment)
            index += 1
            yield msgspec_replace_index(segment, index)
            if segment.tag == "UNZ":
                self._una = None
                self.una_present = False

    # -- buffer ------------------------------------------------------------------------

    def _fill(self) -> bool:
        for chunk in self._chunks:
            if not chunk:
                continue
            if self._pos:
                self._offset += self._pos
                self._buf = self._buf[self._pos :]
                self._pos = 0
            self._buf += chunk
            return True
        return False

    def _skip_whitespace(self) -> bool:
        """Skip whitespace, line breaks and byte-order marks (also a UTF-8 BOM decoded
        as latin-1) before a segment; False at the end of the data."""
        while True:
            buf, pos = self._buf, self._pos
            while pos < len(buf):
                if buf[pos] in _WHITESPACE:
                    pos += 1
                elif buf.startswith(_BOM_AS_LATIN1, pos):
                    pos += len(_BOM_AS_LATIN1)
                elif _BOM_AS_LATIN1.startswith(buf[pos:]) and self._fill():
                    buf, pos = self._buf, self._pos  # a BOM split across chunks
                else:
                    break
            self._pos = pos
            if pos < len(buf):
                return True
            if not self._fill():
                return False

    def _read_una(self) -> None:
        while len(self._buf) - self._pos < 9:
            if not self._fill():
                raise EdifactSyntaxError(
                    "the UNA service string advice is shorter than 9 characters",
                    offset=self._offset + self._pos,
                )
        una = self._buf[self._pos + 3 : self._pos + 9]
        if len(set(una[:2] + una[3:4] + una[5:])) != 4:
            raise EdifactSyntaxError(
                f"UNA service characters {una!r} are not distinct", offset=self._offset
            )
        self._una = Delimiters.from_una(una)
        self.delimiters = self._una
        self.una_present = True
        self._pos += 9

    def _next_text(self) -> str:
        """The next segment's text (release characters still in), terminator removed."""
        terminator, release = self.delimiters.segment, self.delimiters.release
        start = self._pos
        search = start
        while True:
            found = self._buf.find(terminator, search)
            if found == -1:
                search = len(self._buf)
                before = self._pos
                if not self._fill():
                    text = self._buf[start:]
                    self._pos = len(self._buf)
                    return text.rstrip(_WHITESPACE)
                shift = before - self._pos
                start -= shift
                search -= shift
                continue
            released = 0
            while found - released - 1 >= start and self._buf[found - released - 1] == release:
                released += 1
            if released % 2 == 1:
                search = found + 1
                continue
            self._pos = found + 1
            return self._buf[start:found]

    def _set_syntax(self, unb: EdifactSegment) -> None:
        version = unb.get(1, 2)
        base = self._una or Delimiters()
        if version >= "4":
            repetition = base.repetition if self._una is not None else _DEFAULT_REPETITION
            if repetition is None and self._una is None:
                repetition = _DEFAULT_REPETITION
        else:
            repetition = None
        self.delimiters = Delimiters(
            component=base.component,
            element=base.element,
            decimal=base.decimal,
            release=base.release,
            repetition=repetition,
            segment=base.segment,
        )

    def _split(self, text: str) -> EdifactSegment:
        d = self.delimiters
        if d.release not in text:
            parts = text.split(d.element)
            return EdifactSegment(
                parts[0],
                tuple(
                    tuple(
                        tuple(rep.split(d.component))
                        for rep in (part.split(d.repetition) if d.repetition else (part,))
                    )
                    for part in parts[1:]
                ),
            )
        return _split_released(text, d)


def _split_released(text: str, d: Delimiters) -> EdifactSegment:
    elements: list[tuple[Components, ...]] = []
    repetitions: list[Components] = []
    components: list[str] = []
    current: list[str] = []
    tag: str | None = None
    i = 0
    while i < len(text):
        char = text[i]
        if char == d.release and i + 1 < len(text):
            current.append(text[i + 1])
            i += 2
            continue
        if char == d.element:
            components.append("".join(current))
            current = []
            repetitions.append(tuple(components))
            components = []
            if tag is None:
                tag = repetitions[0][0]
            else:
                elements.append(tuple(repetitions))
            repetitions = []
        elif char == d.component:
            components.append("".join(current))
            current = []
        elif d.repetition is not None and char == d.repetition:
            components.append("".join(current))
            current = []
            repetitions.append(tuple(components))
            components = []
        else:
            current.append(char)
        i += 1
    components.append("".join(current))
    repetitions.append(tuple(components))
    if tag is None:
        return EdifactSegment(repetitions[0][0], ())
    elements.append(tuple(repetitions))
    return EdifactSegment(tag, tuple(elements))


def msgspec_replace_index(segment: EdifactSegment, index: int) -> EdifactSegment:
    return EdifactSegment(segment.tag, segment.elements, index)

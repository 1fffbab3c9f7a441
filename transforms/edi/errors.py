"""Errors raised by the EDI codecs.

Tree::

    EdiError
    ├── EdiDecodeError          bytes that are not text in the expected encoding
    ├── EdiSyntaxError          text that cannot be read as an interchange at all
    │   ├── X12SyntaxError
    │   └── EdifactSyntaxError
    ├── EdiMappingError         a document breaking its standard's content rules (partner error)
    ├── EdiUnmappableError      a valid document the canonical model cannot hold (our gap)
    └── EdiWriteError           a canonical document or envelope setting that cannot be written

Envelope mistakes in otherwise readable interchanges are *not* exceptions: they are
reported as :class:`transforms.edi.findings.Finding` values and acknowledged (997/999,
TA1, CONTRL), because partners send them all the time and expect an answer.
"""

from __future__ import annotations


class EdiError(Exception):
    """Base class for every error raised by ``transforms.edi``."""


class EdiDecodeError(EdiError):
    """The bytes are not valid text in the encoding configured for the partner."""


class EdiSyntaxError(EdiError):
    """The text cannot be read as an interchange (no header, unusable separators)."""

    def __init__(self, message: str, *, offset: int | None = None) -> None:
        self.offset = offset
        where = f" (at character {offset})" if offset is not None else ""
        super().__init__(f"{message}{where}")


class X12SyntaxError(EdiSyntaxError):
    """The text cannot be read as an X12 interchange."""


class EdifactSyntaxError(EdiSyntaxError):
    """The text cannot be read as an EDIFACT interchange."""


class EdiMappingError(EdiError):
    """A readable transaction set or message does not map to the canonical model.

    ``segment_id``/``segment_position``/``element`` say where, so the set can be
    rejected with an AK3/AK4 (X12) or UCS/UCD (EDIFACT) that points at the data;
    ``code`` is the standard's code for it (X12 AK4: ``"1"`` mandatory element
    missing, ``"7"`` invalid code value, ``"8"`` invalid date; AK3 ``"3"`` mandatory
    segment missing when no element is named).
    """

    def __init__(
        self,
        message: str,
        *,
        segment_id: str = "",
        segment_position: int = 0,
        element: int | None = None,
        code: str = "",
        bad_value: str = "",
    ) -> None:
        self.segment_id = segment_id
        self.segment_position = segment_position
        self.element = element
        self.code = code
        self.bad_value = bad_value
        super().__init__(message)


class EdiUnmappableError(EdiError):
    """A valid document that the canonical model cannot express (e.g. an 856 without
    packs, an order delivered to a location with no postal address).

    Not the partner's fault: the set is acknowledged as accepted and handed over as
    an ``edi.unmapped`` event for operations, never silently dropped.
    """


class EdiWriteError(EdiError):
    """A document or an envelope setting cannot be written as EDI."""

"""Per-partner settings for reading X12."""

from __future__ import annotations

from enum import StrEnum

import msgspec

from transforms.edi.mapping_settings import MappingSettings
from transforms.edi.strictness import Strictness

__all__ = ["AckKind", "Strictness", "X12ReadSettings"]


class AckKind(StrEnum):
    """Which functional acknowledgement to answer with.

    ``AUTO``: a 999 when the group's version is 005010 with an implementation
    guide (``005010X...``), a 997 otherwise.
    """

    AUTO = "auto"
    ACK_997 = "997"
    ACK_999 = "999"


class X12ReadSettings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """How to read one partner's X12."""

    strictness: Strictness = Strictness.WARN
    ack: AckKind = AckKind.AUTO
    encoding: str = "utf-8"
    ta1: bool = True
    """Answer interchange-level problems (or ISA14 = 1) with a TA1."""
    mapping: MappingSettings = MappingSettings()

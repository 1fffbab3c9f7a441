"""Per-partner settings for reading X12."""

from __future__ import annotations

from enum import StrEnum

import msgspec

from transforms.edi.mapping_settings import MappingSettings


class Strictness(StrEnum):
    """What an interchange- or group-level envelope mismatch does.

    ``WARN`` (the default): the sets are read and the mismatch is acknowledged
    (TA1 ``E``, AK9 ``E``). ``REJECT``: the whole interchange or group is rejected.
    Set-level errors (ST/SE) always reject their set.
    """

    WARN = "warn"
    REJECT = "reject"


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

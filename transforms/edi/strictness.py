"""How envelope-level mismatches are treated, for X12 and EDIFACT alike."""

from __future__ import annotations

from enum import StrEnum


class Strictness(StrEnum):
    """What an interchange- or group-level envelope mismatch does.

    ``WARN`` (the default): the sets/messages are read and the mismatch is
    acknowledged (TA1 ``E``, AK9 ``E``, CONTRL UCI with the error code).
    ``REJECT``: the whole interchange or group is rejected.
    Set/message-level errors (ST/SE, UNH/UNT) always reject their set or message.
    """

    WARN = "warn"
    REJECT = "reject"

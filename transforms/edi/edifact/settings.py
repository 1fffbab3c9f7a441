"""Per-partner settings for reading EDIFACT."""

from __future__ import annotations

import msgspec

from transforms.edi.mapping_settings import MappingSettings
from transforms.edi.strictness import Strictness

__all__ = ["EdifactReadSettings", "Strictness"]


class EdifactReadSettings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """How to read one partner's EDIFACT.

    ``encoding`` ``None`` picks it from the UNB syntax identifier (UNOA/UNOB ASCII,
    UNOC latin-1, UNOW/UNOY UTF-8, ...).
    """

    strictness: Strictness = Strictness.WARN
    encoding: str | None = None
    mapping: MappingSettings = MappingSettings()

"""Per-partner defaults that EDI documents leave implicit (time zone, currency, country)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from transforms.edi.errors import EdiMappingError


class MappingSettings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What a partner's documents do not say but the canonical model needs.

    EDI dates and times carry no time zone: ``timezone`` (IANA name) says which one
    the partner means. ``currency`` and ``country`` fill CUR and N404 when absent.
    ``channel`` is the canonical order channel for orders received from the partner.
    """

    timezone: str = "UTC"
    currency: str = "USD"
    country: str = "US"
    channel: str = "edi"

    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise EdiMappingError(
                f"partner time zone {self.timezone!r} is not an IANA zone name "
                "(e.g. 'America/Chicago'); fix the partner's mapping settings"
            ) from exc

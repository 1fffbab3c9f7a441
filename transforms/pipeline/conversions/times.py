"""Timestamps and dates between formats and zones; canonical form is RFC 3339 UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from transforms.pipeline.conversions.errors import ConversionError

__all__ = [
    "check_date_format",
    "check_datetime_format",
    "check_zone",
    "convert_date",
    "format_datetime",
    "parse_datetime",
]

DATETIME_KEYWORDS = ("rfc3339", "epoch_seconds", "epoch_millis")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def check_zone(name: str) -> tzinfo:
    """The zone called ``name`` (IANA, or ``UTC``); ``ConversionError`` when unknown."""
    if name.upper() in ("UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConversionError(
            f"unknown time zone {name!r}; use an IANA name such as Europe/Paris"
        ) from None


def check_datetime_format(fmt: str) -> None:
    """Refuse a format that is neither a keyword nor a strftime pattern."""
    if fmt not in DATETIME_KEYWORDS and "%" not in fmt:
        raise ConversionError(
            f"unknown datetime format {fmt!r}: use {', '.join(DATETIME_KEYWORDS)} or a "
            "strptime pattern like %Y-%m-%d %H:%M"
        )


def check_date_format(fmt: str) -> None:
    """Refuse a date format that is neither ``iso`` nor a strftime pattern."""
    if fmt != "iso" and "%" not in fmt:
        raise ConversionError(f"unknown date format {fmt!r}: use iso or a pattern like %m/%d/%Y")


def parse_datetime(value: Any, fmt: str, zone: tzinfo | None) -> datetime:
    """Parse ``value`` in ``fmt``; a value without offset is taken in ``zone``."""
    if fmt in ("epoch_seconds", "epoch_millis"):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ConversionError(f"expected epoch {fmt[6:]} as a number, got {value!r}")
        try:
            number = Decimal(str(value).strip())
            micros = int(number * (1000 if fmt == "epoch_millis" else 1_000_000))
        except (InvalidOperation, ValueError):
            raise ConversionError(f"{value!r} is not a number of epoch {fmt[6:]}") from None
        return _EPOCH + timedelta(microseconds=micros)
    if not isinstance(value, str):
        raise ConversionError(f"expected a timestamp as text, got {value!r}")
    try:
        parsed = (
            datetime.fromisoformat(value.strip())
            if fmt == "rfc3339"
            else datetime.strptime(value.strip(), fmt)
        )
    except ValueError:
        raise ConversionError(f"{value!r} does not match the format {fmt!r}") from None
    if parsed.tzinfo is None:
        if zone is None:
            raise ConversionError(f"{value!r} has no UTC offset; set `zone` to the sender's zone")
        parsed = parsed.replace(tzinfo=zone)
    return parsed


def format_datetime(moment: datetime, fmt: str, zone: tzinfo) -> str | int:
    """Render ``moment`` in ``zone`` as ``fmt`` (RFC 3339 uses ``Z`` for UTC)."""
    if fmt in ("epoch_seconds", "epoch_millis"):
        micros = (moment - _EPOCH) // timedelta(microseconds=1)
        return micros // (1_000_000 if fmt == "epoch_seconds" else 1000)
    local = moment.astimezone(zone)
    if fmt == "rfc3339":
        text = local.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return local.strftime(fmt)


def convert_date(value: Any, input_format: str, output_format: str) -> str:
    """A calendar date from ``input_format`` to ``output_format`` (``iso`` = YYYY-MM-DD)."""
    if not isinstance(value, str):
        raise ConversionError(f"expected a date as text, got {value!r}")
    try:
        day = (
            date.fromisoformat(value.strip())
            if input_format == "iso"
            else datetime.strptime(value.strip(), input_format).date()
        )
    except ValueError:
        raise ConversionError(
            f"{value!r} does not match the date format {input_format!r}"
        ) from None
    return day.isoformat() if output_format == "iso" else day.strftime(output_format)

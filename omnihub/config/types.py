"""Small value types used in configuration: durations and secrets.

Both are decoded by `dec_hook` in `omnihub.config.decode`, so YAML can say ``timeout: 500ms``
and ``client_secret: ${env:ERP_CLIENT_SECRET}``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

__all__ = ["Duration", "Secret", "parse_duration"]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


class Duration(timedelta):
    """A timedelta written in YAML as ``500ms``, ``30s``, ``5m``, ``2h`` or ``7d``."""

    @property
    def ms(self) -> int:
        return int(self.total_seconds() * 1000)


def parse_duration(value: Any) -> Duration:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"expected a duration such as '500ms', '30s', '5m', got {value!r}")
    if isinstance(value, int | float):
        raise ValueError(f"a duration needs a unit: write '{value}s' or '{value}ms'")
    match = _DURATION.match(value)
    if match is None:
        raise ValueError(f"'{value}' is not a duration; use a number and ms, s, m, h or d")
    return Duration(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)])


class Secret:
    """A credential read from the environment. It never prints itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

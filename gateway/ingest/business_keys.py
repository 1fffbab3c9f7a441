"""Read a message's business key (order number, ASN shipment id, ...) as its route declares.

A route's ``business_key`` is a field path (``order_number``, ``shipment.id``) read from
the canonical payload directly, or any other JMESPath expression, evaluated over the
payload's plain form (slower; compiled once).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jmespath
import msgspec

__all__ = ["KeyReader", "key_reader"]

KeyReader = Callable[[msgspec.Struct], str | None]

_FIELD_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value or None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def key_reader(path: str) -> KeyReader:
    """A reader of `path`; it returns None when the payload has no such key."""
    if _FIELD_PATH.match(path):
        parts = path.split(".")

        def by_field(payload: msgspec.Struct) -> str | None:
            value: Any = payload
            for part in parts:
                value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
                if value is None:
                    return None
            return _text(value)

        return by_field
    expression = jmespath.compile(path)

    def by_expression(payload: msgspec.Struct) -> str | None:
        return _text(expression.search(msgspec.to_builtins(payload)))

    return by_expression

"""Ordering keys and snapshot versions: field paths of the canonical payload.

A delivery's ``ordering.key`` names fields such as ``location_id`` or ``lines[0].sku``;
``ordering.snapshots.version`` names a source timestamp or sequence. Here they are
parsed, checked against the canonical type of an event (for ``routes check``) and read
from a payload (for the worker). Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import msgspec
import msgspec.inspect as mi

from omnihub.config.model import Route

__all__ = [
    "ENTITY_TYPES",
    "FieldPathError",
    "Segment",
    "canonical_type_of",
    "check_field",
    "parse_field_path",
    "read_field",
    "version_number",
]

# The canonical type of each entity (the first part of an event type: ``inventory.counted``).
ENTITY_TYPES: dict[str, str] = {
    "order": "Order",
    "inventory": "InventoryEvent",
    "shipment": "Shipment",
    "return": "Return",
    "asn": "ASN",
    "product": "Product",
    "location": "Location",
}

_PART = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\[(?P<index>[0-9]+)\])?$")

Segment = str | int


class FieldPathError(ValueError):
    """A field path that does not fit a type or a payload."""


def parse_field_path(path: str) -> tuple[Segment, ...]:
    """``lines[0].sku`` -> ``("lines", 0, "sku")``."""
    out: list[Segment] = []
    for part in path.split("."):
        m = _PART.match(part)
        if m is None:
            raise FieldPathError(f"'{path}' is not a field path (write e.g. lines[0].sku)")
        out.append(m.group("name"))
        if m.group("index") is not None:
            out.append(int(m.group("index")))
    return tuple(out)


def read_field(payload: Any, path: tuple[Segment, ...]) -> Any:
    """The value at ``path`` in a JSON payload; None when any step is missing."""
    value = payload
    for seg in path:
        if isinstance(seg, int):
            if not isinstance(value, list) or seg >= len(value):
                return None
            value = value[seg]
        else:
            if not isinstance(value, dict):
                return None
            value = value.get(seg)
        if value is None:
            return None
    return value


def version_number(value: Any) -> float:
    """A snapshot's version as a number: a sequence as is, a timestamp as epoch seconds."""
    if isinstance(value, bool):
        raise FieldPathError(f"{value!r} is not a sequence number or a timestamp")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            pass
    raise FieldPathError(f"{value!r} is not a sequence number or an RFC 3339 timestamp")


def canonical_type_of(
    event: str, routes: Mapping[str, Route], types: Mapping[str, type[msgspec.Struct]]
) -> type[msgspec.Struct] | None:
    """The canonical type an event carries: a route publishing it says so, else its entity."""
    for route in routes.values():
        if route.event == event and route.edi is None:
            for version in route.versions.values():
                if version.schema in types:
                    return types[version.schema]
    name = ENTITY_TYPES.get(event.split(".", 1)[0])
    return types.get(name) if name else None


def _unwrap(info: mi.Type) -> mi.Type:
    while isinstance(info, mi.UnionType):
        rest = [t for t in info.types if not isinstance(t, mi.NoneType)]
        if len(rest) != 1:
            return info
        info = rest[0]
    if isinstance(info, mi.Metadata):
        return _unwrap(info.type)
    return info


def _paths(info: mi.Type, prefix: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    """(field name, path) of every field reachable, lists through their first item."""
    info = _unwrap(info)
    if depth > 4:
        return
    if isinstance(info, mi.StructType):
        for f in info.fields:
            path = f"{prefix}.{f.encode_name}" if prefix else f.encode_name
            yield f.encode_name, path
            yield from _paths(f.type, path, depth + 1)
    elif isinstance(info, mi.ListType):
        yield from _paths(info.item_type, f"{prefix}[0]", depth + 1)


def check_field(tp: type[msgspec.Struct], path: str) -> str | None:
    """None if ``path`` names a scalar field of ``tp``; else what is wrong, with a hint."""
    try:
        segments = parse_field_path(path)
    except FieldPathError as exc:
        return str(exc)
    info: mi.Type = mi.type_info(tp)
    walked = ""
    for seg in segments:
        info = _unwrap(info)
        if isinstance(seg, int):
            if not isinstance(info, mi.ListType):
                return f"'{walked}' of {tp.__name__} is not a list"
            info, walked = info.item_type, f"{walked}[{seg}]"
            continue
        fields = {f.encode_name: f for f in info.fields} if isinstance(info, mi.StructType) else {}
        if seg not in fields:
            where = f"'{walked}'" if walked else tp.__name__
            elsewhere = [p for name, p in _paths(mi.type_info(tp), "") if name == seg]
            hint = f" (did you mean '{elsewhere[0]}'?)" if elsewhere else ""
            return f"{where} has no field '{seg}'{hint}"
        info, walked = fields[seg].type, f"{walked}.{seg}" if walked else seg
    info = _unwrap(info)
    if isinstance(info, mi.ListType):
        return f"'{path}' is a list: name one item, e.g. '{path}[0]'"
    if isinstance(info, mi.StructType | mi.DictType):
        return f"'{path}' is an object: name one of its fields"
    return None

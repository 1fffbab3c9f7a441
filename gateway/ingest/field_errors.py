"""Every failing field of a body, each as a JSON pointer (RFC 6901).

msgspec stops at the first error, which is right for the fast path. When a body fails,
this walks the schema struct by struct, so the partner sees every problem at once:
missing required fields, unknown fields, wrong types and constraint violations, then the
struct-level checks (``__post_init__``) of structs whose fields are all valid.
"""

from __future__ import annotations

import types
import typing
from typing import Any

import msgspec

__all__ = ["FieldError", "collect_errors", "pointer"]


class FieldError(msgspec.Struct, frozen=True):
    pointer: str  # "/lines/0/quantity/value"; "" for the whole body
    message: str


def pointer(msgspec_path: str) -> str:
    """``$.lines[0].sku`` (msgspec's notation) -> ``/lines/0/sku``."""
    out = msgspec_path.removeprefix("$")
    out = out.replace("[", ".").replace("]", "")
    parts = [p for p in out.split(".") if p]
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def _escape(part: str | int) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def _strip(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _is_struct(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, msgspec.Struct)


def _reason(exc: msgspec.ValidationError) -> str:
    return str(exc).rpartition(" - at `")[0] or str(exc)


def collect_errors(value: Any, tp: Any, at: str = "") -> list[FieldError]:
    base = _strip(tp)
    origin = typing.get_origin(base)
    if origin in (types.UnionType, typing.Union):
        members = [_strip(a) for a in typing.get_args(base)]
        if value is None and type(None) in members:
            return []
        structs = [m for m in members if _is_struct(m)]
        if len(structs) == 1 and isinstance(value, dict):
            return collect_errors(value, structs[0], at)
    elif _is_struct(base):
        return _struct_errors(value, base, at)
    elif origin is list and isinstance(value, list):
        errors = _length(value, tp, at)
        (item_type,) = typing.get_args(base)
        for i, item in enumerate(value):
            errors += collect_errors(item, item_type, f"{at}/{i}")
        return errors
    return _leaf(value, tp, at)


def _leaf(value: Any, tp: Any, at: str) -> list[FieldError]:
    try:
        msgspec.convert(value, tp)
    except msgspec.ValidationError as exc:
        return [FieldError(at, _reason(exc))]
    return []


def _length(value: list[Any], tp: Any, at: str) -> list[FieldError]:
    """A list's own constraints (its length), without its items."""
    errors = []
    for meta in typing.get_args(tp)[1:]:
        if not isinstance(meta, msgspec.Meta):
            continue
        if meta.min_length is not None and len(value) < meta.min_length:
            errors.append(FieldError(at, f"Expected `array` of length >= {meta.min_length}"))
        if meta.max_length is not None and len(value) > meta.max_length:
            errors.append(FieldError(at, f"Expected `array` of length <= {meta.max_length}"))
    return errors


def _struct_errors(value: Any, struct: type[msgspec.Struct], at: str) -> list[FieldError]:
    if not isinstance(value, dict):
        return [FieldError(at, f"Expected `object`, got `{type(value).__name__}`")]
    errors: list[FieldError] = []
    fields = msgspec.structs.fields(struct)
    known = {f.encode_name for f in fields}
    for field in fields:
        here = f"{at}/{_escape(field.encode_name)}"
        if field.encode_name not in value:
            if field.required:
                errors.append(FieldError(here, "required field is missing"))
            continue
        errors += collect_errors(value[field.encode_name], field.type, here)
    if struct.__struct_config__.forbid_unknown_fields:
        tag_field = struct.__struct_config__.tag_field
        for name in value:
            if name not in known and name != tag_field:
                errors.append(FieldError(f"{at}/{_escape(name)}", "unknown field"))
    if not errors:
        try:
            msgspec.convert(value, struct)
        except msgspec.ValidationError as exc:
            text = str(exc)
            reason, sep, path = text.rpartition(" - at `")
            where = at + pointer(path.rstrip("`")) if sep else at
            errors.append(FieldError(where, reason if sep else text))
    return errors

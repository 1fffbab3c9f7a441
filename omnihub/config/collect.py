"""Every problem of one YAML value against its type, not only the first.

msgspec stops at the first error of a value, so a route with three mistakes would be
reported three times over three runs. When a value does not convert, this walks it
against its type (structs, tagged unions such as pipeline steps, lists, dicts) and
reports each failing field with its own path, the allowed keys, tags or values, and
the closest match for a typo. A struct whose fields are all valid is converted whole,
so its own cross-field checks are reported too.
"""

from __future__ import annotations

import difflib
import enum
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any

import msgspec

from omnihub.config.yamlpos import Path

__all__ = ["Issue", "collect_issues"]

DecHook = Callable[[type, Any], Any]


class Issue(msgspec.Struct, frozen=True):
    path: Path  # relative to the value walked
    message: str
    hint: str = ""
    kind: str = "invalid"  # invalid, unknown-field


def _strip(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _is_struct(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, msgspec.Struct)


def _closest(name: str, allowed: list[str], what: str) -> str:
    close = difflib.get_close_matches(name, allowed, n=1)
    listed = f"{what}: {', '.join(allowed)}"
    return f"did you mean '{close[0]}'? {listed}" if close else listed


def _allowed_values(tp: Any) -> list[str]:
    base = _strip(tp)
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return [str(m.value) for m in base]
    if typing.get_origin(base) is typing.Literal:
        return [str(a) for a in typing.get_args(base)]
    return []


def _reason(exc: msgspec.ValidationError) -> tuple[str, Path]:
    text = str(exc)
    reason, sep, where = text.rpartition(" - at `")
    if not sep:
        return text, ()
    path: list[str | int] = []
    for part in where.rstrip("`").removeprefix("$").replace("]", "").replace("[", ".").split("."):
        if part:
            path.append(int(part) if part.isdigit() else part)
    return reason, tuple(path)


def _leaf(value: Any, tp: Any, at: Path, hook: DecHook) -> Iterator[Issue]:
    try:
        msgspec.convert(value, tp, dec_hook=hook)
    except msgspec.ValidationError as exc:
        reason, inner = _reason(exc)
        allowed = _allowed_values(tp)
        hint = _closest(str(value), allowed, "allowed") if allowed else ""
        yield Issue((*at, *inner), reason, hint)


def _tagged(members: list[Any]) -> tuple[str, dict[str, type[msgspec.Struct]]] | None:
    tags: dict[str, type[msgspec.Struct]] = {}
    field = None
    for member in members:
        config = member.__struct_config__ if _is_struct(member) else None
        if config is None or config.tag_field is None:
            return None
        field = config.tag_field
        tags[str(config.tag)] = member
    return (field, tags) if field is not None else None


def _union(value: Any, members: list[Any], tp: Any, at: Path, hook: DecHook) -> Iterator[Issue]:
    if value is None and type(None) in members:
        return
    containers = [m for m in members if m is not type(None)]
    tagged = _tagged(containers)
    if tagged is not None and isinstance(value, dict):
        field, tags = tagged
        allowed = sorted(tags)
        if field not in value:
            yield Issue((*at, field), f"required key '{field}' is missing", ", ".join(allowed))
        elif str(value[field]) not in tags:
            name = str(value[field])
            hint = _closest(name, allowed, f"allowed {field}s")
            yield Issue((*at, field), f"unknown {field} '{name}'", hint)
        else:
            yield from _walk(value, tags[str(value[field])], at, hook)
        return
    structs = [m for m in containers if _is_struct(_strip(m))]
    if len(structs) == 1 and isinstance(value, dict):
        yield from _walk(value, structs[0], at, hook)
    else:
        yield from _leaf(value, tp, at, hook)


def _struct(value: Any, struct: type[msgspec.Struct], at: Path, hook: DecHook) -> Iterator[Issue]:
    if not isinstance(value, dict):
        yield Issue(at, f"expected a mapping, got {type(value).__name__}")
        return
    config = struct.__struct_config__
    fields = msgspec.structs.fields(struct)
    names = [f.encode_name for f in fields]
    found = False
    for field in fields:
        if field.encode_name in value:
            for issue in _walk(
                value[field.encode_name], field.type, (*at, field.encode_name), hook
            ):
                found = True
                yield issue
        elif field.required:
            found = True
            yield Issue((*at, field.encode_name), f"required key '{field.encode_name}' is missing")
    if config.forbid_unknown_fields:
        for key in value:
            if key not in names and key != config.tag_field:
                found = True
                hint = _closest(str(key), names, "allowed here")
                yield Issue((*at, key), f"unknown key '{key}'", hint, "unknown-field")
    if not found:
        yield from _leaf(value, struct, at, hook)  # the struct's own checks


def _walk(value: Any, tp: Any, at: Path, hook: DecHook) -> Iterator[Issue]:
    base = _strip(tp)
    origin = typing.get_origin(base)
    if origin in (types.UnionType, typing.Union):
        yield from _union(value, [_strip(a) for a in typing.get_args(base)], tp, at, hook)
    elif _is_struct(base):
        yield from _struct(value, base, at, hook)
    elif origin is list and isinstance(value, list):
        (item,) = typing.get_args(base)
        for index, element in enumerate(value):
            yield from _walk(element, item, (*at, index), hook)
    elif origin is dict and isinstance(value, dict):
        key_type, value_type = typing.get_args(base)
        for key, element in value.items():
            yield from _leaf(key, key_type, (*at, key), hook)
            yield from _walk(element, value_type, (*at, key), hook)
    else:
        yield from _leaf(value, tp, at, hook)


def collect_issues(value: Any, tp: Any, dec_hook: DecHook) -> list[Issue]:
    """Every problem of `value` as a `tp` (empty when it converts)."""
    return list(_walk(value, tp, (), dec_hook))

"""Turn one YAML value into a typed struct, or into precise problems.

Every problem of a value is reported at once (``omnihub.config.collect`` walks it against
its type), each at its YAML position, with a hint (the allowed keys, tags or values, the
closest match for a typo) so that an integration engineer can fix it without reading
code. When the walk finds nothing, msgspec's own error is mapped back onto the YAML.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, TypeVar

import msgspec
import msgspec.inspect as mi

from omnihub.config.collect import collect_issues
from omnihub.config.envref import EnvString
from omnihub.config.problems import ConfigProblem
from omnihub.config.types import Duration, Secret, parse_duration
from omnihub.config.yamlpos import Path, YamlDocument

__all__ = ["convert_value", "dotted"]

T = TypeVar("T")

_AT = re.compile(r"^(?P<msg>.*?)(?: - at `(?P<path>\$[^`]*)`)?$", re.S)
_SEGMENT = re.compile(r"\.([A-Za-z0-9_-]+)|\[(\d+|\.\.\.)\]")
_UNKNOWN = re.compile(r"Object contains unknown field `([^`]+)`")
_MISSING = re.compile(r"Object missing required field `([^`]+)`")


def dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _dec_hook(tp: type, obj: Any) -> Any:
    if tp is Duration:
        return parse_duration(obj)
    if tp is Secret:
        if not isinstance(obj, EnvString):
            raise ValueError(
                "a secret must come from the environment: write it as ${env:VARIABLE_NAME}"
            )
        return Secret(str(obj))
    raise NotImplementedError(f"no decoder for {tp}")


def _parse_path(text: str | None) -> tuple[Path, bool]:
    """Path segments after ``$``; the flag says a ``[...]`` (unnamed dict key) cut it short."""
    if not text:
        return (), False
    out: list[str | int] = []
    for m in _SEGMENT.finditer(text[1:]):
        if m.group(1) is not None:
            out.append(m.group(1))
        elif m.group(2) == "...":
            return tuple(out), True
        else:
            out.append(int(m.group(2)))
    return tuple(out), False


def _type_at(tp: Any, path: Path) -> mi.Type | None:
    info: mi.Type = mi.type_info(tp)
    for part in path:
        while isinstance(info, mi.UnionType):
            structs = [t for t in info.types if isinstance(t, mi.StructType | mi.DictType)]
            if len(structs) != 1:
                return None
            info = structs[0]
        if isinstance(info, mi.StructType) and isinstance(part, str):
            match = [f for f in info.fields if f.encode_name == part]
            if not match:
                return None
            info = match[0].type
        elif isinstance(info, mi.ListType) and isinstance(part, int):
            info = info.item_type
        elif isinstance(info, mi.DictType):
            info = info.value_type
        else:
            return None
    return info


def _field_names(info: mi.Type | None) -> list[str]:
    if isinstance(info, mi.StructType):
        return [f.encode_name for f in info.fields]
    if isinstance(info, mi.UnionType):
        return sorted({n for t in info.types for n in _field_names(t)})
    return []


def convert_value(
    value: Any,
    tp: type[T],
    *,
    doc: YamlDocument,
    base: Path,
    file: str,
    problems: list[ConfigProblem],
    strip: int = 0,
) -> T | None:
    """Convert `value` (found at `base` in `doc`) to `tp`; on failure append a problem.

    `strip` drops leading segments of msgspec's error path that belong to a wrapper
    struct rather than to the YAML (the loader wraps each entry as ``{"x": entry}``).
    """
    try:
        return msgspec.convert(value, tp, dec_hook=_dec_hook)
    except msgspec.ValidationError as exc:
        issues = collect_issues(value, tp, _dec_hook)
        for issue in issues:
            path = (*base, *issue.path[strip:])
            pos = doc.position_of(path)
            problems.append(
                ConfigProblem(
                    file=file,
                    line=pos.line if pos else None,
                    column=pos.column if pos else None,
                    key=dotted(path),
                    message=issue.message,
                    hint=issue.hint,
                    kind=issue.kind,
                )
            )
        if issues:
            return None
        m = _AT.match(str(exc))
        message = m.group("msg") if m else str(exc)
        full, cut = _parse_path(m.group("path") if m else None)
        rel = full[strip:]
        path = (*base, *rel)
        hint = ""
        kind = "invalid"
        if unknown := _UNKNOWN.match(message):
            name = unknown.group(1)
            kind = "unknown-field"
            allowed = [] if cut else _field_names(_type_at(tp, full))
            close = difflib.get_close_matches(name, allowed, n=1)
            if close:
                hint = f"did you mean '{close[0]}'?"
            elif allowed:
                hint = "allowed here: " + ", ".join(allowed)
            message = f"unknown key '{name}'"
            path = (*path, name)
        elif missing := _MISSING.match(message):
            message = f"required key '{missing.group(1)}' is missing"
        elif cut:
            message += " (inside one of the entries below this key)"
        pos = doc.position_of(path)
        problems.append(
            ConfigProblem(
                file=file,
                line=pos.line if pos else None,
                column=pos.column if pos else None,
                key=dotted(path),
                message=message,
                hint=hint,
                kind=kind,
            )
        )
        return None

"""Turn one YAML value into a typed struct, or into precise problems.

Every problem of a value is reported at once (``omnihub.config.collect`` walks it against
its type), each at its YAML position, with a hint (the allowed keys, tags or values, the
closest match for a typo) so that an integration engineer can fix it without reading
code. When the walk finds nothing, msgspec's own error is mapped back onto the YAML.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import msgspec

from omnihub.config.collect import Issue, collect_issues
from omnihub.config.envref import EnvString
from omnihub.config.problems import ConfigProblem
from omnihub.config.types import Duration, Secret, parse_duration
from omnihub.config.yamlpos import Path, YamlDocument

__all__ = ["convert_value", "dotted"]

T = TypeVar("T")

_AT = re.compile(r"^(?P<msg>.*?)(?: - at `(?P<path>\$[^`]*)`)?$", re.S)
_SEGMENT = re.compile(r"\.([A-Za-z0-9_-]+)|\[(\d+|\.\.\.)\]")


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


def _issue_of(exc: msgspec.ValidationError) -> Issue:
    """msgspec's own error as an issue (when the walk found nothing more precise)."""
    m = _AT.match(str(exc))
    message = m.group("msg") if m else str(exc)
    path, cut = _parse_path(m.group("path") if m else None)
    if cut:
        message += " (inside one of the entries below this key)"
    return Issue(path, message)


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

    `strip` drops leading segments of each problem's path that belong to a wrapper
    struct rather than to the YAML (the loader wraps each entry as ``{"x": entry}``).
    """
    try:
        return msgspec.convert(value, tp, dec_hook=_dec_hook)
    except msgspec.ValidationError as exc:
        for issue in collect_issues(value, tp, _dec_hook) or [_issue_of(exc)]:
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
        return None

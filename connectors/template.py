"""URL and header templates filled from the payload: ``/orders/{order_number}``.

A placeholder is a field path into the payload the delivery's pipeline produced: names
separated by dots, with ``[n]`` for list items (``{lines[0].sku}``). Templates are
parsed once when the worker is built; filling one with a missing or non-scalar field is
a mapping error (permanent: the message goes to the DLQ naming the placeholder).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from connectors.outcome import MappingFailed

__all__ = ["Template", "TemplateError"]

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]")
_UNSAFE_HEADER = re.compile(r"[\r\n]")


class TemplateError(ValueError):
    """A template that cannot be parsed (a configuration error, found at worker build)."""


def _parse_path(text: str, template: str) -> tuple[str | int, ...]:
    parts: list[str | int] = []
    pos = 0
    for m in _SEGMENT.finditer(text):
        gap = text[pos : m.start()]
        if gap not in ("", ".") or (gap == "." and not parts):
            break
        parts.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
        pos = m.end()
    if not parts or pos != len(text):
        raise TemplateError(
            f"'{{{text}}}' in '{template}' is not a field path; write e.g. {{order_number}} "
            "or {lines[0].sku}"
        )
    return tuple(parts)


class Template:
    def __init__(self, template: str) -> None:
        self.template = template
        self._pieces: list[str | tuple[str, tuple[str | int, ...]]] = []
        pos = 0
        for m in _PLACEHOLDER.finditer(template):
            self._pieces.append(template[pos : m.start()])
            self._pieces.append((m.group(1), _parse_path(m.group(1), template)))
            pos = m.end()
        rest = template[pos:]
        if "{" in rest or "}" in rest:
            raise TemplateError(f"unbalanced braces in '{template}'")
        self._pieces.append(rest)

    @property
    def is_static(self) -> bool:
        return len(self._pieces) == 1

    def render(self, payload: Any, *, url: bool) -> str:
        """Fill the placeholders; ``url`` percent-encodes each value as one path segment."""
        out: list[str] = []
        for piece in self._pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            name, path = piece
            value = _lookup(payload, path)
            if value is None or isinstance(value, dict | list):
                what = "missing" if value is None else "not a single value"
                raise MappingFailed(
                    f"'{{{name}}}' in '{self.template}': the payload's field is {what}"
                )
            text = str(value).lower() if isinstance(value, bool) else str(value)
            if url:
                text = quote(text, safe="")
            elif _UNSAFE_HEADER.search(text):
                raise MappingFailed(f"'{{{name}}}' in '{self.template}': line break in value")
            out.append(text)
        return "".join(out)


def _lookup(payload: Any, path: tuple[str | int, ...]) -> Any:
    value = payload
    for part in path:
        if isinstance(part, int):
            if not isinstance(value, list) or part >= len(value):
                return None
        elif not isinstance(value, dict):
            return None
        value = value[part] if isinstance(part, int) else value.get(part)
    return value

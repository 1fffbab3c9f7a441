"""Field paths into JSON-like payloads: ``customer.name``, ``lines[0].sku``, ``lines[].sku``.

Grammar: segments separated by ``.``; a segment is a key (any characters but ``.[]``)
followed by any number of ``[N]`` (that index; negative counts from the end) or ``[]``
(every element). A path starting with ``$.`` is absolute (from the payload root) where a
step resolves paths relative to an object; elsewhere ``$.`` is ignored.

``FieldPath.targets(root)`` yields every (container, key) the path reaches, so steps
read, write or delete there; ``create=True`` makes missing objects along the way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from transforms.pipeline.errors import StepFailure

__all__ = ["Each", "FieldPath", "PathSyntaxError", "Target", "parse_path"]

_SEGMENT = re.compile(r"^([^.\[\]]+)((?:\[-?\d*\])*)$")
_INDEX = re.compile(r"\[(-?\d*)\]")


class PathSyntaxError(ValueError):
    """A field path does not follow the grammar."""


class Each:
    """The ``[]`` token: every element of a list."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "[]"


_EACH = Each()
Token = str | int | Each


@dataclass(frozen=True, slots=True)
class Target:
    """A place the path reaches: ``container[key]`` (the key may be absent)."""

    container: Any
    key: str | int
    trail: tuple[str | int, ...]

    def exists(self) -> bool:
        if isinstance(self.key, str):
            return isinstance(self.container, dict) and self.key in self.container
        return -len(self.container) <= self.key < len(self.container)

    def get(self) -> Any:
        if isinstance(self.key, str):
            return self.container.get(self.key)
        return self.container[self.key] if self.exists() else None

    def describe(self) -> str:
        return render_trail(self.trail)


def render_trail(trail: tuple[str | int, ...]) -> str:
    """``("lines", 2, "sku")`` → ``$.lines[2].sku``."""
    out = "$"
    for part in trail:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


@dataclass(frozen=True, slots=True)
class FieldPath:
    """A parsed path; build with ``parse_path``."""

    text: str
    tokens: tuple[Token, ...]
    absolute: bool

    @property
    def has_each(self) -> bool:
        return any(isinstance(t, Each) for t in self.tokens)

    def targets(self, root: Any, *, create: bool = False) -> Iterator[Target]:
        """Every (container, key) the path reaches in ``root``."""
        yield from _walk(root, self.tokens, (), create)

    def values(self, root: Any) -> list[Any]:
        """Values at every existing target."""
        return [t.get() for t in self.targets(root) if t.exists()]

    def first(self, root: Any) -> Any:
        """The value at the first existing target, or None."""
        for target in self.targets(root):
            if target.exists():
                return target.get()
        return None


def parse_path(text: str) -> FieldPath:
    """Parse ``text``; raise ``PathSyntaxError`` saying what is wrong."""
    absolute = text.startswith("$.")
    body = text[2:] if absolute else text
    if not body:
        raise PathSyntaxError("empty field path")
    tokens: list[Token] = []
    for segment in body.split("."):
        match = _SEGMENT.match(segment)
        if match is None:
            raise PathSyntaxError(
                f"bad segment {segment!r} in path {text!r}: use key, key[N] or key[]"
            )
        tokens.append(match.group(1))
        for index in _INDEX.findall(match.group(2)):
            tokens.append(_EACH if index == "" else int(index))
    if isinstance(tokens[-1], Each):
        raise PathSyntaxError(f"path {text!r} ends with []: name the field inside the elements")
    return FieldPath(text=text, tokens=tuple(tokens), absolute=absolute)


def _walk(
    node: Any, tokens: tuple[Token, ...], trail: tuple[str | int, ...], create: bool
) -> Iterator[Target]:
    head, rest = tokens[0], tokens[1:]
    if isinstance(head, Each):
        if isinstance(node, list):
            for index, child in enumerate(node):
                yield from _walk(child, rest, (*trail, index), create)
        return
    if not rest:
        reachable = isinstance(node, dict) if isinstance(head, str) else isinstance(node, list)
        if reachable:
            yield Target(node, head, (*trail, head))
        elif create and node is not None:
            raise _not_container(node, trail, head)
        return
    child = _child(node, head, trail, create, rest[0])
    if child is not None:
        yield from _walk(child, rest, (*trail, head), create)


def _child(
    node: Any, head: str | int, trail: tuple[str | int, ...], create: bool, nxt: Token
) -> Any:
    if isinstance(head, str):
        if not isinstance(node, dict):
            if create and node is not None:
                raise _not_container(node, trail, head)
            return None
        child = node.get(head)
        if child is None and create and isinstance(nxt, str):
            child = node[head] = {}
        return child
    if isinstance(node, list) and -len(node) <= head < len(node):
        return node[head]
    return None


def _not_container(node: Any, trail: tuple[str | int, ...], head: str | int) -> StepFailure:
    kind = "an object" if isinstance(head, str) else "a list"
    return StepFailure(
        f"is {type(node).__name__}, not {kind}; cannot reach {head!r}",
        path=render_trail(trail),
        value=node,
    )

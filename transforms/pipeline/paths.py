"""Field paths into JSON-like payloads: ``customer.name``, ``lines[0].sku``, ``lines[].sku``.

Grammar: segments separated by ``.``; a segment is a key (any characters but ``.[]``)
followed by any number of ``[N]`` (that index; negative counts from the end) or ``[]``
(every element). A path starting with ``$.`` is absolute (from the payload root) where a
step resolves paths relative to an object; elsewhere ``$.`` is ignored.

``FieldPath.targets(root)`` lists every (container, key) the path reaches, so steps
read, write or delete there; ``create=True`` makes missing objects along the way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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


class Target:
    """A place the path reaches: ``container[key]`` (the key may be absent).

    ``indices`` are the list positions chosen at each ``[]`` of the path; ``describe()``
    turns them into the concrete path for messages.
    """

    __slots__ = ("container", "indices", "key", "path")

    def __init__(
        self, container: Any, key: str | int, path: FieldPath, indices: tuple[int, ...]
    ) -> None:
        self.container = container
        self.key = key
        self.path = path
        self.indices = indices

    def exists(self) -> bool:
        if isinstance(self.key, str):
            return self.key in self.container
        return -len(self.container) <= self.key < len(self.container)

    def get(self) -> Any:
        if isinstance(self.key, str):
            return self.container.get(self.key)
        return self.container[self.key] if self.exists() else None

    def describe(self) -> str:
        return render_trail(_trail(self.path.tokens, self.indices))


def _trail(tokens: tuple[Token, ...], indices: tuple[int, ...]) -> tuple[str | int, ...]:
    chosen = iter(indices)
    return tuple(next(chosen, 0) if isinstance(t, Each) else t for t in tokens)


def render_trail(trail: tuple[str | int, ...]) -> str:
    """``("lines", 2, "sku")`` → ``$.lines[2].sku``."""
    out = "$"
    for part in trail:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


class FieldPath:
    """A parsed path; build with ``parse_path``."""

    __slots__ = ("_inner", "_last", "absolute", "has_each", "holders", "text", "tokens")

    def __init__(self, text: str, tokens: tuple[Token, ...], absolute: bool) -> None:
        self.text = text
        self.tokens = tokens
        self.absolute = absolute
        self.has_each = any(isinstance(t, Each) for t in tokens)
        self._inner = tokens[:-1]
        self._last = tokens[-1]
        self.holders: Callable[[Any], list[dict[str, Any]]] = _compile_holders(self._inner)
        """``holders(root)``: the objects the path's last key is looked up in (generated
        loops; no ``create``)."""

    def __repr__(self) -> str:
        return f"FieldPath({self.text!r})"

    def targets(self, root: Any, *, create: bool = False) -> list[Target]:
        """Every (container, key) the path reaches in ``root``; with ``create``, missing
        objects on the way are made (and reaching through a scalar is a StepFailure)."""
        tokens = self.tokens
        nodes: list[tuple[Any, tuple[int, ...]]] = [(root, ())]
        for position, token in enumerate(self._inner):
            reached: list[tuple[Any, tuple[int, ...]]] = []
            for node, indices in nodes:
                if isinstance(token, Each):
                    if isinstance(node, list):
                        reached.extend((child, (*indices, i)) for i, child in enumerate(node))
                    continue
                if isinstance(token, str):
                    if not isinstance(node, dict):
                        if create and node is not None:
                            raise _not_container(node, _trail(tokens[:position], indices), token)
                        continue
                    child = node.get(token)
                    if child is None and create and isinstance(tokens[position + 1], str):
                        child = node[token] = {}
                elif isinstance(node, list) and -len(node) <= token < len(node):
                    child = node[token]
                else:
                    continue
                if child is not None:
                    reached.append((child, indices))
            nodes = reached
        last = self._last
        assert not isinstance(last, Each)  # parse_path refuses a trailing []
        found = []
        for node, indices in nodes:
            if isinstance(node, dict) if isinstance(last, str) else isinstance(node, list):
                found.append(Target(node, last, self, indices))
            elif create and node is not None:
                raise _not_container(node, _trail(self._inner, indices), last)
        return found

    @property
    def field_name(self) -> str | None:
        """The last token when it is a key (``lines[].sku`` → ``sku``), else None."""
        return self._last if isinstance(self._last, str) else None

    def describe_in(self, root: Any, holder: Any) -> str:
        """Concrete path (``$.lines[2].sku``) of this path's field inside ``holder``."""
        for target in self.targets(root):
            if target.container is holder:
                return target.describe()
        return render_trail(_trail(self.tokens, ()))

    def values(self, root: Any) -> list[Any]:
        """Values at every existing target."""
        return [t.get() for t in self.targets(root) if t.exists()]

    def first(self, root: Any) -> Any:
        """The value at the first existing target, or None."""
        if not self.has_each:
            value = root
            for token in self.tokens:
                if isinstance(token, str):
                    if not isinstance(value, dict):
                        return None
                    value = value.get(token)
                elif (
                    isinstance(token, int)
                    and isinstance(value, list)
                    and -len(value) <= token < len(value)
                ):
                    value = value[token]
                else:
                    return None
            return value
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


def _not_container(node: Any, trail: tuple[str | int, ...], head: str | int) -> StepFailure:
    kind = "an object" if isinstance(head, str) else "a list"
    return StepFailure(
        f"is {type(node).__name__}, not {kind}; cannot reach {head!r}",
        path=render_trail(trail),
        value=node,
    )


def _compile_holders(inner: tuple[Token, ...]) -> Callable[[Any], list[dict[str, Any]]]:
    """Generate nested loops walking ``inner`` and collecting the objects reached: the
    hot path of ``lookup`` and ``convert``. Only ``repr`` of keys and ints reach the source."""
    lines = ["def holders(n0):", "    out = []"]
    indent = "    "
    for depth, token in enumerate(inner):
        node, child = f"n{depth}", f"n{depth + 1}"
        if isinstance(token, Each):
            lines.append(f"{indent}if {node}.__class__ is list:")
            lines.append(f"{indent}    for {child} in {node}:")
            indent += "        "
        elif isinstance(token, str):
            lines.append(f"{indent}if {node}.__class__ is dict:")
            lines.append(f"{indent}    {child} = {node}.get({token!r})")
            indent += "    "
        else:
            bound = -token - 1 if token < 0 else token
            lines.append(f"{indent}if {node}.__class__ is list and {bound} < len({node}):")
            lines.append(f"{indent}    {child} = {node}[{token!r}]")
            indent += "    "
    last = f"n{len(inner)}"
    lines.append(f"{indent}if {last}.__class__ is dict:")
    lines.append(f"{indent}    out.append({last})")
    lines.append("    return out")
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines) + "\n", "<field path>", "exec"), namespace)
    holders: Callable[[Any], list[dict[str, Any]]] = namespace["holders"]
    return holders

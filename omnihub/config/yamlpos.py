"""Read YAML into plain Python data while remembering where every value came from.

PyYAML's composer gives a node tree with start marks; we build the data from it
ourselves so that each path (``("routes", 0, "tier")``) maps to its line and column.
Duplicate keys are refused here: PyYAML would silently keep the last one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

__all__ = ["Path", "Position", "YamlDocument", "YamlSyntaxError", "parse_yaml"]

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


class YamlSyntaxError(Exception):
    """The text is not valid YAML (or repeats a key)."""

    def __init__(self, message: str, position: Position | None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


@dataclass(slots=True)
class YamlDocument:
    data: Any
    # Position of each value, and of each mapping key (under the path + ("<key>",)).
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)

    def position_of(self, path: Path) -> Position | None:
        """Best position for a path: the key if known, else the value, else the nearest parent."""
        probe = path
        while True:
            pos = self.keys.get(probe) or self.values.get(probe)
            if pos is not None or not probe:
                return pos
            probe = probe[:-1]


def _pos(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self._constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.doc.values[path] = _pos(node)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in self._pairs(node):
                key = self._constructor.construct_object(key_node, deep=True)
                if not isinstance(key, str | int):
                    raise YamlSyntaxError(f"mapping key {key!r} must be a string", _pos(key_node))
                if key in out:
                    raise YamlSyntaxError(f"key '{key}' appears twice", _pos(key_node))
                self.doc.keys[(*path, key)] = _pos(key_node)
                out[key] = self.build(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._constructor.construct_object(node, deep=True)

    def _pairs(self, node: yaml.MappingNode) -> Iterator[tuple[yaml.Node, yaml.Node]]:
        # Resolve YAML merge keys (<<) the way the safe loader would.
        self._constructor.flatten_mapping(node)
        yield from node.value


def _marked(exc: yaml.MarkedYAMLError) -> YamlSyntaxError:
    """PyYAML's problem with its context ("while parsing a flow mapping in line 12,
    column 13: expected ',' or '}'..."), at the problem's position."""
    mark, where = exc.problem_mark, exc.context_mark
    message = str(exc.problem or exc)
    if exc.context:
        at = f" in line {where.line + 1}, column {where.column + 1}" if where is not None else ""
        message = f"{exc.context}{at}: {message}"
    pos = Position(mark.line + 1, mark.column + 1) if mark is not None else None
    return YamlSyntaxError(message, pos)


def parse_yaml(text: str) -> YamlDocument:
    """Parse one YAML document; raise `YamlSyntaxError` with a position on bad input."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise _marked(exc) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(str(exc), None) from None
    doc = YamlDocument(data=None)
    if node is not None:
        try:
            doc.data = _Builder(doc).build(node, ())
        except yaml.constructor.ConstructorError as exc:
            raise _marked(exc) from None
    return doc

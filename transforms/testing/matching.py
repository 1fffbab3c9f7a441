"""Comparing actual pipeline outputs with expected ones, and readable diffs."""

from __future__ import annotations

import difflib
from typing import Any

import msgspec
import yaml

__all__ = ["matches", "project", "render_diff"]


def matches(expected: Any, actual: Any, *, subset: bool) -> bool:
    """True when ``actual`` equals ``expected`` (or contains it, with ``subset``)."""
    if not subset:
        return _same(expected, actual)
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and matches(value, actual[key], subset=True)
            for key, value in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(matches(e, a, subset=True) for e, a in zip(expected, actual, strict=True))
        )
    return _same(expected, actual)


def _same(expected: Any, actual: Any) -> bool:
    # true == 1 in Python; not in JSON
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            _same(v, actual[k]) for k, v in expected.items()
        )
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            _same(e, a) for e, a in zip(expected, actual, strict=True)
        )
    return bool(expected == actual)


def project(expected: Any, actual: Any) -> Any:
    """``actual`` cut down to the keys ``expected`` names (for subset diffs)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return {k: project(v, actual[k]) for k, v in expected.items() if k in actual}
    if isinstance(expected, list) and isinstance(actual, list):
        return [project(e, a) for e, a in zip(expected, actual, strict=False)] + actual[
            len(expected) :
        ]
    return actual


def _render(value: Any) -> list[str]:
    plain = msgspec.to_builtins(value)
    text = yaml.safe_dump(plain, sort_keys=True, allow_unicode=True, default_flow_style=False)
    return text.splitlines()


def render_diff(expected: Any, actual: Any) -> str:
    """A unified diff of the two values rendered as YAML (keys sorted)."""
    lines = difflib.unified_diff(
        _render(expected), _render(actual), "expected", "actual", lineterm="", n=3
    )
    return "\n".join(lines)

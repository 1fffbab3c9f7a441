"""Environment references in configuration values: ``${env:NAME}`` or ``${env:NAME:-default}``.

A value that is exactly one reference becomes an `EnvString` (so a `Secret` field can
insist on coming from the environment); references inside a longer string are
substituted in place. A variable that is not set and has no default is a problem that
names it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from omnihub.config.yamlpos import Path

__all__ = ["EnvString", "MissingVariable", "resolve_env"]

_REF = re.compile(r"\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class EnvString(str):
    """A string whose whole value came from one environment reference."""

    __slots__ = ()


class MissingVariable(Exception):
    def __init__(self, name: str, path: Path) -> None:
        super().__init__(name)
        self.name = name
        self.path = path


def resolve_env(
    data: Any, env: Mapping[str, str], on_missing: Callable[[MissingVariable], None]
) -> Any:
    """Return `data` with every reference substituted; report each missing variable."""

    def walk(value: Any, path: Path) -> Any:
        if isinstance(value, dict):
            return {k: walk(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, (*path, i)) for i, v in enumerate(value)]
        if not isinstance(value, str) or "${" not in value:
            return value

        def sub(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if name in env:
                return env[name]
            if default is not None:
                return default
            on_missing(MissingVariable(name, path))
            return ""

        whole = _REF.fullmatch(value) is not None
        out = _REF.sub(sub, value)
        return EnvString(out) if whole else out

    return walk(data, ())

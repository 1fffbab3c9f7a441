"""What is wrong with a configuration, where, and what to do about it."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

__all__ = ["ConfigError", "ConfigProblem"]


class ConfigProblem(msgspec.Struct, frozen=True, kw_only=True):
    file: str  # relative to the configuration directory
    line: int | None
    column: int | None = None
    key: str  # dotted path to the offending key, e.g. "routes.orders.tier"
    message: str
    hint: str = ""
    kind: str = "invalid"  # yaml-syntax, unknown-field, invalid, reference, env, duplicate

    def format(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.key or '<top>'}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


class ConfigError(Exception):
    """The configuration cannot be used. Carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[ConfigProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.key))
        super().__init__(self.report())

    def report(self) -> str:
        n = len(self.problems)
        lines = [f"configuration has {n} problem{'s' if n != 1 else ''}:"]
        lines += [f"  {p.format()}" for p in self.problems]
        return "\n".join(lines)

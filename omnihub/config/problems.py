"""What is wrong with a configuration, where, and what to do about it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from omnihub.config.model import HubConfig

__all__ = ["ConfigError", "ConfigProblem"]


class ConfigProblem(msgspec.Struct, frozen=True, kw_only=True):
    file: str  # relative to the configuration directory
    line: int | None
    column: int | None = None
    key: str  # dotted path to the offending key, e.g. "routes.orders.tier"
    message: str
    hint: str = ""
    # yaml-syntax, unknown-field, invalid, reference, env, duplicate, missing (file or folder)
    kind: str = "invalid"

    def format(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


class ConfigError(Exception):
    """The configuration cannot be used. Carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[ConfigProblem], config: HubConfig | None = None) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.key))
        # The configuration as decoded, when every file decoded and only cross-checks
        # failed: `routes check` runs the workers' own checks on it too.
        self.config = config
        super().__init__(self.report())

    def report(self) -> str:
        """One line for one problem; else a count and one indented line per problem."""
        n = len(self.problems)
        if n == 1:
            return f"configuration problem: {self.problems[0].format()}"
        lines = [f"configuration has {n} problems:"]
        lines += [f"  {p.format()}" for p in self.problems]
        return "\n".join(lines)

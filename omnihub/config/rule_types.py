"""What a lint rule is given and what it yields: shared by every rule module."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping

import msgspec

from omnihub.config.model import HubConfig
from omnihub.config.yamlpos import Path

__all__ = ["Finding", "Rule", "RuleContext", "suggest"]


class Finding(msgspec.Struct, frozen=True):
    path: Path  # e.g. ("routes", "orders", "tier")
    message: str
    hint: str = ""


class RuleContext(msgspec.Struct, frozen=True):
    config: HubConfig
    # Every id written in each section, including entries that failed to decode, so that a
    # reference to a broken entry is not reported a second time as dangling.
    declared: Mapping[str, frozenset[str]]
    broken: frozenset[tuple[str, str]]


Rule = Callable[[RuleContext], Iterator[Finding]]


def suggest(name: str, known: Iterable[str], what: str) -> str:
    """A hint for a name that is not among `known`: the closest one, or all of them."""
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"known {what}: {', '.join(known) or 'none'}"

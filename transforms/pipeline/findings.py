"""Lint findings: what is wrong with a step list, with a path into it."""

from __future__ import annotations

import enum

import msgspec

__all__ = ["Finding", "FindingKind", "Location", "format_location"]

Location = tuple[str | int, ...]
"""Path into the step list: ``(2, "fields", "lines", "$to", "sku")`` is
``steps[2].fields.lines.$to.sku``. Integers index lists, strings are mapping keys."""


class FindingKind(enum.Enum):
    """What kind of problem a finding reports."""

    DUPLICATE_LABEL = "duplicate_label"
    UNKNOWN_TABLE = "unknown_table"
    BAD_EXPRESSION = "bad_expression"
    UNKNOWN_CANONICAL_TYPE = "unknown_canonical_type"
    BAD_PATH = "bad_path"
    BAD_TEMPLATE = "bad_template"
    BAD_CONVERSION = "bad_conversion"
    BAD_STEP = "bad_step"


def format_location(location: Location) -> str:
    """Render a location as ``steps[2].fields.lines``."""
    out = "steps"
    for part in location:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


class Finding(msgspec.Struct, frozen=True, kw_only=True):
    """One problem found in a pipeline's steps.

    Attributes:
        kind: the rule that found it.
        pipeline: pipeline name.
        location: path into the step list (see ``Location``); the config loader maps it
            to file:line.
        message: what is wrong and what to do.
    """

    kind: FindingKind
    pipeline: str
    location: Location
    message: str

    def describe(self) -> str:
        return f"{format_location(self.location)}: {self.message} [{self.kind.value}]"

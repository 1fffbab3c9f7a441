"""Errors raised by pipelines.

Tree::

    PipelineError            a step failed on a message (gateway: 422; worker: dead-letter)
    PipelineCompileError     the step list does not compile (carries the lint findings)
    StepFailure              internal: raised inside a step, turned into PipelineError
                             with the pipeline name and step label by the runner
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from transforms.pipeline.findings import Finding

__all__ = ["NO_VALUE", "PipelineCompileError", "PipelineError", "StepFailure", "excerpt"]

_EXCERPT_LIMIT = 60


def excerpt(value: Any, limit: int = _EXCERPT_LIMIT) -> str:
    """A short JSON rendering of ``value`` for error messages (cut at ``limit`` chars)."""
    try:
        text = msgspec.json.encode(value).decode()
    except (TypeError, msgspec.EncodeError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


NO_VALUE: Any = object()
"""Marks a ``StepFailure`` without an offending value (None is a value: ``null``)."""


class StepFailure(Exception):
    """Raised by a step's code: what went wrong, where in the payload, and the value."""

    def __init__(self, reason: str, *, path: str | None = None, value: Any = NO_VALUE) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path
        self.value = value


class PipelineError(Exception):
    """A step of a pipeline failed on one message.

    Attributes:
        pipeline: pipeline name given to ``compile_pipeline`` (e.g. the route id).
        step: label of the failing step.
        reason: what went wrong and, where possible, what to do.
        path: field path in the payload at that step, ``$.lines[1].sku``, or None.
        excerpt: short JSON excerpt of the offending value, or None.
    """

    def __init__(
        self,
        *,
        pipeline: str,
        step: str,
        reason: str,
        path: str | None = None,
        excerpt: str | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.step = step
        self.reason = reason
        self.path = path
        self.excerpt = excerpt
        super().__init__(self.describe())

    def describe(self) -> str:
        where = f", at {self.path}" if self.path else ""
        value = f" (value: {self.excerpt})" if self.excerpt is not None else ""
        return f"pipeline {self.pipeline!r}, step {self.step!r}{where}: {self.reason}{value}"


class PipelineCompileError(Exception):
    """The steps given to ``compile_pipeline`` have problems; ``findings`` lists them."""

    def __init__(self, name: str, findings: Sequence[Finding]) -> None:
        self.name = name
        self.findings = tuple(findings)
        lines = "\n".join(f"  {f.describe()}" for f in self.findings)
        super().__init__(f"pipeline {name!r} does not compile:\n{lines}")

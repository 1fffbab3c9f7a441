"""Lint rule: every step label is used once in a pipeline (nested steps included)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from transforms.pipeline.findings import Finding, FindingKind, Location, format_location
from transforms.pipeline.spec import Step, WhenStep

__all__ = ["check_labels", "walk_steps"]


def walk_steps(steps: Sequence[Step], at: Location = ()) -> Iterator[tuple[Location, Step]]:
    """Every step with its location, depth first (``when`` bodies after the ``when``)."""
    for index, step in enumerate(steps):
        here = (*at, index)
        yield here, step
        if isinstance(step, WhenStep):
            yield from walk_steps(step.steps, (*here, "steps"))
            yield from walk_steps(step.otherwise, (*here, "otherwise"))


def check_labels(steps: Sequence[Step], pipeline: str) -> list[Finding]:
    first_seen: dict[str, Location] = {}
    findings = []
    for at, step in walk_steps(steps):
        if step.label in first_seen:
            findings.append(
                Finding(
                    kind=FindingKind.DUPLICATE_LABEL,
                    pipeline=pipeline,
                    location=(*at, "label"),
                    message=f"label {step.label!r} is already used by "
                    f"{format_location(first_seen[step.label])}; labels must be unique",
                )
            )
        else:
            first_seen[step.label] = at
    return findings

"""``compile_pipeline`` and ``lint_pipeline``: step specs → one plain callable."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from transforms.pipeline.context import PipelineContext, PipelineOutput
from transforms.pipeline.env import CompileEnv
from transforms.pipeline.errors import PipelineCompileError
from transforms.pipeline.findings import Finding, FindingKind, Location
from transforms.pipeline.labels import check_labels, walk_steps
from transforms.pipeline.runner import Message, StepFn, sequence
from transforms.pipeline.spec import FilterStep, Step, Table, WhenStep
from transforms.pipeline.steps import STEP_COMPILERS

__all__ = ["Pipeline", "compile_pipeline", "lint_pipeline"]


class Pipeline:
    """A compiled pipeline: ``pipeline(payload, ctx)`` → outputs.

    The pipeline takes ownership of ``payload`` (steps may change it in place); pass a
    freshly decoded value. Raises ``PipelineError`` when a step fails.
    """

    __slots__ = ("_run", "labels", "name")

    def __init__(self, name: str, run: StepFn, labels: tuple[str, ...]) -> None:
        self.name = name
        self.labels = labels
        self._run = run

    def __call__(self, payload: Any, ctx: PipelineContext) -> list[PipelineOutput]:
        messages = self._run(Message(payload, ctx.event_type, changed=False), ctx)
        return [
            PipelineOutput(
                payload=m.payload,
                event_type=m.event_type,
                flags=tuple(m.flags),
                unchanged=not m.changed,
            )
            for m in messages
        ]

    def __repr__(self) -> str:
        return f"Pipeline({self.name!r}, steps={list(self.labels)})"


def _compile_steps(env: CompileEnv, steps: Sequence[Step], at: Location) -> StepFn:
    labelled: list[tuple[str, StepFn, bool]] = []
    for index, step in enumerate(steps):
        compile_step = STEP_COMPILERS.get(type(step))
        if compile_step is None:
            env.report(
                FindingKind.BAD_STEP, (*at, index), f"unknown step type {type(step).__name__}"
            )
            continue
        changes = not isinstance(step, _CONDITIONS)
        labelled.append((step.label, compile_step(step, env, (*at, index)), changes))
    return sequence(env.pipeline, labelled)


# Steps that only decide which steps run (their nested steps mark what they change).
_CONDITIONS = (WhenStep, FilterStep)


def _build(
    steps: Sequence[Step], tables: Mapping[str, Table], name: str
) -> tuple[StepFn, list[Finding]]:
    env = CompileEnv(pipeline=name, tables=tables, compile_steps=_compile_steps)
    run = _compile_steps(env, steps, ())
    return run, [*check_labels(steps, name), *env.findings]


def lint_pipeline(steps: Sequence[Step], tables: Mapping[str, Table], name: str) -> list[Finding]:
    """Every problem in ``steps`` (duplicate labels, unknown tables or canonical types,
    bad expressions, paths, templates and conversions), each with its location."""
    return _build(steps, tables, name)[1]


def compile_pipeline(steps: Sequence[Step], *, tables: Mapping[str, Table], name: str) -> Pipeline:
    """Compile ``steps`` once into a ``Pipeline``; ``PipelineCompileError`` lists the
    findings when there are any. ``name`` (route or delivery id) appears in errors."""
    run, findings = _build(steps, tables, name)
    if findings:
        raise PipelineCompileError(name, findings)
    labels = tuple(step.label for _, step in walk_steps(steps))
    return Pipeline(name, run, labels)

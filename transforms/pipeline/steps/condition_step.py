"""``when`` (run nested steps if a condition holds, else ``otherwise``) and ``filter``
(keep the message only if a condition holds)."""

from __future__ import annotations

from transforms.pipeline.context import PipelineContext
from transforms.pipeline.env import CompileEnv
from transforms.pipeline.expressions import is_truthy
from transforms.pipeline.findings import FindingKind, Location
from transforms.pipeline.runner import Message, StepFn
from transforms.pipeline.spec import FilterStep, WhenStep

__all__ = ["compile_filter", "compile_when"]


def compile_when(spec: WhenStep, env: CompileEnv, at: Location) -> StepFn:
    condition = env.expression(spec.condition, (*at, "condition")).evaluate
    if not spec.steps:
        env.report(FindingKind.BAD_STEP, (*at, "steps"), "when needs at least one step")
    then = env.steps(spec.steps, (*at, "steps"))
    otherwise = env.steps(spec.otherwise, (*at, "otherwise")) if spec.otherwise else None

    def run(message: Message, ctx: PipelineContext) -> list[Message]:
        if is_truthy(condition(message.payload)):
            return then(message, ctx)
        return otherwise(message, ctx) if otherwise is not None else [message]

    return run


def compile_filter(spec: FilterStep, env: CompileEnv, at: Location) -> StepFn:
    condition = env.expression(spec.condition, (*at, "condition")).evaluate

    def run(message: Message, ctx: PipelineContext) -> list[Message]:
        return [message] if is_truthy(condition(message.payload)) else []

    return run

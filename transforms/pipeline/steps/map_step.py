"""``map``: replace the payload by a template evaluated against it."""

from __future__ import annotations

from transforms.pipeline.context import PipelineContext
from transforms.pipeline.env import CompileEnv
from transforms.pipeline.findings import Location
from transforms.pipeline.runner import Message, StepFn
from transforms.pipeline.spec import MapStep
from transforms.pipeline.template import compile_template

__all__ = ["compile_map"]


def compile_map(spec: MapStep, env: CompileEnv, at: Location) -> StepFn:
    build = compile_template(
        spec.template, env, (*at, "template"), omit_nulls=spec.omit_nulls, move=True
    )

    def run(message: Message, ctx: PipelineContext) -> list[Message]:
        message.payload = build(message.payload, message.payload, ctx)
        return [message]

    return run

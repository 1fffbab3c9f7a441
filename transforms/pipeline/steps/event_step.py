"""``event``: choose the event type published for the message."""

from __future__ import annotations

from transforms.pipeline.context import PipelineContext
from transforms.pipeline.env import CompileEnv
from transforms.pipeline.errors import StepFailure
from transforms.pipeline.expressions import is_truthy
from transforms.pipeline.findings import Location
from transforms.pipeline.runner import Message, StepFn
from transforms.pipeline.spec import EventStep

__all__ = ["compile_event"]


def compile_event(spec: EventStep, env: CompileEnv, at: Location) -> StepFn:
    if spec.type is not None:
        constant = spec.type

        def fixed(message: Message, ctx: PipelineContext) -> list[Message]:
            message.event_type = constant
            return [message]

        return fixed
    cases = [
        (env.expression(case.when, (*at, "cases", i, "when")).evaluate, case.type)
        for i, case in enumerate(spec.cases)
    ]
    default = spec.default
    tried = ", ".join(case.when for case in spec.cases)

    def choose(message: Message, ctx: PipelineContext) -> list[Message]:
        for condition, event_type in cases:
            if is_truthy(condition(message.payload)):
                message.event_type = event_type
                return [message]
        if default is None:
            raise StepFailure(f"no case matched ({tried}) and there is no default; add one")
        message.event_type = default
        return [message]

    return choose

"""``drop``: remove fields (missing ones are ignored)."""

from __future__ import annotations

from transforms.pipeline.context import PipelineContext
from transforms.pipeline.env import CompileEnv
from transforms.pipeline.findings import Location
from transforms.pipeline.runner import Message, StepFn
from transforms.pipeline.spec import DropStep

__all__ = ["compile_drop"]


def compile_drop(spec: DropStep, env: CompileEnv, at: Location) -> StepFn:
    paths = [env.path(text, (*at, "fields", i)) for i, text in enumerate(spec.fields)]

    def run(message: Message, ctx: PipelineContext) -> list[Message]:
        for path in paths:
            # delete from the end so list indexes stay valid
            for target in reversed(path.targets(message.payload)):
                if target.exists():
                    del target.container[target.key]
        return [message]

    return run

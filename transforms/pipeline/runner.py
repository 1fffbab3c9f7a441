"""Running compiled steps: the message passed between steps and the sequence runner that
turns step failures into ``PipelineError`` with the pipeline name and step label."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from transforms.pipeline.context import PipelineContext
from transforms.pipeline.errors import NO_VALUE, PipelineError, StepFailure, excerpt

__all__ = ["Message", "StepFn", "sequence"]


class Message:
    """A payload and its event type on their way through the steps (mutable), with the
    flags steps raised about it (e.g. ``reconcile`` with ``on_mismatch: flag``): what the
    message's journey should say."""

    __slots__ = ("event_type", "flags", "payload")

    def __init__(self, payload: Any, event_type: str | None, flags: Sequence[str] = ()) -> None:
        self.payload = payload
        self.event_type = event_type
        self.flags = list(flags)


StepFn = Callable[[Message, PipelineContext], list[Message]]
"""A compiled step: one message in, zero or more out (usually the same one)."""


def sequence(pipeline: str, steps: Sequence[tuple[str, StepFn]]) -> StepFn:
    """Chain labelled steps into one; failures name ``pipeline`` and the step label."""
    labelled = tuple(steps)

    def run(message: Message, ctx: PipelineContext) -> list[Message]:
        current = [message]
        label = "?"
        try:
            for step_label, step in labelled:
                label = step_label
                if len(current) == 1:
                    current = step(current[0], ctx)
                else:
                    produced: list[Message] = []
                    for item in current:
                        produced.extend(step(item, ctx))
                    current = produced
                if not current:
                    break
        except PipelineError:
            raise
        except StepFailure as failure:
            raise PipelineError(
                pipeline=pipeline,
                step=label,
                reason=failure.reason,
                path=failure.path,
                excerpt=None if failure.value is NO_VALUE else excerpt(failure.value),
            ) from failure
        except Exception as exc:  # a step's expression or conversion broke on this data
            raise PipelineError(
                pipeline=pipeline, step=label, reason=f"{type(exc).__name__}: {exc}"
            ) from exc
        return current

    return run

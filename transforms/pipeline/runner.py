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
    message's journey should say. ``changed``: whether a step other than a condition ran
    on it (a message only conditions saw is the payload it started as)."""

    __slots__ = ("changed", "event_type", "flags", "payload")

    def __init__(
        self,
        payload: Any,
        event_type: str | None,
        flags: Sequence[str] = (),
        *,
        changed: bool = True,
    ) -> None:
        self.payload = payload
        self.event_type = event_type
        self.flags = list(flags)
        self.changed = changed


StepFn = Callable[[Message, PipelineContext], list[Message]]
"""A compiled step: one message in, zero or more out (usually the same one)."""


def sequence(pipeline: str, steps: Sequence[tuple[str, StepFn, bool]]) -> StepFn:
    """Chain labelled steps into one; failures name ``pipeline`` and the step label. Each
    step says whether it may change a message (every step but a condition, whose nested
    steps mark what they change themselves); the messages it returns are marked
    `changed`."""
    labelled = tuple(steps)

    def run(message: Message, ctx: PipelineContext) -> list[Message]:
        current = [message]
        label = "?"
        try:
            for step_label, step, changes in labelled:
                label = step_label
                if len(current) == 1:
                    current = step(current[0], ctx)
                else:
                    produced: list[Message] = []
                    for item in current:
                        produced.extend(step(item, ctx))
                    current = produced
                if changes:
                    for item in current:
                        item.changed = True
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

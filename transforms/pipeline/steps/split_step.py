"""``split``: one message per element (or per group of elements) of an array."""

from __future__ import annotations

from typing import Any

import msgspec

from transforms.pipeline.context import PipelineContext
from transforms.pipeline.env import CompileEnv
from transforms.pipeline.errors import StepFailure
from transforms.pipeline.expressions import Evaluator
from transforms.pipeline.findings import FindingKind, Location
from transforms.pipeline.paths import Target
from transforms.pipeline.runner import Message, StepFn
from transforms.pipeline.spec import SplitEmit, SplitStep
from transforms.pipeline.template import compile_template
from transforms.pipeline.values import clone

__all__ = ["compile_split", "group_elements"]


def _group_key(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return (type(value).__name__, value)
    return ("json", msgspec.json.encode(value, order="sorted"))


def group_elements(elements: list[Any], key: Evaluator | None) -> list[list[Any]]:
    """Elements grouped by ``key`` (first-seen order); each alone without a key."""
    if key is None:
        return [[element] for element in elements]
    groups: dict[Any, list[Any]] = {}
    for element in elements:
        groups.setdefault(_group_key(key(element)), []).append(element)
    return list(groups.values())


def compile_split(spec: SplitStep, env: CompileEnv, at: Location) -> StepFn:
    field = env.path(spec.field, (*at, "field"))
    if field.has_each:
        env.report(FindingKind.BAD_PATH, (*at, "field"), "split needs one array: no [] in field")
    key = env.expression(spec.group_by, (*at, "group_by")).evaluate if spec.group_by else None
    build = (
        compile_template(spec.template, env, (*at, "template"), move=True)
        if spec.template is not None
        else None
    )
    emit_item = spec.emit is SplitEmit.ITEM

    def run(message: Message, ctx: PipelineContext) -> list[Message]:
        root = message.payload
        target = _array(field.targets(root), spec.field)
        elements = target.get()
        event, flags = message.event_type, message.flags
        if emit_item:
            if build is None:
                return [Message(element, event, flags) for element in elements]
            return [Message(build(element, root, ctx), event, flags) for element in elements]
        outputs = []
        target.container[target.key] = []
        try:
            for group in group_elements(elements, key):
                copy = clone(root)
                _array(field.targets(copy), spec.field).container[target.key] = group
                outputs.append(Message(copy, event, flags))
        finally:
            target.container[target.key] = elements
        return outputs

    return run


def _array(targets: list[Target], text: str) -> Target:
    for target in targets:
        if isinstance(target.get(), list):
            return target
        raise StepFailure(
            f"split needs a list at {text}", path=target.describe(), value=target.get()
        )
    raise StepFailure(f"split needs a list at {text}, found nothing there")

"""``set`` and ``default``: write template values at field paths (``default`` only where
the field is missing or null), optionally within each object of a ``scope``."""

from __future__ import annotations

from typing import Any

from transforms.pipeline.context import PipelineContext
from transforms.pipeline.env import CompileEnv
from transforms.pipeline.errors import StepFailure
from transforms.pipeline.findings import Location
from transforms.pipeline.paths import FieldPath
from transforms.pipeline.runner import Message, StepFn
from transforms.pipeline.spec import DefaultStep, SetStep
from transforms.pipeline.template import TemplateFn, compile_template

__all__ = ["compile_default", "compile_set", "scope_objects"]


def scope_objects(scope: FieldPath | None, root: Any) -> list[Any]:
    """The objects a ``scope`` selects: the values at the path, lists flattened."""
    if scope is None:
        return [root]
    found: list[Any] = []
    for value in scope.values(root):
        if isinstance(value, list):
            found.extend(v for v in value if isinstance(v, dict))
        elif isinstance(value, dict):
            found.append(value)
    return found


def compile_set(spec: SetStep, env: CompileEnv, at: Location) -> StepFn:
    return _compile(spec, env, at, only_missing=False)


def compile_default(spec: DefaultStep, env: CompileEnv, at: Location) -> StepFn:
    return _compile(spec, env, at, only_missing=True)


def _compile(
    spec: SetStep | DefaultStep, env: CompileEnv, at: Location, *, only_missing: bool
) -> StepFn:
    scope = None
    if spec.scope is not None:
        text = spec.scope[:-2] if spec.scope.endswith("[]") else spec.scope
        scope = env.path(text, (*at, "scope"))
    assignments: list[tuple[FieldPath, TemplateFn]] = [
        (env.path(key, (*at, "fields", key)), compile_template(value, env, (*at, "fields", key)))
        for key, value in spec.fields.items()
    ]

    def run(message: Message, ctx: PipelineContext) -> list[Message]:
        root = message.payload
        for obj in scope_objects(scope, root):
            for path, build in assignments:
                base = root if path.absolute else obj
                for target in path.targets(base, create=True):
                    if only_missing and target.get() is not None:
                        continue
                    if isinstance(target.key, int) and not target.exists():
                        raise StepFailure("index out of range", path=target.describe())
                    target.container[target.key] = build(obj, root, ctx)
        return [message]

    return run

"""``validate``: check the payload against a canonical type (and normalise it)."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from transforms.model import CANONICAL_TYPES
from transforms.pipeline.context import PipelineContext
from transforms.pipeline.env import CompileEnv
from transforms.pipeline.errors import NO_VALUE, StepFailure
from transforms.pipeline.findings import FindingKind, Location
from transforms.pipeline.paths import PathSyntaxError, parse_path
from transforms.pipeline.runner import Message, StepFn
from transforms.pipeline.spec import ValidateStep

__all__ = ["compile_validate", "split_validation_error"]

_AT = re.compile(r"^(.*) - at `(\$[^`]*)`$", re.DOTALL)


def split_validation_error(message: str) -> tuple[str, str | None]:
    """msgspec's ``"Expected `int` - at `$.a[0]`"`` → (reason, ``"$.a[0]"``)."""
    match = _AT.match(message)
    return (match.group(1), match.group(2)) if match else (message, None)


def _value_at(payload: Any, path: str | None) -> Any:
    if path is None or path == "$":
        return NO_VALUE
    try:
        parsed = parse_path(path)
    except PathSyntaxError:
        return NO_VALUE
    targets = [t for t in parsed.targets(payload) if t.exists()]
    return targets[0].get() if targets else NO_VALUE


def compile_validate(spec: ValidateStep, env: CompileEnv, at: Location) -> StepFn:
    struct = CANONICAL_TYPES.get(spec.type)
    if struct is None:
        env.report(
            FindingKind.UNKNOWN_CANONICAL_TYPE,
            (*at, "type"),
            f"unknown canonical type {spec.type!r}; use one of {', '.join(CANONICAL_TYPES)}",
        )
        return lambda message, ctx: [message]
    type_name, normalise = spec.type, spec.normalise

    def run(message: Message, ctx: PipelineContext) -> list[Message]:
        try:
            value = msgspec.convert(message.payload, struct)
        except msgspec.ValidationError as exc:
            reason, path = split_validation_error(str(exc))
            raise StepFailure(
                f"not a valid {type_name}: {reason}",
                path=path,
                value=_value_at(message.payload, path),
            ) from exc
        if normalise:
            message.payload = msgspec.to_builtins(value)
        return [message]

    return run

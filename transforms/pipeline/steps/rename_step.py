"""``rename``: move fields; the new path is relative to the object holding the old one."""

from __future__ import annotations

from transforms.pipeline.context import PipelineContext
from transforms.pipeline.env import CompileEnv
from transforms.pipeline.findings import FindingKind, Location
from transforms.pipeline.paths import FieldPath
from transforms.pipeline.runner import Message, StepFn
from transforms.pipeline.spec import RenameStep

__all__ = ["compile_rename"]


def compile_rename(spec: RenameStep, env: CompileEnv, at: Location) -> StepFn:
    moves: list[tuple[FieldPath, FieldPath]] = []
    for source, dest in spec.fields.items():
        where = (*at, "fields", source)
        source_path, dest_path = env.path(source, where), env.path(dest, where)
        if not isinstance(source_path.tokens[-1], str):
            env.report(FindingKind.BAD_PATH, where, f"rename needs a field name, not {source!r}")
        moves.append((source_path, dest_path))

    def run(message: Message, ctx: PipelineContext) -> list[Message]:
        root = message.payload
        for source, dest in moves:
            for target in source.targets(root):
                if not target.exists():
                    continue
                value = target.container.pop(target.key)
                base = root if dest.absolute else target.container
                for place in dest.targets(base, create=True):
                    place.container[place.key] = value
        return [message]

    return run

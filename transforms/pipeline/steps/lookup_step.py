"""``lookup``: replace values by their entry in a crosswalk table (partner entries
first, then shared ones)."""

from __future__ import annotations

from typing import Any

from transforms.pipeline.context import PipelineContext
from transforms.pipeline.env import CompileEnv
from transforms.pipeline.errors import StepFailure
from transforms.pipeline.findings import FindingKind, Location
from transforms.pipeline.runner import Message, StepFn
from transforms.pipeline.spec import LookupStep, OnMiss, Table, TableValue

__all__ = ["compile_lookup", "table_key"]

_MISSING: Any = object()


def table_key(value: Any) -> str:
    """The text a value is looked up as: ``12`` → ``"12"``, ``12.0`` → ``"12"``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def compile_lookup(spec: LookupStep, env: CompileEnv, at: Location) -> StepFn:
    table = env.tables.get(spec.table)
    if table is None:
        known = ", ".join(sorted(env.tables)) or "none"
        env.report(
            FindingKind.UNKNOWN_TABLE,
            (*at, "table"),
            f"no table named {spec.table!r} in policies (known: {known})",
        )
        table = Table()
    field = env.path(spec.field, (*at, "field"))
    name_key = field.field_name
    if name_key is None:
        env.report(FindingKind.BAD_PATH, (*at, "field"), "lookup field must end with a key")
    dest = env.path(spec.to, (*at, "to")) if spec.to is not None else None
    on_miss = spec.on_miss or table.on_miss
    default = spec.default if spec.default is not None else table.default
    shared, partners, name = table.shared, table.partners, spec.table
    key = name_key or ""

    empty: dict[str, TableValue] = {}

    def miss(value: Any, holder: Any, root: Any, partner: str | None) -> Any:
        if on_miss is OnMiss.KEEP:
            return value
        if on_miss is OnMiss.DEFAULT:
            return default
        whose = f" (partner {partner})" if partner else ""
        raise StepFailure(
            f"no entry for {table_key(value)!r} in table {name!r}{whose}; add it to the "
            "table or set on_miss: keep or default",
            path=field.describe_in(root, holder),
            value=value,
        )

    def run(message: Message, ctx: PipelineContext) -> list[Message]:
        root = message.payload
        partner = ctx.partner_id
        own = partners.get(partner, empty) if partner is not None else empty
        for holder in field.holders(root):
            value = holder.get(key)
            if value is None:
                continue
            text = value if value.__class__ is str else table_key(value)
            found = own.get(text, _MISSING)
            if found is _MISSING:
                found = shared.get(text, _MISSING)
                if found is _MISSING:
                    found = miss(value, holder, root, partner)
            if dest is None:
                holder[key] = found
            else:
                base = root if dest.absolute else holder
                for place in dest.targets(base, create=True):
                    place.container[place.key] = found
        return [message]

    return run

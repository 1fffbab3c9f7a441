"""Templates: YAML values that build JSON values from the current message.

- a string is a JMESPath expression evaluated against the *current* object (the payload,
  or the element being built in ``$each``/``scope``/``split``); objects and lists it
  returns are copied;
- a mapping builds an object key by key, a list builds a list item by item;
- numbers, booleans and null are constants;
- special one-key mappings (keys starting with ``$``):

  ``{$const: value}``              ``value`` as written (use for literal text)
  ``{$root: expr}``                ``expr`` evaluated against the payload root
  ``{$ctx: name}``                 ``partner_id``, ``route_id``, ``event_type`` or
                                   ``now`` (RFC 3339 UTC) from the pipeline context
  ``{$each: expr, $to: template}`` one ``template`` per element of the list ``expr``
                                   gives (element = current); null if not a list
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import Any

from transforms.pipeline.context import PipelineContext
from transforms.pipeline.env import CompileEnv
from transforms.pipeline.findings import FindingKind, Location
from transforms.pipeline.values import clone

__all__ = ["CTX_NAMES", "TemplateFn", "compile_template"]

TemplateFn = Callable[[Any, Any, PipelineContext], Any]
"""(current, root, ctx) → value."""

CTX_NAMES = ("partner_id", "route_id", "event_type", "now")


def _ctx_now(ctx: PipelineContext) -> str:
    return ctx.now.astimezone(UTC).isoformat().replace("+00:00", "Z")


def compile_template(
    node: Any, env: CompileEnv, at: Location, *, omit_nulls: bool = False
) -> TemplateFn:
    """Compile ``node`` (see the module docstring) into a function."""
    if isinstance(node, str):
        evaluate = env.expression(node, at).evaluate

        def expr(current: Any, root: Any, ctx: PipelineContext) -> Any:
            result = evaluate(current)
            return clone(result) if isinstance(result, (dict, list)) else result

        return expr
    if isinstance(node, dict):
        if any(isinstance(k, str) and k.startswith("$") for k in node):
            return _special(node, env, at, omit_nulls)
        return _object(node, env, at, omit_nulls)
    if isinstance(node, list):
        parts = [
            compile_template(v, env, (*at, i), omit_nulls=omit_nulls) for i, v in enumerate(node)
        ]
        return lambda cur, root, ctx: [p(cur, root, ctx) for p in parts]
    return lambda cur, root, ctx: node


def _object(node: dict[Any, Any], env: CompileEnv, at: Location, omit_nulls: bool) -> TemplateFn:
    pairs: list[tuple[str, TemplateFn]] = []
    for key, value in node.items():
        if not isinstance(key, str):
            env.report(
                FindingKind.BAD_TEMPLATE,
                (*at, str(key)),
                f"object key {key!r} must be text; quote it",
            )
        pairs.append(
            (str(key), compile_template(value, env, (*at, str(key)), omit_nulls=omit_nulls))
        )
    if omit_nulls:

        def build_sparse(cur: Any, root: Any, ctx: PipelineContext) -> Any:
            out = {}
            for key, part in pairs:
                value = part(cur, root, ctx)
                if value is not None:
                    out[key] = value
            return out

        return build_sparse
    return lambda cur, root, ctx: {key: part(cur, root, ctx) for key, part in pairs}


def _special(node: dict[Any, Any], env: CompileEnv, at: Location, omit_nulls: bool) -> TemplateFn:
    keys = set(node)
    if keys == {"$const"}:
        constant = node["$const"]
        return lambda cur, root, ctx: clone(constant)
    if keys == {"$root"}:
        evaluate = env.expression(node["$root"], (*at, "$root")).evaluate
        return lambda cur, root, ctx: clone(evaluate(root))
    if keys == {"$ctx"}:
        return _ctx(node["$ctx"], env, at)
    if keys == {"$each", "$to"}:
        items = env.expression(node["$each"], (*at, "$each")).evaluate
        build = compile_template(node["$to"], env, (*at, "$to"), omit_nulls=omit_nulls)

        def each(cur: Any, root: Any, ctx: PipelineContext) -> Any:
            elements = items(cur)
            if not isinstance(elements, list):
                return None
            return [build(element, root, ctx) for element in elements]

        return each
    env.report(
        FindingKind.BAD_TEMPLATE,
        at,
        f"unknown template form with keys {sorted(map(str, keys))}: use $const, $root, $ctx, "
        "or $each with $to (keys starting with $ are reserved)",
    )
    return lambda cur, root, ctx: None


def _ctx(name: Any, env: CompileEnv, at: Location) -> TemplateFn:
    if name == "now":
        return lambda cur, root, ctx: _ctx_now(ctx)
    if name in CTX_NAMES:
        return lambda cur, root, ctx: getattr(ctx, name)
    env.report(
        FindingKind.BAD_TEMPLATE,
        (*at, "$ctx"),
        f"unknown context value {name!r}; use one of {', '.join(CTX_NAMES)}",
    )
    return lambda cur, root, ctx: None

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

A template is compiled into one Python function (generated source, like ``dataclasses``
does): plain field references (``a.b.c``) are inlined as dict look-ups and every other
expression calls its compiled JMESPath evaluator. Only names made here and ``repr`` of
key strings reach the generated source; data never does.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC
from typing import Any

from transforms.pipeline.context import PipelineContext
from transforms.pipeline.env import CompileEnv
from transforms.pipeline.expressions import NOT_CONSTANT
from transforms.pipeline.findings import FindingKind, Location, format_location
from transforms.pipeline.values import clone

__all__ = ["CTX_NAMES", "TemplateFn", "compile_template"]

TemplateFn = Callable[[Any, Any, PipelineContext], Any]
"""(current, root, ctx) → value."""

CTX_NAMES = ("partner_id", "route_id", "event_type", "now")


def _ctx_now(ctx: PipelineContext) -> str:
    return ctx.now.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _sparse(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if v is not None}


def compile_template(
    node: Any, env: CompileEnv, at: Location, *, omit_nulls: bool = False
) -> TemplateFn:
    """Compile ``node`` (see the module docstring) into a function (current, root, ctx)."""
    generator = _Generator(env, omit_nulls)
    body = generator.source(node, at, "cur")
    source = f"def _template(cur, root, ctx):\n    return {body}\n"
    namespace = generator.namespace
    exec(compile(source, f"<template {env.pipeline} {format_location(at)}>", "exec"), namespace)
    template: TemplateFn = namespace["_template"]
    return template


class _Generator:
    def __init__(self, env: CompileEnv, omit_nulls: bool) -> None:
        self.env = env
        self.omit_nulls = omit_nulls
        self.namespace: dict[str, Any] = {
            "_clone": clone,
            "_sparse": _sparse,
            "_now": _ctx_now,
            "_CONTAINERS": (dict, list),
        }
        self._ids = itertools.count()

    def bind(self, value: Any, prefix: str = "_k") -> str:
        name = f"{prefix}{next(self._ids)}"
        self.namespace[name] = value
        return name

    def temp(self) -> str:
        return f"_t{next(self._ids)}"

    def constant(self, value: Any) -> str:
        name = self.bind(value)
        return f"_clone({name})" if isinstance(value, (dict, list)) else name

    def copied(self, code: str) -> str:
        t = self.temp()
        return f"(_clone({t}) if ({t} := {code}).__class__ in _CONTAINERS else {t})"

    def lookup(self, text: Any, at: Location, var: str) -> str:
        """Source evaluating expression ``text`` against variable ``var`` (not copied)."""
        expression = self.env.expression(text, at)
        if expression.constant is not NOT_CONSTANT:
            return self.constant(expression.constant)
        if expression.field_chain is None:
            return f"{self.bind(expression.evaluate, '_e')}({var})"
        code = var
        for key in expression.field_chain:
            t = self.temp()
            code = f"({t}.get({key!r}) if ({t} := {code}).__class__ is dict else None)"
        return code

    def source(self, node: Any, at: Location, var: str) -> str:
        if isinstance(node, str):
            code = self.lookup(node, at, var)
            return code if code.startswith("_clone(") else self.copied(code)
        if isinstance(node, dict):
            if any(isinstance(k, str) and k.startswith("$") for k in node):
                return self.special(node, at, var)
            return self.mapping(node, at, var)
        if isinstance(node, list):
            items = ", ".join(self.source(v, (*at, i), var) for i, v in enumerate(node))
            return f"[{items}]"
        return self.constant(node)

    def mapping(self, node: dict[Any, Any], at: Location, var: str) -> str:
        parts = []
        for key, value in node.items():
            if not isinstance(key, str):
                self.env.report(
                    FindingKind.BAD_TEMPLATE,
                    (*at, str(key)),
                    f"object key {key!r} must be text; quote it",
                )
            parts.append(f"{str(key)!r}: {self.source(value, (*at, str(key)), var)}")
        code = "{" + ", ".join(parts) + "}"
        return f"_sparse({code})" if self.omit_nulls else code

    def special(self, node: dict[Any, Any], at: Location, var: str) -> str:
        keys = set(node)
        if keys == {"$const"}:
            return self.constant(node["$const"])
        if keys == {"$root"}:
            return self.copied(self.lookup(node["$root"], (*at, "$root"), "root"))
        if keys == {"$ctx"}:
            return self.context(node["$ctx"], at)
        if keys == {"$each", "$to"}:
            items = self.lookup(node["$each"], (*at, "$each"), var)
            element, listed = self.temp(), self.temp()
            build = self.source(node["$to"], (*at, "$to"), element)
            return (
                f"([{build} for {element} in {listed}] "
                f"if ({listed} := {items}).__class__ is list else None)"
            )
        self.env.report(
            FindingKind.BAD_TEMPLATE,
            at,
            f"unknown template form with keys {sorted(map(str, keys))}: use $const, $root, "
            "$ctx, or $each with $to (keys starting with $ are reserved)",
        )
        return "None"

    def context(self, name: Any, at: Location) -> str:
        if name == "now":
            return "_now(ctx)"
        if name in CTX_NAMES:
            return f"ctx.{name}"
        self.env.report(
            FindingKind.BAD_TEMPLATE,
            (*at, "$ctx"),
            f"unknown context value {name!r}; use one of {', '.join(CTX_NAMES)}",
        )
        return "None"

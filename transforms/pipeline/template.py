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
  ``{$if: expr, $then: template}`` ``template`` when ``expr`` (against the current
                                   object) is true in JMESPath's sense (not null, false,
                                   or empty), else null: with ``omit_nulls`` an optional
                                   sub-object is left out when its source is absent

A template is compiled into Python functions (generated source, as ``dataclasses``
does; one per ``$each`` body): plain field references (``a.b.c``) become dict look-ups,
with shared prefixes looked up once, and every other expression calls its compiled
JMESPath evaluator. Only names made here and ``repr`` of keys reach the generated
source; data never does.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC
from types import MappingProxyType
from typing import Any

from transforms.pipeline.context import PipelineContext
from transforms.pipeline.env import CompileEnv
from transforms.pipeline.expressions import (
    NOT_CONSTANT,
    ExpressionSyntaxError,
    compile_expression,
)
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


def _truthy(value: Any) -> bool:
    """JMESPath's truth: false, null, "", [] and {} are false; everything else (0 too) true."""
    return not (
        value is None or value is False or (isinstance(value, str | list | dict) and not value)
    )


def compile_template(
    node: Any, env: CompileEnv, at: Location, *, omit_nulls: bool = False, move: bool = False
) -> TemplateFn:
    """Compile ``node`` (see the module docstring) into a function (current, root, ctx).

    With ``move`` (the input is discarded after, as in ``map``), objects taken from the
    input once are moved into the output instead of copied; otherwise they are copied.
    """
    uses = _Uses(move)
    uses.collect(node, env, at, scope=0, parent=None)
    generator = _Generator(env, omit_nulls, uses)
    entry = generator.function(node, at, scope=0)
    source = "\n".join(generator.functions)
    namespace = generator.namespace
    exec(compile(source, f"<template {env.pipeline} {format_location(at)}>", "exec"), namespace)
    template: TemplateFn = namespace[entry]
    return template


Chain = tuple[str, ...]


class _Uses:
    """Which plain field references each scope places in the output, to decide where a
    copy is needed: an object placed twice (or inside another placed one, or under the
    elements of an ``$each``) is copied; one placed once is moved, which is safe because
    the pipeline owns its input."""

    def __init__(self, move: bool) -> None:
        self.move = move
        self.placed: dict[int, list[Chain]] = {}
        self.iterated: dict[int, list[Chain]] = {}
        self.parent: dict[int, int | None] = {}
        self._next = 1

    def collect(
        self, node: Any, env: CompileEnv, at: Location, scope: int, parent: int | None
    ) -> None:
        self.parent.setdefault(scope, parent)
        if isinstance(node, str):
            chain = _chain_of(node)
            if chain is not None:
                self.placed.setdefault(scope, []).append(chain)
        elif isinstance(node, dict):
            if set(node) == {"$each", "$to"}:
                chain = _chain_of(node["$each"])
                if chain is not None:
                    self.iterated.setdefault(scope, []).append(chain)
                child = self._next
                self._next += 1
                self.collect(node["$to"], env, at, child, scope)
            elif set(node) == {"$if", "$then"}:
                self.collect(node["$then"], env, at, scope, parent)
            elif not any(isinstance(k, str) and k.startswith("$") for k in node):
                for value in node.values():
                    self.collect(value, env, at, scope, parent)
        elif isinstance(node, list):
            for value in node:
                self.collect(value, env, at, scope, parent)

    def safe_to_move(self, scope: int, chain: Chain) -> bool:
        if not self.move or self.tainted(scope):
            return False
        placed = self.placed.get(scope, [])
        if placed.count(chain) > 1:
            return False
        others = [c for c in placed if c != chain] + self.iterated.get(scope, [])
        return not any(_related(chain, other) for other in others)

    def tainted(self, scope: int) -> bool:
        """True when the elements a scope iterates may also be placed elsewhere."""
        parent = self.parent.get(scope)
        if parent is None:
            return False
        if self.tainted(parent):
            return True
        iterated = self.iterated.get(parent, [])
        placed = self.placed.get(parent, [])
        return any(_related(i, p) for i in iterated for p in placed) or len(iterated) != len(
            set(iterated)
        )


def _related(a: Chain, b: Chain) -> bool:
    short = min(len(a), len(b))
    return a[:short] == b[:short]


def _chain_of(text: Any) -> Chain | None:
    try:
        return compile_expression(text).field_chain if isinstance(text, str) else None
    except ExpressionSyntaxError:
        return None


class _Generator:
    def __init__(self, env: CompileEnv, omit_nulls: bool, uses: _Uses) -> None:
        self.env = env
        self.omit_nulls = omit_nulls
        self.uses = uses
        self.functions: list[str] = []
        self.namespace: dict[str, Any] = {
            "_clone": clone,
            "_sparse": _sparse,
            "_truthy": _truthy,
            "_now": _ctx_now,
            "_CONTAINERS": (dict, list),
            "_EMPTY": MappingProxyType({}),
        }
        self._ids = itertools.count()
        self._scopes = itertools.count(1)
        self._hoisted: dict[tuple[str, Chain], str] = {}
        self._lines: list[str] = []
        self._scope = 0

    def bind(self, value: Any, prefix: str = "_k") -> str:
        name = f"{prefix}{next(self._ids)}"
        self.namespace[name] = value
        return name

    def temp(self) -> str:
        return f"_t{next(self._ids)}"

    def function(self, node: Any, at: Location, scope: int) -> str:
        """Generate one function for ``node`` evaluated in ``scope``; return its name."""
        saved = (self._hoisted, self._lines, self._scope)
        self._hoisted = {("cur", ()): "_d", ("root", ()): "_r"}
        self._lines, self._scope = [], scope
        body = self.source(node, at)
        name = f"_scope{scope}"
        head = [
            f"def {name}(cur, root, ctx):",
            "    _d = cur if cur.__class__ is dict else _EMPTY",
            "    _r = root if root.__class__ is dict else _EMPTY",
        ]
        self.functions.append("\n".join([*head, *self._lines, f"    return {body}", ""]))
        self._hoisted, self._lines, self._scope = saved
        return name

    def holder(self, base: str, chain: Chain) -> str:
        """Local name of the object ``chain`` reaches from ``base`` (``cur`` or ``root``),
        or of an empty mapping when there is none."""
        name = self._hoisted.get((base, chain))
        if name is None:
            parent = self.holder(base, chain[:-1])
            name = f"_h{next(self._ids)}"
            self._lines.append(f"    {name} = {parent}.get({chain[-1]!r})")
            self._lines.append(f"    {name} = {name} if {name}.__class__ is dict else _EMPTY")
            self._hoisted[(base, chain)] = name
        return name

    def constant(self, value: Any) -> str:
        name = self.bind(value)
        return f"_clone({name})" if isinstance(value, (dict, list)) else name

    def copied(self, code: str) -> str:
        t = self.temp()
        return f"(_clone({t}) if ({t} := {code}).__class__ in _CONTAINERS else {t})"

    def expression(self, text: Any, at: Location, *, place: bool, var: str = "cur") -> str:
        """Source evaluating ``text`` against ``var``; ``place`` when the value is put in
        the output (so it may need a copy)."""
        expression = self.env.expression(text, at)
        if expression.constant is not NOT_CONSTANT:
            return self.constant(expression.constant)
        chain = expression.field_chain
        if chain is None:
            code = f"{self.bind(expression.evaluate, '_e')}({var})"
            return self.copied(code) if place else code
        code = f"{self.holder(var, chain[:-1])}.get({chain[-1]!r})"
        if place and (var != "cur" or not self.uses.safe_to_move(self._scope, chain)):
            return self.copied(code)
        return code

    def source(self, node: Any, at: Location) -> str:
        if isinstance(node, str):
            return self.expression(node, at, place=True)
        if isinstance(node, dict):
            if any(isinstance(k, str) and k.startswith("$") for k in node):
                return self.special(node, at)
            return self.mapping(node, at)
        if isinstance(node, list):
            items = ", ".join(self.source(v, (*at, i)) for i, v in enumerate(node))
            return f"[{items}]"
        return self.constant(node)

    def mapping(self, node: dict[Any, Any], at: Location) -> str:
        parts = []
        for key, value in node.items():
            if not isinstance(key, str):
                self.env.report(
                    FindingKind.BAD_TEMPLATE,
                    (*at, str(key)),
                    f"object key {key!r} must be text; quote it",
                )
            parts.append(f"{str(key)!r}: {self.source(value, (*at, str(key)))}")
        code = "{" + ", ".join(parts) + "}"
        return f"_sparse({code})" if self.omit_nulls else code

    def special(self, node: dict[Any, Any], at: Location) -> str:
        keys = set(node)
        if keys == {"$const"}:
            return self.constant(node["$const"])
        if keys == {"$root"}:
            return self.expression(node["$root"], (*at, "$root"), place=True, var="root")
        if keys == {"$ctx"}:
            return self.context(node["$ctx"], at)
        if keys == {"$each", "$to"}:
            items = self.expression(node["$each"], (*at, "$each"), place=False)
            build = self.function(node["$to"], (*at, "$to"), next(self._scopes))
            element, listed = self.temp(), self.temp()
            return (
                f"([{build}({element}, root, ctx) for {element} in {listed}] "
                f"if ({listed} := {items}).__class__ is list else None)"
            )
        if keys == {"$if", "$then"}:
            condition = self.expression(node["$if"], (*at, "$if"), place=False)
            then = self.source(node["$then"], (*at, "$then"))
            return f"({then} if _truthy({condition}) else None)"
        self.env.report(
            FindingKind.BAD_TEMPLATE,
            at,
            f"unknown template form with keys {sorted(map(str, keys))}: use $const, $root, "
            "$ctx, $each with $to, or $if with $then (keys starting with $ are reserved)",
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

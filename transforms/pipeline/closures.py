"""JMESPath syntax trees compiled into nested Python closures with the semantics of
``jmespath``'s own interpreter (``jmespath.visitor.TreeInterpreter``); node kinds not
handled here (``&expr`` references) are evaluated by that interpreter."""

from __future__ import annotations

import operator
from collections.abc import Callable
from numbers import Number
from typing import Any

import jmespath
from jmespath.visitor import TreeInterpreter

__all__ = ["Evaluator", "ExpressionSyntaxError", "Node", "compile_tree", "is_truthy"]

Evaluator = Callable[[Any], Any]
Node = dict[str, Any]


class ExpressionSyntaxError(ValueError):
    """The text is not a valid JMESPath expression (or calls an unknown function)."""


def is_truthy(value: Any) -> bool:
    """JMESPath truthiness: false, null, "", [] and {} are false; everything else true."""
    return not (value is None or value is False or value == "" or value == [] or value == {})


def compile_tree(parsed: Node, options: jmespath.Options) -> Evaluator:
    """A closure evaluating the parsed expression ``parsed``."""
    return _Compiler(options).compile(parsed)


def _is_number(value: Any) -> bool:
    return isinstance(value, Number) and not isinstance(value, bool)


def _equals(x: Any, y: Any) -> bool:
    if _is_number(x) and x in (0, 1):
        if isinstance(y, bool):
            return False
    elif _is_number(y) and y in (0, 1) and isinstance(x, bool):
        return False
    return bool(x == y)


def _check_call(functions: Any, name: str, count: int) -> None:
    spec = functions.FUNCTION_TABLE.get(name)
    if spec is None:
        raise ExpressionSyntaxError(f"unknown function {name}(); see transforms.pipeline.functions")
    params = spec["signature"]
    variadic = bool(params) and params[-1].get("variadic", False)
    if (count < len(params)) if variadic else (count != len(params)):
        wanted = f"at least {len(params)}" if variadic else str(len(params))
        raise ExpressionSyntaxError(f"{name}() takes {wanted} argument(s), got {count}")


_ORDERING = {"lt": operator.lt, "gt": operator.gt, "lte": operator.le, "gte": operator.ge}


class _Compiler:
    def __init__(self, options: jmespath.Options) -> None:
        self._interpreter = TreeInterpreter(options)
        self._functions: Any = options.custom_functions

    def compile(self, node: Node) -> Evaluator:
        method = getattr(self, f"_c_{node['type']}", None)
        if method is None:
            interpreter = self._interpreter
            tree: Any = node
            return lambda value: interpreter.visit(tree, value)
        evaluator: Evaluator = method(node)
        return evaluator

    def _children(self, node: Node) -> list[Evaluator]:
        return [self.compile(child) for child in node["children"]]

    def _c_field(self, node: Node) -> Evaluator:
        key = node["value"]

        def field(value: Any) -> Any:
            try:
                return value.get(key)
            except AttributeError:  # not an object (JSON values: only dicts have get)
                return None

        return field

    def _c_subexpression(self, node: Node) -> Evaluator:
        children = node["children"]
        if all(child["type"] == "field" for child in children):
            keys = tuple(child["value"] for child in children)

            def fields(value: Any) -> Any:
                try:
                    for key in keys:
                        value = value.get(key)
                except AttributeError:
                    return None
                return value

            return fields
        return self._chain(node)

    def _chain(self, node: Node) -> Evaluator:
        parts = self._children(node)
        if len(parts) == 2:
            first, second = parts
            return lambda value: second(first(value))

        def chain(value: Any) -> Any:
            for part in parts:
                value = part(value)
            return value

        return chain

    _c_index_expression = _chain
    _c_pipe = _chain

    def _c_index(self, node: Node) -> Evaluator:
        index = node["value"]

        def pick(value: Any) -> Any:
            if not isinstance(value, list):
                return None
            try:
                return value[index]
            except IndexError:
                return None

        return pick

    def _c_slice(self, node: Node) -> Evaluator:
        cut = slice(*node["children"])
        return lambda value: value[cut] if isinstance(value, list) else None

    def _c_literal(self, node: Node) -> Evaluator:
        constant = node["value"]
        return lambda value: constant

    def _c_current(self, node: Node) -> Evaluator:
        return lambda value: value

    _c_identity = _c_current

    def _c_key_val_pair(self, node: Node) -> Evaluator:
        return self.compile(node["children"][0])

    def _c_multi_select_dict(self, node: Node) -> Evaluator:
        pairs = [(child["value"], self.compile(child)) for child in node["children"]]
        return lambda value: None if value is None else {k: f(value) for k, f in pairs}

    def _c_multi_select_list(self, node: Node) -> Evaluator:
        parts = self._children(node)
        return lambda value: None if value is None else [f(value) for f in parts]

    def _c_or_expression(self, node: Node) -> Evaluator:
        left, right = self._children(node)

        def either(value: Any) -> Any:
            matched = left(value)
            return matched if is_truthy(matched) else right(value)

        return either

    def _c_and_expression(self, node: Node) -> Evaluator:
        left, right = self._children(node)

        def both(value: Any) -> Any:
            matched = left(value)
            return right(value) if is_truthy(matched) else matched

        return both

    def _c_not_expression(self, node: Node) -> Evaluator:
        (inner,) = self._children(node)

        def negate(value: Any) -> bool:
            result = inner(value)
            if _is_number(result) and result == 0:
                return False
            return not result

        return negate

    def _c_comparator(self, node: Node) -> Evaluator:
        left, right = self._children(node)
        op = node["value"]
        if op == "eq":
            return lambda value: _equals(left(value), right(value))
        if op == "ne":
            return lambda value: not _equals(left(value), right(value))
        compare = _ORDERING[op]

        def ordered(value: Any) -> Any:
            a, b = left(value), right(value)
            if not (
                (_is_number(a) or isinstance(a, str)) and (_is_number(b) or isinstance(b, str))
            ):
                return None
            return compare(a, b)

        return ordered

    def _c_function_expression(self, node: Node) -> Evaluator:
        name = node["value"]
        args = self._children(node)
        _check_call(self._functions, name, len(args))
        call = self._functions.call_function
        return lambda value: call(name, [arg(value) for arg in args])

    def _c_projection(self, node: Node) -> Evaluator:
        base, each = self._children(node)

        def project(value: Any) -> Any:
            items = base(value)
            if not isinstance(items, list):
                return None
            return [r for r in map(each, items) if r is not None]

        return project

    def _c_value_projection(self, node: Node) -> Evaluator:
        base, each = self._children(node)

        def project(value: Any) -> Any:
            obj = base(value)
            if not isinstance(obj, dict):
                return None
            return [r for r in map(each, obj.values()) if r is not None]

        return project

    def _c_filter_projection(self, node: Node) -> Evaluator:
        base, each, condition = self._children(node)

        def project(value: Any) -> Any:
            items = base(value)
            if not isinstance(items, list):
                return None
            out = []
            for item in items:
                if is_truthy(condition(item)):
                    result = each(item)
                    if result is not None:
                        out.append(result)
            return out

        return project

    def _c_flatten(self, node: Node) -> Evaluator:
        (base,) = self._children(node)

        def flatten(value: Any) -> Any:
            items = base(value)
            if not isinstance(items, list):
                return None
            out: list[Any] = []
            for item in items:
                if isinstance(item, list):
                    out.extend(item)
                else:
                    out.append(item)
            return out

        return flatten

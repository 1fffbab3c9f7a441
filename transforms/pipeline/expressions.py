"""JMESPath expressions compiled once into plain Python closures.

``compile_expression`` parses with the ``jmespath`` package and compiles the syntax tree
(``transforms.pipeline.closures``) into closures with the same semantics as
``jmespath.search``. Functions are jmespath's standard ones plus
``transforms.pipeline.functions``.
"""

from __future__ import annotations

from typing import Any, cast

import jmespath
from jmespath import exceptions as jmespath_exceptions

from transforms.pipeline.closures import (
    Evaluator,
    ExpressionSyntaxError,
    Node,
    compile_tree,
    is_truthy,
)
from transforms.pipeline.functions import jmespath_options

__all__ = [
    "NOT_CONSTANT",
    "Evaluator",
    "Expression",
    "ExpressionSyntaxError",
    "compile_expression",
    "is_truthy",
]

NOT_CONSTANT: Any = object()


class Expression:
    """A compiled JMESPath expression: ``expr.evaluate(value)`` runs it. ``constant`` is
    the value of a literal expression (``'EA'``, ```1```), else ``NOT_CONSTANT``."""

    __slots__ = ("constant", "evaluate", "field_chain", "text")

    def __init__(
        self,
        text: str,
        evaluate: Evaluator,
        constant: Any = NOT_CONSTANT,
        field_chain: tuple[str, ...] | None = None,
    ) -> None:
        self.text = text
        self.evaluate = evaluate
        self.constant = constant
        self.field_chain = field_chain
        """The keys of a plain field reference (``a.b.c`` → ``("a", "b", "c")``), else None."""

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"


def compile_expression(text: str, options: jmespath.Options | None = None) -> Expression:
    """Parse and compile ``text``; raise ``ExpressionSyntaxError`` when it does not parse
    or calls an unknown function. ``options`` (from ``jmespath_options()``) may be shared
    by all expressions of a pipeline; made when not given."""
    if not isinstance(text, str):
        raise ExpressionSyntaxError(f"expected a JMESPath expression (text), got {text!r}")
    try:
        parsed = cast(Node, jmespath.compile(text).parsed)
    except jmespath_exceptions.JMESPathError as exc:
        raise ExpressionSyntaxError(_syntax_message(text, exc)) from None
    options = options or jmespath_options()
    constant = parsed["value"] if parsed["type"] == "literal" else NOT_CONSTANT
    evaluate = compile_tree(parsed, options)
    return Expression(text, evaluate, constant, _field_chain(parsed))


def _field_chain(parsed: Node) -> tuple[str, ...] | None:
    if parsed["type"] == "field":
        return (parsed["value"],)
    if parsed["type"] == "subexpression" and all(
        child["type"] == "field" for child in parsed["children"]
    ):
        return tuple(child["value"] for child in parsed["children"])
    return None


def _syntax_message(text: str, exc: Exception) -> str:
    lines = str(exc).splitlines() or [type(exc).__name__]
    reason = lines[0].rstrip(": ")
    return f"JMESPath expression {text!r} does not parse: {reason}"

from __future__ import annotations

from typing import Any

import jmespath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.pipeline import ExpressionSyntaxError, compile_expression
from transforms.pipeline.functions import jmespath_options

EXPRESSIONS = [
    "a",
    "a.b.c",
    "a[0]",
    "a[-1].b",
    "a[1:3]",
    "a[*].b",
    "a[].b",
    "a[?b > `1`].c",
    "a[?b == 'x'] | [0]",
    "*.b",
    "{x: a, y: b.c}",
    "[a, b]",
    "a || b",
    "a && b",
    "!a",
    "a == b",
    "a != `0`",
    "a < b",
    "length(a)",
    "sort_by(a, &b)",
    "max_by(a, &b).c",
    "to_string(a)",
    "@",
    '`{"k": 1}`',
    "'raw'",
    "a[][]",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["", "x", "y"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["a", "b", "c"]), children, max_size=3)
    ),
    max_leaves=12,
)


def _both(text: str, data: Any) -> tuple[Any, Any]:
    try:
        expected = ("ok", jmespath.search(text, data, options=jmespath_options()))
    except Exception as exc:
        expected = ("error", type(exc).__name__)
    try:
        actual = ("ok", compile_expression(text).evaluate(data))
    except Exception as exc:
        actual = ("error", type(exc).__name__)
    return expected, actual


@pytest.mark.parametrize("text", EXPRESSIONS)
@settings(max_examples=40)
@given(data=json_values)
def test_compiled_expression_matches_jmespath(text: str, data: Any) -> None:
    expected, actual = _both(text, data)
    assert actual == expected


def test_syntax_error_names_the_expression() -> None:
    with pytest.raises(ExpressionSyntaxError, match="'a\\[' does not parse"):
        compile_expression("a[")


def test_wrong_argument_count_is_refused_at_compile_time() -> None:
    with pytest.raises(ExpressionSyntaxError, match=r"upper\(\) takes 1 argument"):
        compile_expression("upper(a, b)")


@pytest.mark.parametrize("text", ["a", "a.b", "a.b.c", "b.a"])
@settings(max_examples=60)
@given(data=json_values)
def test_inlined_field_references_in_templates_match_jmespath(text: str, data: Any) -> None:
    from transforms.testing import pipeline_from_yaml, run_pipeline

    pipeline = pipeline_from_yaml(f"- {{step: map, label: m, template: {{x: '{text}'}}}}")
    expected = jmespath.search(text, data)
    assert run_pipeline(pipeline, data)[0].payload == {"x": expected}

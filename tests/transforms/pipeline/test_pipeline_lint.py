from __future__ import annotations

import pytest

from transforms.pipeline import FindingKind, PipelineCompileError, lint_pipeline
from transforms.testing import pipeline_from_yaml, steps_from_yaml, tables_from_yaml


def _findings(steps: str, tables: str = "{}") -> list[tuple[FindingKind, tuple[str | int, ...]]]:
    found = lint_pipeline(steps_from_yaml(steps), tables_from_yaml(tables), "p")
    return [(f.kind, f.location) for f in found]


def test_clean_pipeline_has_no_findings() -> None:
    assert _findings("- {step: map, label: m, template: {a: b}}") == []


def test_duplicate_label_in_nested_steps_is_found() -> None:
    steps = """
- {step: set, label: x, fields: {a: b}}
- step: when
  label: w
  condition: a
  steps: [{step: drop, label: x, fields: [a]}]
"""
    assert _findings(steps) == [(FindingKind.DUPLICATE_LABEL, (1, "steps", 0, "label"))]


def test_unknown_table_is_found() -> None:
    assert _findings("- {step: lookup, label: l, table: nope, field: a}") == [
        (FindingKind.UNKNOWN_TABLE, (0, "table"))
    ]


def test_bad_expression_is_found_at_its_template_key() -> None:
    assert _findings("- {step: map, label: m, template: {a: {b: 'x['}}}") == [
        (FindingKind.BAD_EXPRESSION, (0, "template", "a", "b"))
    ]


def test_unknown_function_is_a_bad_expression() -> None:
    assert _findings("- {step: filter, label: f, condition: 'nope(a)'}") == [
        (FindingKind.BAD_EXPRESSION, (0, "condition"))
    ]


def test_unknown_canonical_type_is_found() -> None:
    assert _findings("- {step: validate, label: v, type: Ordr}") == [
        (FindingKind.UNKNOWN_CANONICAL_TYPE, (0, "type"))
    ]


def test_bad_path_is_found() -> None:
    assert _findings("- {step: drop, label: d, fields: ['a..b']}") == [
        (FindingKind.BAD_PATH, (0, "fields", 0))
    ]


def test_unknown_template_form_is_found() -> None:
    assert _findings("- {step: map, label: m, template: {a: {$nope: 1}}}") == [
        (FindingKind.BAD_TEMPLATE, (0, "template", "a"))
    ]


def test_unknown_zone_and_unit_are_found() -> None:
    steps = """
- {step: convert, label: t, field: a, datetime: {zone: Mars/Base}}
- {step: convert, label: u, field: b, uom: {from_unit: KG, to_unit: EA}}
"""
    assert _findings(steps) == [
        (FindingKind.BAD_CONVERSION, (0, "datetime", "zone")),
        (FindingKind.BAD_CONVERSION, (1, "uom")),
    ]


def test_compile_refuses_steps_with_findings() -> None:
    with pytest.raises(PipelineCompileError) as info:
        pipeline_from_yaml("- {step: lookup, label: l, table: nope, field: a}", name="orders_v1")
    assert "orders_v1" in str(info.value)
    assert "steps[0].table: no table named 'nope'" in str(info.value)

from __future__ import annotations

from transforms.testing import pipeline_from_yaml as build
from transforms.testing import run_pipeline


def test_rename_moves_a_field_within_its_object() -> None:
    pipeline = build('- {step: rename, label: r, fields: {"lines[].qty": quantity.value}}')
    payload = {"lines": [{"qty": "1"}, {"sku": "X"}]}
    assert run_pipeline(pipeline, payload)[0].payload == {
        "lines": [{"quantity": {"value": "1"}}, {"sku": "X"}]
    }


def test_rename_to_absolute_path_moves_to_the_root() -> None:
    pipeline = build("- {step: rename, label: r, fields: {header.id: $.order_number}}")
    assert run_pipeline(pipeline, {"header": {"id": "A1"}})[0].payload == {
        "header": {},
        "order_number": "A1",
    }


def test_drop_removes_fields_and_ignores_missing_ones() -> None:
    pipeline = build('- {step: drop, label: d, fields: [secret, "lines[].internal", nope.x]}')
    payload = {"secret": 1, "keep": 2, "lines": [{"internal": 1, "sku": "X"}]}
    assert run_pipeline(pipeline, payload)[0].payload == {"keep": 2, "lines": [{"sku": "X"}]}

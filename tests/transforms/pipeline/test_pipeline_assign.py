from __future__ import annotations

from transforms.testing import pipeline_from_yaml as build
from transforms.testing import run_pipeline


def test_set_creates_missing_objects() -> None:
    pipeline = build("- {step: set, label: s, fields: {meta.source: \"'acme'\"}}")
    assert run_pipeline(pipeline, {"a": 1})[0].payload == {"a": 1, "meta": {"source": "acme"}}


def test_set_with_scope_works_per_element() -> None:
    pipeline = build("""
- step: set
  label: s
  scope: lines[]
  fields: {qty_text: to_string(qty), currency: {$root: currency}}
""")
    payload = {"currency": "USD", "lines": [{"qty": 1}, {"qty": 3}]}
    assert run_pipeline(pipeline, payload)[0].payload["lines"] == [
        {"qty": 1, "qty_text": "1", "currency": "USD"},
        {"qty": 3, "qty_text": "3", "currency": "USD"},
    ]


def test_set_with_each_path_sets_every_element() -> None:
    pipeline = build('- {step: set, label: s, fields: {"lines[].uom": "\'EA\'"}}')
    payload = {"lines": [{}, {"uom": "CS"}]}
    assert run_pipeline(pipeline, payload)[0].payload == {"lines": [{"uom": "EA"}, {"uom": "EA"}]}


def test_default_fills_only_missing_or_null_fields() -> None:
    pipeline = build("""
- {step: default, label: d, scope: lines, fields: {uom: "'EA'"}}
""")
    payload = {"lines": [{"uom": None}, {"uom": "CS"}, {}]}
    assert run_pipeline(pipeline, payload)[0].payload == {
        "lines": [{"uom": "EA"}, {"uom": "CS"}, {"uom": "EA"}]
    }

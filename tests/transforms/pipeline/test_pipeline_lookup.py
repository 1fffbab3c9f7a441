from __future__ import annotations

import pytest

from transforms.pipeline import PipelineError
from transforms.testing import pipeline_from_yaml as build
from transforms.testing import run_pipeline

TABLES = """
sku_map:
  shared: {P-1: SKU-SHARED, "42": SKU-42}
  partners:
    acme: {P-1: SKU-ACME}
status_map:
  on_miss: default
  default: on_hand
  shared: {DMG: damaged}
"""


def _lookup(options: str = "") -> str:
    return f"- {{step: lookup, label: sku, table: sku_map, field: 'lines[].sku'{options}}}"


def test_partner_entries_win_over_shared_ones() -> None:
    pipeline = build(_lookup(), TABLES)
    out = run_pipeline(pipeline, {"lines": [{"sku": "P-1"}]}, partner="acme")
    assert out[0].payload == {"lines": [{"sku": "SKU-ACME"}]}


def test_shared_entries_apply_to_other_partners() -> None:
    pipeline = build(_lookup(), TABLES)
    out = run_pipeline(pipeline, {"lines": [{"sku": "P-1"}]}, partner="other")
    assert out[0].payload == {"lines": [{"sku": "SKU-SHARED"}]}


def test_numbers_are_looked_up_as_text() -> None:
    pipeline = build(_lookup(), TABLES)
    assert run_pipeline(pipeline, {"lines": [{"sku": 42}]})[0].payload == {
        "lines": [{"sku": "SKU-42"}]
    }


def test_miss_with_on_miss_error_names_table_path_and_value() -> None:
    pipeline = build(_lookup(), TABLES)
    with pytest.raises(PipelineError) as info:
        run_pipeline(pipeline, {"lines": [{"sku": "P-1"}, {"sku": "P-9"}]}, partner="acme")
    error = info.value
    assert (error.step, error.path, error.excerpt) == ("sku", "$.lines[1].sku", '"P-9"')
    assert "no entry for 'P-9' in table 'sku_map' (partner acme)" in error.reason


def test_miss_with_on_miss_keep_leaves_the_value() -> None:
    pipeline = build(_lookup(", on_miss: keep"), TABLES)
    assert run_pipeline(pipeline, {"lines": [{"sku": "P-9"}]})[0].payload == {
        "lines": [{"sku": "P-9"}]
    }


def test_table_default_applies_on_miss() -> None:
    pipeline = build(
        "- {step: lookup, label: st, table: status_map, field: status, to: canonical}", TABLES
    )
    assert run_pipeline(pipeline, {"status": "NEW"})[0].payload == {
        "status": "NEW",
        "canonical": "on_hand",
    }


def test_null_values_are_not_looked_up() -> None:
    pipeline = build(_lookup(), TABLES)
    assert run_pipeline(pipeline, {"lines": [{"sku": None}]})[0].payload == {
        "lines": [{"sku": None}]
    }

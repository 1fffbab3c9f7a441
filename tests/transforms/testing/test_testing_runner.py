from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from transforms.pipeline import Pipeline
from transforms.testing import CaseResult, pipeline_from_yaml, run_case_file, run_case_files

TABLES = "sku_map: {partners: {acme: {P-1: SKU-1}}}"
STEPS = """
- step: map
  label: to_canonical
  template: {order_number: id, lines: {$each: items, $to: {sku: sku, qty: qty}}}
- {step: lookup, label: sku_crosswalk, table: sku_map, field: "lines[].sku"}
- {step: event, label: ev, type: order.created}
"""


@pytest.fixture
def compiled() -> dict[str, Pipeline]:
    return {
        "orders:v1": pipeline_from_yaml(STEPS, TABLES, name="orders:v1"),
        "split": pipeline_from_yaml("- {step: split, label: s, field: items, emit: item}"),
    }


def _run(tmp_path: Path, text: str, compiled: dict[str, Pipeline]) -> list[CaseResult]:
    path = tmp_path / "cases.yaml"
    path.write_text(text, encoding="utf-8")
    return run_case_file(path, compiled, root=tmp_path)


def test_exact_output_passes(tmp_path: Path, compiled: dict[str, Pipeline]) -> None:
    (result,) = _run(
        tmp_path,
        """
pipeline: orders:v1
partner: acme
cases:
  - name: ok
    input: {id: A1, items: [{sku: P-1, qty: 2}]}
    output: {order_number: A1, lines: [{sku: SKU-1, qty: 2}]}
    event: order.created
""",
        compiled,
    )
    assert (result.passed, result.message) == (True, "")


def test_exact_mismatch_fails_with_a_diff(tmp_path: Path, compiled: dict[str, Pipeline]) -> None:
    (result,) = _run(
        tmp_path,
        """
pipeline: orders:v1
partner: acme
cases:
  - name: wrong qty
    input: {id: A1, items: [{sku: P-1, qty: 2}]}
    output: {order_number: A1, lines: [{sku: SKU-1, qty: 3}]}
""",
        compiled,
    )
    assert not result.passed
    assert "payload differs (exact match)" in result.message
    assert "-- qty: 3\n+- qty: 2" in result.message


def test_subset_ignores_extra_keys(tmp_path: Path, compiled: dict[str, Pipeline]) -> None:
    (result,) = _run(
        tmp_path,
        """
pipeline: orders:v1
partner: acme
cases:
  - name: subset
    match: subset
    input: {id: A1, items: [{sku: P-1, qty: 2}]}
    output: {lines: [{sku: SKU-1}]}
""",
        compiled,
    )
    assert result.passed, result.message


def test_subset_diff_shows_only_expected_keys(
    tmp_path: Path, compiled: dict[str, Pipeline]
) -> None:
    (result,) = _run(
        tmp_path,
        """
pipeline: orders:v1
partner: acme
cases:
  - name: subset
    match: subset
    input: {id: A1, items: [{sku: P-1, qty: 2}]}
    output: {order_number: A2}
""",
        compiled,
    )
    assert not result.passed
    assert "-order_number: A2\n+order_number: A1" in result.message
    assert "lines" not in result.message


def test_expected_error_matches_step_path_and_text(
    tmp_path: Path, compiled: dict[str, Pipeline]
) -> None:
    (result,) = _run(
        tmp_path,
        """
pipeline: orders:v1
cases:
  - name: unknown sku
    partner: other
    input: {id: A1, items: [{sku: P-1, qty: 2}]}
    error: {step: sku_crosswalk, path: "$.lines[0].sku", contains: no entry}
""",
        compiled,
    )
    assert result.passed, result.message


def test_unexpected_error_fails_with_the_error(
    tmp_path: Path, compiled: dict[str, Pipeline]
) -> None:
    (result,) = _run(
        tmp_path,
        """
pipeline: orders:v1
cases:
  - {name: boom, input: {id: A1, items: [{sku: P-9}]}, output: {}}
""",
        compiled,
    )
    assert not result.passed
    assert "expected output, got an error" in result.message
    assert "step 'sku_crosswalk'" in result.message


def test_outputs_list_checks_count_and_each_output(
    tmp_path: Path, compiled: dict[str, Pipeline]
) -> None:
    (result,) = _run(
        tmp_path,
        """
cases:
  - name: split
    pipeline: split
    input: {items: [1, 2]}
    outputs: [{payload: 1}]
""",
        compiled,
    )
    assert not result.passed
    assert result.message.startswith("expected 1 output(s), got 2")


def test_input_file_is_read_relative_to_the_case_file(
    tmp_path: Path, compiled: dict[str, Pipeline]
) -> None:
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "a1.json").write_text(
        json.dumps({"id": "A1", "items": [{"sku": "P-1", "qty": 1}]})
    )
    (result,) = _run(
        tmp_path,
        """
pipeline: orders:v1
partner: acme
cases:
  - {name: file, input_file: fixtures/a1.json, match: subset, output: {order_number: A1}}
""",
        compiled,
    )
    assert result.passed, result.message


def test_unknown_pipeline_fails_naming_the_known_ones(
    tmp_path: Path, compiled: dict[str, Pipeline]
) -> None:
    (result,) = _run(
        tmp_path, "pipeline: nope\ncases: [{name: a, input: 1, output: 1}]\n", compiled
    )
    assert result.message == "no pipeline named 'nope' (known: orders:v1, split)"


def test_run_case_files_prints_results_and_returns_1_on_failure(
    tmp_path: Path, compiled: dict[str, Pipeline]
) -> None:
    cases = tmp_path / "pipeline-tests"
    cases.mkdir()
    (cases / "orders.yaml").write_text(
        "pipeline: split\ncases:\n"
        "  - {name: good, input: {items: [1]}, outputs: [{payload: 1}]}\n"
        "  - {name: bad, input: {items: [1]}, outputs: [{payload: 2}]}\n"
    )
    out = io.StringIO()
    assert run_case_files(tmp_path, compiled, out) == 1
    text = out.getvalue()
    assert "PASS pipeline-tests/orders.yaml::good" in text
    assert "FAIL pipeline-tests/orders.yaml::bad" in text
    assert text.endswith("2 case(s) in 1 file(s): 1 passed, 1 failed\n")


def test_run_case_files_returns_0_when_all_pass(
    tmp_path: Path, compiled: dict[str, Pipeline]
) -> None:
    (tmp_path / "pipeline-tests").mkdir()
    (tmp_path / "pipeline-tests" / "a.yaml").write_text(
        "pipeline: split\ncases: [{name: a, input: {items: []}, outputs: []}]\n"
    )
    assert run_case_files(tmp_path, compiled, io.StringIO()) == 0

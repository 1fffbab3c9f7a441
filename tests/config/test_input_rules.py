"""A route version's `input` names known types and its `examples` are valid inputs: both
checked when the configuration loads (and by `routes check`), with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from omnihub.config import ConfigError, load_config
from tests.support.configs import edit, example_copy, line_of


def _problems(directory: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(directory, env={})
    return caught.value.report()


def test_a_misspelt_input_type_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    example_copy(tmp_path)
    edit(tmp_path / "routes.yaml", "input: ShopifyOrder", "input: ShopifyOrdr")
    report = _problems(tmp_path)
    line = line_of(tmp_path / "routes.yaml", "input: ShopifyOrdr")
    assert f"routes.yaml:{line}" in report
    assert "unknown input type 'ShopifyOrdr'" in report and "did you mean 'ShopifyOrder'" in report


def test_an_example_that_is_not_a_valid_input_is_refused(tmp_path: Path) -> None:
    example_copy(tmp_path)
    fixture = tmp_path / "pipeline-tests" / "fixtures" / "harbor-pos-batch.json"
    fixture.write_text(fixture.read_text().replace('"batch"', '"batchNo"'))
    report = _problems(tmp_path)
    assert "harbor-pos-batch.json is not a valid PosSalesBatch" in report
    assert "batch" in report


def test_a_missing_example_file_is_named(tmp_path: Path) -> None:
    example_copy(tmp_path)
    (tmp_path / "pipeline-tests" / "fixtures" / "pim-product.json").unlink()
    assert "cannot read pipeline-tests/fixtures/pim-product.json" in _problems(tmp_path)

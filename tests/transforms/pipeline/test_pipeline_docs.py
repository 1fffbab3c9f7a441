from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from transforms.pipeline import lint_pipeline
from transforms.testing import load_case_file, steps_from_yaml, tables_from_yaml

DOC = Path(__file__).resolve().parents[3] / "docs" / "pipelines.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
STEP_BLOCKS = [b for b in BLOCKS if b.startswith("- step:")]
TABLES = tables_from_yaml(
    yaml.safe_dump(yaml.safe_load(next(b for b in BLOCKS if b.startswith("tables:")))["tables"])
)
TABLES.update(tables_from_yaml("status_map: {shared: {}}"))


def test_doc_has_step_examples() -> None:
    assert len(STEP_BLOCKS) >= 9


@pytest.mark.parametrize("block", STEP_BLOCKS, ids=lambda b: b.split("label: ", 1)[1].split()[0])
def test_doc_step_examples_lint_clean(block: str) -> None:
    assert lint_pipeline(steps_from_yaml(block), TABLES, "docs") == []


def test_doc_case_file_example_decodes(tmp_path: Path) -> None:
    (block,) = [b for b in BLOCKS if b.startswith("pipeline:")]
    path = tmp_path / "cases.yaml"
    path.write_text(block, encoding="utf-8")
    assert [c.name for c in load_case_file(path).cases] == [
        "marketplace order becomes canonical",
        "one message per sale",
        "unknown SKU is refused",
    ]

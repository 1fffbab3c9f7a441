from __future__ import annotations

from pathlib import Path

import pytest

from transforms.testing import CaseFileError, discover_case_files, load_case_file


def _write(tmp_path: Path, text: str, name: str = "cases.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_timestamps_stay_text(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "pipeline: p\ncases:\n  - {name: a, input: {at: 2026-11-23T10:00:00Z}, output: {}}\n",
    )
    assert load_case_file(path).cases[0].input == {"at": "2026-11-23T10:00:00Z"}


def test_case_needs_exactly_one_expectation(tmp_path: Path) -> None:
    path = _write(tmp_path, "pipeline: p\ncases:\n  - {name: a, input: {}}\n")
    with pytest.raises(CaseFileError, match="exactly one of output, outputs, error"):
        load_case_file(path)


def test_case_needs_exactly_one_input(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "pipeline: p\ncases:\n  - {name: a, input: {}, input_file: x.json, output: {}}\n"
    )
    with pytest.raises(CaseFileError, match="exactly one of input and input_file"):
        load_case_file(path)


def test_case_names_are_unique(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "pipeline: p\ncases:\n"
        "  - {name: a, input: 1, output: 1}\n"
        "  - {name: a, input: 1, output: 1}\n",
    )
    with pytest.raises(CaseFileError, match="used twice"):
        load_case_file(path)


def test_unknown_case_field_is_refused_with_the_file_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "pipeline: p\ncases:\n  - {name: a, input: 1, output: 1, expct: 2}\n")
    with pytest.raises(CaseFileError, match=r"cases\.yaml: Object contains unknown field `expct`"):
        load_case_file(path)


def test_every_case_needs_a_pipeline(tmp_path: Path) -> None:
    path = _write(tmp_path, "cases:\n  - {name: a, input: 1, output: 1}\n")
    with pytest.raises(CaseFileError, match="no pipeline"):
        load_case_file(path)


def test_discovery_finds_yaml_below_pipeline_tests(tmp_path: Path) -> None:
    (tmp_path / "pipeline-tests" / "sub").mkdir(parents=True)
    for name in ("b.yaml", "sub/a.yml", "notes.txt"):
        (tmp_path / "pipeline-tests" / name).write_text("cases: []\n")
    found = [p.relative_to(tmp_path).as_posix() for p in discover_case_files(tmp_path)]
    assert found == ["pipeline-tests/b.yaml", "pipeline-tests/sub/a.yml"]

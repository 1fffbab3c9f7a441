"""Testing pipelines: builders from YAML text, YAML test cases and their runner.

The pytest plugin is ``transforms.testing.pytest_plugin`` (enable it explicitly).
"""

from transforms.testing.builders import (
    TEST_NOW,
    pipeline_from_yaml,
    run_pipeline,
    steps_from_yaml,
    tables_from_yaml,
)
from transforms.testing.cases import (
    CASE_DIR,
    Case,
    CaseFile,
    CaseFileError,
    ExpectedError,
    ExpectedOutput,
    Match,
    discover_case_files,
    load_case_file,
)
from transforms.testing.matching import matches, render_diff
from transforms.testing.runner import (
    CaseResult,
    OutputCheck,
    Refusal,
    run_case,
    run_case_file,
    run_case_files,
)

__all__ = [
    "CASE_DIR",
    "TEST_NOW",
    "Case",
    "CaseFile",
    "CaseFileError",
    "CaseResult",
    "ExpectedError",
    "ExpectedOutput",
    "Match",
    "OutputCheck",
    "Refusal",
    "discover_case_files",
    "load_case_file",
    "matches",
    "pipeline_from_yaml",
    "render_diff",
    "run_case",
    "run_case_file",
    "run_case_files",
    "run_pipeline",
    "steps_from_yaml",
    "tables_from_yaml",
]

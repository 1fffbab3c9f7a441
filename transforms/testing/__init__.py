"""Testing pipelines: builders from YAML text, and YAML test cases (see ``cases``)."""

from transforms.testing.builders import (
    TEST_NOW,
    pipeline_from_yaml,
    run_pipeline,
    steps_from_yaml,
    tables_from_yaml,
)

__all__ = [
    "TEST_NOW",
    "pipeline_from_yaml",
    "run_pipeline",
    "steps_from_yaml",
    "tables_from_yaml",
]

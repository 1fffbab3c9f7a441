"""``omnihub routes test``: run the YAML pipeline cases kept beside the configuration.

The ``routes`` command (``omnihub.cli.cmd_routes``) loads the configuration, compiles its
pipelines and calls ``run_route_tests``. Case files live in ``<config>/pipeline-tests/``;
their format is described in ``transforms.testing.cases`` and ``docs/pipelines.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from transforms.pipeline import Pipeline
from transforms.testing import run_case_files

__all__ = ["run_route_tests"]


def run_route_tests(config_dir: Path, compiled: Mapping[str, Pipeline], out: TextIO) -> int:
    """Run every case below ``config_dir/pipeline-tests`` against ``compiled`` (pipelines
    by name: ``<route>:<version>`` and ``<delivery>``), print PASS/FAIL per case with a
    diff for failures to ``out``; return 0 when all pass, 1 otherwise."""
    return run_case_files(config_dir, compiled, out)

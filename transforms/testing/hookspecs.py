"""The hooks a project implements so pytest can run its YAML pipeline cases."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from transforms.pipeline import Pipeline
from transforms.testing.runner import OutputCheck

__all__ = ["pytest_omnihub_output_checks", "pytest_omnihub_pipelines"]


@pytest.hookspec(firstresult=True)
def pytest_omnihub_pipelines(config_dir: Path) -> Mapping[str, Pipeline] | None:
    """Return the compiled pipelines of the configuration in ``config_dir``, by name
    (``<route>:<version>`` and ``<delivery>``). Called once per configuration directory."""
    raise NotImplementedError  # pragma: no cover - specification only


@pytest.hookspec(firstresult=True)
def pytest_omnihub_output_checks(config_dir: Path) -> Mapping[str, OutputCheck] | None:
    """Optional: checks every output of the named pipelines must pass, as the receiving
    side would check them (e.g. the gateway's schema validation of a route version)."""
    raise NotImplementedError  # pragma: no cover - specification only

"""The hook a project implements so pytest can run its YAML pipeline cases."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from transforms.pipeline import Pipeline

__all__ = ["pytest_omnihub_pipelines"]


@pytest.hookspec(firstresult=True)
def pytest_omnihub_pipelines(config_dir: Path) -> Mapping[str, Pipeline] | None:
    """Return the compiled pipelines of the configuration in ``config_dir``, by name
    (``<route>:<version>`` and ``<delivery>``). Called once per configuration directory."""
    raise NotImplementedError  # pragma: no cover - specification only

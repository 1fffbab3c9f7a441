"""Root pytest configuration: collect the YAML pipeline cases kept beside the configuration.

`pipeline-tests/*.yaml` (next to routes.yaml) become pytest items through the
transforms.testing plugin; this hook gives it the compiled pipelines of a configuration.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from hub.cli.cmd_routes_test import compile_config_pipelines
from omnihub.config import load_config
from transforms.pipeline import Pipeline

pytest_plugins = ["transforms.testing.pytest_plugin"]


def pytest_omnihub_pipelines(config_dir: Path) -> Mapping[str, Pipeline] | None:
    return compile_config_pipelines(load_config(config_dir, env={}))

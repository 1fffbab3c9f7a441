"""Root pytest configuration: collect the YAML pipeline cases kept beside the configuration.

`pipeline-tests/*.yaml` (next to routes.yaml) become pytest items through the
transforms.testing plugin; this hook gives it the compiled pipelines of a configuration.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from hub.cli.cmd_routes_test import compile_config_pipelines, output_checks
from omnihub.config import load_config
from transforms.pipeline import Pipeline
from transforms.testing import OutputCheck

pytest_plugins = ["transforms.testing.pytest_plugin"]


def pytest_omnihub_pipelines(config_dir: Path) -> Mapping[str, Pipeline] | None:
    return compile_config_pipelines(load_config(config_dir, env={}))


def pytest_omnihub_output_checks(config_dir: Path) -> Mapping[str, OutputCheck] | None:
    return output_checks(load_config(config_dir, env={}))

"""``omnihub routes test``: run the YAML pipeline cases kept beside the configuration.

The ``routes`` command (``hub.cli.cmd_routes``) loads the configuration and calls
``run_route_tests(config.directory, compile_config_pipelines(config), sys.stdout)``.
Case files live in ``<config>/pipeline-tests/``; their format is described in
``transforms.testing.cases`` and ``docs/pipelines.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from omnihub.config.model import HubConfig
from transforms.pipeline import Pipeline, compile_pipeline
from transforms.testing import run_case_files

__all__ = ["compile_config_pipelines", "run_route_tests"]


def compile_config_pipelines(config: HubConfig) -> dict[str, Pipeline]:
    """Every pipeline of the configuration by the name case files use:
    ``<route>:<version>`` for inbound pipelines, ``<delivery>`` for outbound ones.
    Raises ``PipelineCompileError`` (``routes check`` reports those with file:line)."""
    compiled: dict[str, Pipeline] = {}
    for route_id, route in config.routes.items():
        for version, spec in route.versions.items():
            if spec.pipeline:
                name = f"{route_id}:{version}"
                compiled[name] = compile_pipeline(spec.pipeline, tables=config.tables, name=name)
    for delivery_id, delivery in config.deliveries.items():
        if delivery.pipeline:
            compiled[delivery_id] = compile_pipeline(
                delivery.pipeline, tables=config.tables, name=delivery_id
            )
    return compiled


def run_route_tests(config_dir: Path, compiled: Mapping[str, Pipeline], out: TextIO) -> int:
    """Run every case below ``config_dir/pipeline-tests`` against ``compiled`` (pipelines
    by name: ``<route>:<version>`` and ``<delivery>``), print PASS/FAIL per case with a
    diff for failures to ``out``; return 0 when all pass, 1 otherwise."""
    return run_case_files(config_dir, compiled, out)

"""``omnihub routes test``: run the YAML pipeline cases kept beside the configuration.

The ``routes`` command (``hub.cli.cmd_routes``) loads the configuration and calls
``run_route_tests(config.directory, compile_config_pipelines(config), sys.stdout,
checks=output_checks(config))``. Case files live in ``<config>/pipeline-tests/``; their
format is described in ``transforms.testing.cases`` and ``docs/pipelines.md``.

Each output of a route version's pipeline is validated against the version's schema by
the gateway's own code (``gateway.ingest.json_codec.Inbound.validate``, what answers 422 to a
partner), so a case passes only when the gateway would accept what it produces.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from omnihub.config.model import HubConfig
from transforms.pipeline import Pipeline, compile_pipeline
from transforms.testing import OutputCheck, Refusal, run_case_files

__all__ = ["compile_config_pipelines", "output_checks", "run_route_tests"]


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


def output_checks(config: HubConfig) -> dict[str, OutputCheck]:
    """``<route>:<version>`` → the gateway's validation of that version's pipeline outputs."""
    from gateway.edge.problems import ProblemError
    from gateway.ingest.json_codec import Inbound, compile_tables

    tables = compile_tables(config.tables)
    checks: dict[str, OutputCheck] = {}

    def check_with(inbound: Inbound) -> OutputCheck:
        def check(payload: Any) -> list[Refusal]:
            try:
                inbound.validate(payload)
            except ProblemError as exc:
                errors = exc.extra.get("errors") or [{"pointer": "", "detail": exc.detail}]
                return [Refusal(e["pointer"], e["detail"]) for e in errors]
            return []

        return check

    for route_id, route in config.routes.items():
        if route.edi is not None:
            continue
        for version, spec in route.versions.items():
            if spec.pipeline:
                inbound = Inbound(route_id, route, version, spec, tables)
                checks[f"{route_id}:{version}"] = check_with(inbound)
    return checks


def run_route_tests(
    config_dir: Path,
    compiled: Mapping[str, Pipeline],
    out: TextIO,
    *,
    checks: Mapping[str, OutputCheck] | None = None,
    select: str | None = None,
) -> int:
    """Run every case below ``config_dir/pipeline-tests`` against ``compiled`` (pipelines
    by name: ``<route>:<version>`` and ``<delivery>``), outputs also through ``checks``;
    only cases whose ``file::name`` or pipeline contains ``select`` when given; print
    PASS/FAIL per case with a diff for failures to ``out``; 0 when all pass, else 1."""
    return run_case_files(config_dir, compiled, out, checks=checks, select=select)

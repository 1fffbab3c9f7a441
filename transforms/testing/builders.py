"""Build pipelines from YAML text: for tests, examples and the REPL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec
import yaml

from transforms.pipeline import (
    Pipeline,
    PipelineContext,
    PipelineOutput,
    Step,
    Table,
    compile_pipeline,
)

__all__ = ["TEST_NOW", "pipeline_from_yaml", "run_pipeline", "steps_from_yaml", "tables_from_yaml"]

TEST_NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
"""The ``now`` given to pipelines by test cases, so ``{$ctx: now}`` is repeatable."""


def steps_from_yaml(text: str) -> list[Step]:
    """Decode a YAML list of steps."""
    return msgspec.convert(yaml.safe_load(text), list[Step])


def tables_from_yaml(text: str) -> dict[str, Table]:
    """Decode a YAML mapping of table name → table."""
    return msgspec.convert(yaml.safe_load(text) or {}, dict[str, Table])


def pipeline_from_yaml(steps: str, tables: str = "{}", name: str = "test") -> Pipeline:
    """Compile the steps in ``steps`` (YAML) with the tables in ``tables`` (YAML)."""
    return compile_pipeline(steps_from_yaml(steps), tables=tables_from_yaml(tables), name=name)


def run_pipeline(
    pipeline: Pipeline,
    payload: Any,
    *,
    partner: str | None = None,
    route_id: str = "test",
    event_type: str | None = None,
    now: datetime = TEST_NOW,
) -> list[PipelineOutput]:
    """Run ``pipeline`` on ``payload`` with a context built from the arguments."""
    ctx = PipelineContext(route_id=route_id, partner_id=partner, now=now, event_type=event_type)
    return pipeline(payload, ctx)

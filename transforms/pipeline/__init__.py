"""Declarative pipelines: step specs (decoded from YAML), the compiler, lint and errors.

``compile_pipeline(steps, tables=..., name=...)`` gives a ``Pipeline``, called as
``pipeline(payload, ctx) -> list[PipelineOutput]``. See ``docs/pipelines.md``.
"""

from transforms.pipeline.compiler import Pipeline, compile_pipeline, lint_pipeline
from transforms.pipeline.context import PipelineContext, PipelineOutput
from transforms.pipeline.errors import PipelineCompileError, PipelineError
from transforms.pipeline.expressions import Expression, ExpressionSyntaxError, compile_expression
from transforms.pipeline.findings import Finding, FindingKind, Location, format_location
from transforms.pipeline.spec import (
    ConvertStep,
    DefaultStep,
    DropStep,
    EventCase,
    EventStep,
    FilterStep,
    LookupStep,
    MapStep,
    OnMismatch,
    OnMiss,
    ReconcileStep,
    RenameStep,
    SetStep,
    SplitEmit,
    SplitStep,
    Step,
    StepSpec,
    Table,
    TableValue,
    ValidateStep,
    WhenStep,
)
from transforms.pipeline.spec_convert import (
    DateConversion,
    DateTimeConversion,
    FromMinorUnits,
    Rounding,
    ToMinorUnits,
    UomConversion,
)

__all__ = [
    "ConvertStep",
    "DateConversion",
    "DateTimeConversion",
    "DefaultStep",
    "DropStep",
    "EventCase",
    "EventStep",
    "Expression",
    "ExpressionSyntaxError",
    "FilterStep",
    "Finding",
    "FindingKind",
    "FromMinorUnits",
    "Location",
    "LookupStep",
    "MapStep",
    "OnMismatch",
    "OnMiss",
    "Pipeline",
    "PipelineCompileError",
    "PipelineContext",
    "PipelineError",
    "PipelineOutput",
    "ReconcileStep",
    "RenameStep",
    "Rounding",
    "SetStep",
    "SplitEmit",
    "SplitStep",
    "Step",
    "StepSpec",
    "Table",
    "TableValue",
    "ToMinorUnits",
    "UomConversion",
    "ValidateStep",
    "WhenStep",
    "compile_expression",
    "compile_pipeline",
    "format_location",
    "lint_pipeline",
]

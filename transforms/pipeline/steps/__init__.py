"""Step compilers, one module per step kind, and the table from spec type to compiler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from transforms.pipeline.env import CompileEnv
from transforms.pipeline.findings import Location
from transforms.pipeline.runner import StepFn
from transforms.pipeline.spec import (
    ConvertStep,
    DefaultStep,
    DropStep,
    EventStep,
    FilterStep,
    LookupStep,
    MapStep,
    ReconcileStep,
    RenameStep,
    SetStep,
    SplitStep,
    ValidateStep,
    WhenStep,
)
from transforms.pipeline.steps.assign_step import compile_default, compile_set
from transforms.pipeline.steps.condition_step import compile_filter, compile_when
from transforms.pipeline.steps.convert_step import compile_convert
from transforms.pipeline.steps.drop_step import compile_drop
from transforms.pipeline.steps.event_step import compile_event
from transforms.pipeline.steps.lookup_step import compile_lookup
from transforms.pipeline.steps.map_step import compile_map
from transforms.pipeline.steps.reconcile_step import compile_reconcile
from transforms.pipeline.steps.rename_step import compile_rename
from transforms.pipeline.steps.split_step import compile_split
from transforms.pipeline.steps.validate_step import compile_validate

__all__ = ["STEP_COMPILERS"]

STEP_COMPILERS: dict[type[Any], Callable[[Any, CompileEnv, Location], StepFn]] = {
    MapStep: compile_map,
    SetStep: compile_set,
    DefaultStep: compile_default,
    RenameStep: compile_rename,
    DropStep: compile_drop,
    LookupStep: compile_lookup,
    ConvertStep: compile_convert,
    WhenStep: compile_when,
    FilterStep: compile_filter,
    SplitStep: compile_split,
    ValidateStep: compile_validate,
    EventStep: compile_event,
    ReconcileStep: compile_reconcile,
}
"""Step spec class → function compiling it (spec, env, location) → StepFn."""

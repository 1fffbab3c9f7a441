"""The compile environment shared by the step compilers of one pipeline: the crosswalk
tables, the JMESPath interpreter, and the findings collected so far."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from transforms.pipeline.errors import StepFailure
from transforms.pipeline.expressions import (
    Expression,
    ExpressionSyntaxError,
    compile_expression,
)
from transforms.pipeline.findings import Finding, FindingKind, Location
from transforms.pipeline.functions import jmespath_options
from transforms.pipeline.paths import FieldPath, PathSyntaxError, parse_path

if TYPE_CHECKING:
    from transforms.pipeline.runner import StepFn
    from transforms.pipeline.spec import Step, Table

__all__ = ["CompileEnv"]


def _broken(value: Any) -> Any:
    raise StepFailure("step did not compile")  # pragma: no cover - compile refuses first


class CompileEnv:
    """State of one ``compile_pipeline``/``lint_pipeline`` run."""

    def __init__(
        self,
        *,
        pipeline: str,
        tables: Mapping[str, Table],
        compile_steps: Callable[[CompileEnv, Sequence[Step], Location], StepFn],
    ) -> None:
        self.pipeline = pipeline
        self.tables = tables
        self.findings: list[Finding] = []
        self.jmespath_options = jmespath_options()
        self._compile_steps = compile_steps

    def report(self, kind: FindingKind, at: Location, message: str) -> None:
        self.findings.append(
            Finding(kind=kind, pipeline=self.pipeline, location=at, message=message)
        )

    def expression(self, text: Any, at: Location) -> Expression:
        """Compile a JMESPath expression, reporting a finding when it does not parse."""
        try:
            return compile_expression(text, self.jmespath_options)
        except ExpressionSyntaxError as exc:
            self.report(FindingKind.BAD_EXPRESSION, at, str(exc))
            return Expression(str(text), _broken)

    def path(self, text: str, at: Location) -> FieldPath:
        """Parse a field path, reporting a finding when it is malformed."""
        try:
            return parse_path(text)
        except PathSyntaxError as exc:
            self.report(FindingKind.BAD_PATH, at, str(exc))
            return FieldPath(text=text, tokens=("__invalid__",), absolute=False)

    def steps(self, steps: Sequence[Step], at: Location) -> StepFn:
        """Compile a nested step list (``when.steps``) located at ``at``."""
        return self._compile_steps(self, steps, at)

"""Running YAML pipeline test cases against compiled pipelines, and reporting.

A case's outputs are compared with what it expects and, when the caller gives an output
check for its pipeline (``omnihub routes test`` gives the gateway's own validation of
the route version's schema), must pass that check: a case whose output the gateway
would refuse fails, naming each refused field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import msgspec

from transforms.pipeline import Pipeline, PipelineContext, PipelineError, PipelineOutput
from transforms.testing.builders import TEST_NOW
from transforms.testing.cases import (
    CASE_DIR,
    Case,
    CaseFile,
    CaseFileError,
    ExpectedError,
    Match,
    discover_case_files,
    load_case_file,
    read_yaml,
)
from transforms.testing.matching import matches, project, render_diff

__all__ = ["CaseResult", "OutputCheck", "Refusal", "run_case", "run_case_file", "run_case_files"]


class Refusal(msgspec.Struct, frozen=True):
    """One field an output check refuses: JSON pointer (``/lines/0/sku``) and why."""

    pointer: str
    message: str


OutputCheck = Callable[[Any], Sequence[Refusal]]
"""Checks one output payload as the receiving side would; no refusals means accepted."""


class CaseResult(msgspec.Struct, frozen=True, kw_only=True):
    """Outcome of one case. ``message`` explains a failure (with a diff), else empty."""

    file: str
    name: str
    pipeline: str
    passed: bool
    message: str = ""

    @property
    def title(self) -> str:
        return f"{self.file}::{self.name}"


def _input(case: Case, base_dir: Path) -> Any:
    if case.input_file is None:
        return msgspec.to_builtins(case.input)
    path = base_dir / case.input_file
    if path.suffix == ".json":
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CaseFileError(f"input_file {case.input_file}: cannot read: {exc}") from exc
    return read_yaml(path)


def run_case(
    case: Case,
    defaults: CaseFile,
    compiled: Mapping[str, Pipeline],
    base_dir: Path,
    file: str,
    checks: Mapping[str, OutputCheck] | None = None,
) -> CaseResult:
    """Run one case; ``base_dir`` resolves ``input_file``; ``file`` names it in results;
    ``checks`` (by pipeline name) must accept every output."""
    name = case.pipeline or defaults.pipeline or ""

    def result(passed: bool, message: str = "") -> CaseResult:
        return CaseResult(file=file, name=case.name, pipeline=name, passed=passed, message=message)

    pipeline = compiled.get(name)
    if pipeline is None:
        known = ", ".join(sorted(compiled)) or "none"
        return result(False, f"no pipeline named {name!r} (known: {known})")
    try:
        payload = _input(case, base_dir)
    except CaseFileError as exc:
        return result(False, str(exc))
    ctx = PipelineContext(
        route_id=name,
        partner_id=case.partner or defaults.partner,
        event_type=case.event_type or defaults.event_type,
        now=case.now or TEST_NOW,
    )
    try:
        outputs = pipeline(payload, ctx)
    except PipelineError as exc:
        if case.error is None:
            return result(False, f"expected output, got an error:\n  {exc}")
        return result(*_check_error(case.error, exc))
    if case.error is not None:
        return result(False, f"expected an error, got {len(outputs)} output(s)")
    check = (checks or {}).get(name)
    refused = _refused(check, outputs) if check is not None else ""
    if refused:
        return result(False, refused)
    return result(*_check_outputs(case, outputs))


def _refused(check: OutputCheck, outputs: list[PipelineOutput]) -> str:
    """Why the receiving side would refuse the outputs, or "" when it accepts them all."""
    lines = []
    for index, output in enumerate(outputs):
        where = f"output {index + 1}" if len(outputs) > 1 else "the output"
        refusals = check(msgspec.to_builtins(output.payload))
        if refusals:
            lines.append(f"the gateway would refuse {where} (422):")
            lines += [f"  {r.pointer or '/'}: {r.message}" for r in refusals]
    return "\n".join(lines)


def _check_error(expected: ExpectedError, error: PipelineError) -> tuple[bool, str]:
    problems = []
    if expected.step is not None and expected.step != error.step:
        problems.append(f"step: expected {expected.step!r}, got {error.step!r}")
    if expected.path is not None and expected.path != error.path:
        problems.append(f"path: expected {expected.path!r}, got {error.path!r}")
    if expected.contains is not None and expected.contains not in str(error):
        problems.append(f"message does not contain {expected.contains!r}")
    if problems:
        return False, "\n".join([*problems, f"error was: {error}"])
    return True, ""


def _check_outputs(case: Case, outputs: list[PipelineOutput]) -> tuple[bool, str]:
    expected = case.expected_outputs()
    subset = case.match is Match.SUBSET
    actual_payloads = [msgspec.to_builtins(o.payload) for o in outputs]
    expected_payloads = [msgspec.to_builtins(e.payload) for e in expected]
    if len(expected) != len(outputs):
        diff = render_diff(expected_payloads, actual_payloads)
        return False, f"expected {len(expected)} output(s), got {len(outputs)}\n{diff}"
    for index, (want, got, output) in enumerate(
        zip(expected_payloads, actual_payloads, outputs, strict=True)
    ):
        where = f"output {index + 1}: " if len(outputs) > 1 else ""
        if not matches(want, got, subset=subset):
            shown = project(want, got) if subset else got
            return False, f"{where}payload differs ({case.match.value} match)\n" + render_diff(
                want, shown
            )
        event = expected[index].event
        if event is not None and event != output.event_type:
            return False, f"{where}event: expected {event!r}, got {output.event_type!r}"
    return True, ""


def _selected(select: str | None, file: str, case: Case, defaults: CaseFile) -> bool:
    if select is None:
        return True
    name = case.pipeline or defaults.pipeline or ""
    return any(select.lower() in text.lower() for text in (f"{file}::{case.name}", name))


def run_case_file(
    path: Path,
    compiled: Mapping[str, Pipeline],
    *,
    root: Path,
    checks: Mapping[str, OutputCheck] | None = None,
    select: str | None = None,
) -> list[CaseResult]:
    """Run every case of the file at ``path`` (named relative to ``root`` in results);
    with ``select``, only cases whose ``file::name`` or pipeline contains it (any case)."""
    file = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    try:
        cases = load_case_file(path)
    except CaseFileError as exc:
        return [CaseResult(file=file, name="<file>", pipeline="", passed=False, message=str(exc))]
    return [
        run_case(case, cases, compiled, path.parent, file, checks)
        for case in cases.cases
        if _selected(select, file, case, cases)
    ]


def run_case_files(
    config_dir: Path,
    compiled: Mapping[str, Pipeline],
    out: TextIO,
    *,
    checks: Mapping[str, OutputCheck] | None = None,
    select: str | None = None,
) -> int:
    """Run every case file below ``config_dir/pipeline-tests`` (only the cases ``select``
    picks, see ``run_case_file``); print one line per case (and the reason and diff of
    failures) to ``out``; 0 when all pass, 1 otherwise or when no case was selected."""
    files = discover_case_files(config_dir)
    results = [
        r
        for path in files
        for r in run_case_file(path, compiled, root=config_dir, checks=checks, select=select)
    ]
    if not results:
        where = config_dir / CASE_DIR
        picked = f" matching '{select}'" if select is not None else ""
        out.write(f"no case{picked} in {len(files)} file(s) under {where}\n")
        return 1
    for r in results:
        out.write(f"{'PASS' if r.passed else 'FAIL'} {r.title}\n")
        if not r.passed:
            out.write("".join(f"    {line}\n" for line in r.message.splitlines()))
    failed = sum(not r.passed for r in results)
    out.write(
        f"{len(results)} case(s) in {len(files)} file(s): "
        f"{len(results) - failed} passed, {failed} failed\n"
    )
    return 1 if failed else 0

"""YAML pipeline test cases: the file format and its loading.

A case file lives under ``<config_dir>/pipeline-tests/`` (any depth, ``.yaml``/``.yml``)::

    pipeline: orders:v1            # default pipeline of the cases (route:version or delivery)
    partner: acme-market           # default partner (crosswalk tables are per partner)
    event_type: order.created      # default event type given to the pipeline
    cases:
      - name: marketplace order becomes canonical
        input: {id: A-1, items: [...]}        # or input_file: fixtures/a-1.json
        output: {order_number: A-1}           # the one expected output...
        match: subset                         # exact (default) or subset
        event: order.created                  # expected event type (optional)
      - name: a POS batch becomes one event per sale
        input_file: fixtures/pos-batch.json
        outputs:                              # ...or every expected output, in order
          - {payload: {event_id: S-1}, event: inventory.sale}
          - {payload: {event_id: S-2}}
      - name: unknown SKU is refused
        partner: other-partner
        input: {id: A-2, items: [{sku: NOPE}]}
        error: {step: sku_crosswalk, path: "$.lines[0].sku", contains: no entry}

Timestamps in these files stay text (``2026-11-23T10:00:00Z`` is not turned into a
datetime), as in the JSON a partner sends.
"""

from __future__ import annotations

import enum
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
import yaml

__all__ = [
    "CASE_DIR",
    "Case",
    "CaseFile",
    "CaseFileError",
    "ExpectedError",
    "ExpectedOutput",
    "Match",
    "discover_case_files",
    "load_case_file",
]

CASE_DIR = "pipeline-tests"
"""Directory below the configuration directory that holds case files."""


class CaseFileError(Exception):
    """A case file cannot be read or does not follow the format."""


class Match(enum.Enum):
    """How an actual payload is compared with the expected one."""

    EXACT = "exact"
    """Equal, every key and element."""
    SUBSET = "subset"
    """Every expected key is present with a matching value; extra keys are ignored;
    lists must have the same length and match element by element."""


class _Strict(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class ExpectedOutput(_Strict, kw_only=True):
    """One expected output: its payload and (optionally) its event type."""

    payload: Any
    event: str | None = None


class ExpectedError(_Strict, kw_only=True):
    """An expected ``PipelineError``; each given field must match."""

    step: str | None = None
    path: str | None = None
    contains: str | None = None


class Case(_Strict, kw_only=True):
    """One test case; unset fields take the file's defaults."""

    name: str
    pipeline: str | None = None
    partner: str | None = None
    event_type: str | None = None
    now: datetime | None = None
    input: Any = msgspec.UNSET
    input_file: str | None = None
    match: Match = Match.EXACT
    output: Any = msgspec.UNSET
    event: str | None = None
    outputs: list[ExpectedOutput] | None = None
    error: ExpectedError | None = None

    def __post_init__(self) -> None:
        if (self.input is msgspec.UNSET) == (self.input_file is None):
            raise ValueError(f"case {self.name!r}: give exactly one of input and input_file")
        expectations = [
            self.output is not msgspec.UNSET,
            self.outputs is not None,
            self.error is not None,
        ]
        if sum(expectations) != 1:
            raise ValueError(f"case {self.name!r}: give exactly one of output, outputs, error")

    def expected_outputs(self) -> list[ExpectedOutput]:
        """``output``/``event`` as a one-element list, or ``outputs``."""
        if self.outputs is not None:
            return self.outputs
        return [ExpectedOutput(payload=self.output, event=self.event)]


class CaseFile(_Strict, kw_only=True):
    """A file of cases with shared defaults."""

    pipeline: str | None = None
    partner: str | None = None
    event_type: str | None = None
    cases: list[Case]

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for case in self.cases:
            if case.name in seen:
                raise ValueError(f"case name {case.name!r} is used twice in the file")
            seen.add(case.name)
            if case.pipeline is None and self.pipeline is None:
                raise ValueError(f"case {case.name!r}: no pipeline (set it on the case or file)")


class _TextTimestampLoader(yaml.SafeLoader):
    """SafeLoader that keeps timestamps as text."""


_TextTimestampLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> Any:
    """Read a YAML (or JSON) file with timestamps kept as text."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_TextTimestampLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise CaseFileError(f"{path}: cannot read: {exc}") from exc


def load_case_file(path: Path) -> CaseFile:
    """Read and decode a case file; ``CaseFileError`` says what is wrong and where."""
    data = read_yaml(path)
    try:
        return msgspec.convert(data, CaseFile)
    except msgspec.ValidationError as exc:
        raise CaseFileError(f"{path}: {exc}") from exc


def discover_case_files(config_dir: Path) -> list[Path]:
    """Case files below ``<config_dir>/pipeline-tests``, sorted."""
    root = config_dir / CASE_DIR
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())

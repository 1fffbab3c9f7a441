"""Declarative pipeline specs as decoded from YAML: one struct per step kind, the
``Step`` tagged union (tag field ``step``) and crosswalk ``Table``.

Templates (``map.template``, ``set.fields`` values, ``split.template``) are plain YAML
values where a string is a JMESPath expression; see ``transforms.pipeline.template``.
Field paths (``field``, ``fields`` keys, ``scope``) use ``a.b``, ``a[0]`` and ``a[]``
(every element); see ``transforms.pipeline.paths``.
"""

from __future__ import annotations

import enum
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from transforms.pipeline.spec_convert import (
    DateConversion,
    DateTimeConversion,
    FromMinorUnits,
    ToMinorUnits,
    UomConversion,
)

__all__ = [
    "ConvertStep",
    "DefaultStep",
    "DropStep",
    "EventCase",
    "EventStep",
    "FilterStep",
    "Label",
    "LookupStep",
    "MapStep",
    "OnMismatch",
    "OnMiss",
    "ReconcileStep",
    "RenameStep",
    "SetStep",
    "SplitEmit",
    "SplitStep",
    "Step",
    "StepSpec",
    "Table",
    "TableValue",
    "ValidateStep",
    "WhenStep",
]

Label = Annotated[
    str,
    Meta(
        pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$",
        description="Step name, unique in the pipeline: letters, digits, _ . -",
    ),
]
EventType = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")]
TableValue = str | int | float | bool


class StepSpec(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, tag_field="step"):
    """Base of all steps. ``label`` names the step in errors, traces, metrics and tests."""

    label: Label


class MapStep(StepSpec, tag="map", kw_only=True):
    """Replace the payload by ``template`` evaluated against it."""

    template: Any
    omit_nulls: bool = False
    """Leave out object keys whose value is null."""


class SetStep(StepSpec, tag="set", kw_only=True):
    """Set each path in ``fields`` to its template's value (creating objects on the way).
    With ``scope`` (a path such as ``lines[]``), paths and expressions are relative to
    each object the scope selects."""

    fields: dict[str, Any]
    scope: str | None = None


class DefaultStep(StepSpec, tag="default", kw_only=True):
    """Like ``set``, but only where the field is missing or null."""

    fields: dict[str, Any]
    scope: str | None = None


class RenameStep(StepSpec, tag="rename", kw_only=True):
    """Move field ``from`` → ``to``; ``to`` is relative to the object holding ``from``.
    A missing source is skipped."""

    fields: dict[str, str]


class DropStep(StepSpec, tag="drop", kw_only=True):
    """Remove the listed fields (missing ones are ignored)."""

    fields: list[str]


class OnMiss(enum.Enum):
    """What a lookup does when the key is not in the table."""

    ERROR = "error"
    """Fail the message (422 at the gateway, dead-letter at a worker)."""
    KEEP = "keep"
    """Leave the value as it is."""
    DEFAULT = "default"
    """Use the table's (or step's) ``default``."""


class Table(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A crosswalk table (``policies/*.yaml``, section ``tables``).

    Lookups try the partner's own entries first (``partners.<partner_id>``), then
    ``shared``. Keys are strings; numbers in the data are looked up as their text.
    """

    description: str | None = None
    shared: dict[str, TableValue] = {}
    partners: dict[str, dict[str, TableValue]] = {}
    on_miss: OnMiss = OnMiss.ERROR
    default: TableValue | None = None


class LookupStep(StepSpec, tag="lookup", kw_only=True):
    """Replace the value at ``field`` (or write it to ``to``, relative to the object
    holding ``field``) by its entry in ``table``. Null or missing values are skipped.
    ``on_miss``/``default`` override the table's."""

    table: str
    field: str
    to: str | None = None
    on_miss: OnMiss | None = None
    default: TableValue | None = None


class ConvertStep(StepSpec, tag="convert", kw_only=True):
    """Convert the value at ``field`` (write it at ``to``, relative to the object holding
    ``field``, if given). Exactly one conversion option must be set. Null or missing
    values are skipped unless ``required``."""

    field: str
    to: str | None = None
    required: bool = False
    to_minor_units: ToMinorUnits | None = None
    from_minor_units: FromMinorUnits | None = None
    datetime: DateTimeConversion | None = None
    date: DateConversion | None = None
    uom: UomConversion | None = None

    def __post_init__(self) -> None:
        chosen = [
            name
            for name in ("to_minor_units", "from_minor_units", "datetime", "date", "uom")
            if getattr(self, name) is not None
        ]
        if len(chosen) != 1:
            raise ValueError(
                "set exactly one of to_minor_units, from_minor_units, datetime, date, uom"
                f" (got {', '.join(chosen) or 'none'})"
            )


class WhenStep(StepSpec, tag="when", kw_only=True):
    """Run ``steps`` when ``condition`` (JMESPath) is truthy, else ``otherwise``."""

    condition: str
    steps: list[Step]
    otherwise: list[Step] = []


class FilterStep(StepSpec, tag="filter", kw_only=True):
    """Keep the message only when ``condition`` (JMESPath) is truthy; else drop it."""

    condition: str


class SplitEmit(enum.Enum):
    """What each message produced by ``split`` holds."""

    PARENT = "parent"
    """A copy of the payload whose ``field`` holds one group (a list)."""
    ITEM = "item"
    """The element itself, or ``template`` evaluated against it."""


class SplitStep(StepSpec, tag="split", kw_only=True):
    """One message per element of the array at ``field`` or, with ``group_by`` (JMESPath
    per element), per group of elements with the same key (first-seen order)."""

    field: str
    group_by: str | None = None
    emit: SplitEmit = SplitEmit.PARENT
    template: Any = None

    def __post_init__(self) -> None:
        if self.emit is SplitEmit.ITEM and self.group_by is not None:
            raise ValueError("group_by needs emit: parent")
        if self.template is not None and self.emit is not SplitEmit.ITEM:
            raise ValueError("template needs emit: item")


class ValidateStep(StepSpec, tag="validate", kw_only=True):
    """Check the payload against a canonical type (``Order``, ``Shipment``...). With
    ``normalise`` the payload is replaced by the validated form (UTC times, defaults)."""

    type: str
    normalise: bool = True


class OnMismatch(enum.Enum):
    """What a ``reconcile`` step does when the money does not balance."""

    REJECT = "reject"
    """Fail the message: the gateway answers 422 naming the difference, publishes nothing."""
    FLAG = "flag"
    """Let it through with the finding written into the payload (``flag_at``)."""


class ReconcileStep(StepSpec, tag="reconcile", kw_only=True):
    """Check that a canonical order balances: the sum over ``lines`` of quantity x unit
    price - discount + tax, plus ``shipping_charge`` and ``tax``, equals the partner's
    stated total at ``total`` (all in minor units) within ``tolerance`` minor units."""

    total: str = "total.amount"
    tolerance: Annotated[int, Meta(ge=0)] = 1
    on_mismatch: OnMismatch = OnMismatch.REJECT
    flag_at: str | None = None
    """Where ``on_mismatch: flag`` writes the finding; default ``attributes.reconciliation``."""


class EventCase(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``when`` (JMESPath) truthy → event type ``type``."""

    when: str
    type: EventType


class EventStep(StepSpec, tag="event", kw_only=True):
    """Choose the published event type: ``type``, or the first matching ``cases`` entry,
    else ``default`` (no match and no default fails the message)."""

    type: EventType | None = None
    cases: list[EventCase] = []
    default: EventType | None = None

    def __post_init__(self) -> None:
        if (self.type is None) == (not self.cases):
            raise ValueError("give either `type` or `cases`")


Step = (
    MapStep
    | SetStep
    | DefaultStep
    | RenameStep
    | DropStep
    | LookupStep
    | ConvertStep
    | WhenStep
    | FilterStep
    | SplitStep
    | ValidateStep
    | EventStep
    | ReconcileStep
)
"""One pipeline step, tagged by ``step: <kind>``."""

"""What a pipeline is given besides the payload, and what it gives back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

__all__ = ["PipelineContext", "PipelineOutput"]


class PipelineContext(msgspec.Struct, frozen=True, kw_only=True):
    """Per-message facts a pipeline may use; steps never read the clock themselves.

    Attributes:
        route_id: route (inbound) or delivery (outbound) running the pipeline.
        partner_id: authenticated partner, or None (outbound, internal); picks the
            per-partner entries of crosswalk tables.
        now: the time to use for ``{$ctx: now}`` (timezone-aware), passed by the caller.
        event_type: event type outputs get unless an ``event`` step chooses one.
    """

    route_id: str
    now: datetime
    partner_id: str | None = None
    event_type: str | None = None

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("PipelineContext.now must be timezone-aware, e.g. datetime.now(UTC)")


class PipelineOutput(msgspec.Struct, frozen=True, kw_only=True):
    """One message produced by a pipeline: JSON-ready payload plus its event type, and
    what steps flagged about it (each flag names its step), for its journey."""

    payload: Any
    event_type: str | None
    flags: tuple[str, ...] = ()
    # True when only conditions (`when`, `filter`) saw it: the payload the pipeline was given
    unchanged: bool = False

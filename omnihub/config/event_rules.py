"""Lint rule: every event a delivery subscribes to is produced by something.

A route publishes its `event`, or what its pipeline's `event` steps choose; an EDI route
publishes the event of each set it maps (and `edi.unmapped`, and its acknowledgement
event); `external_events` in routes.yaml names what other systems publish. A delivery
waiting for anything else (`order.craeted`) would silently never fire.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from omnihub.config.model import Route
from omnihub.config.rule_types import Finding, RuleContext, suggest
from transforms.edi.edifact.mapping import contrl_inbound, desadv, orders
from transforms.edi.unmapped import EVENT_TYPE as EDI_UNMAPPED
from transforms.edi.x12.mapping import (
    ack_inbound,
    asn_856,
    inventory_846,
    order_850,
    order_940,
    shipment_945,
)
from transforms.pipeline import EventStep, Step, WhenStep

__all__ = ["EDI_EVENTS", "delivery_events_are_produced", "events_produced"]

EDI_EVENTS: dict[str, frozenset[str]] = {
    "x12": frozenset(
        m.EVENT_TYPE
        for m in (ack_inbound, asn_856, inventory_846, order_850, order_940, shipment_945)
    )
    | {EDI_UNMAPPED},
    "edifact": frozenset(m.EVENT_TYPE for m in (contrl_inbound, desadv, orders)) | {EDI_UNMAPPED},
}
"""What an EDI route of each standard publishes besides its acknowledgement event."""


def _chosen(steps: Sequence[Step]) -> Iterator[str]:
    for step in steps:
        if isinstance(step, EventStep):
            yield from (e for e in (step.type, step.default) if e is not None)
            yield from (case.type for case in step.cases)
        elif isinstance(step, WhenStep):
            yield from _chosen(step.steps)
            yield from _chosen(step.otherwise)


def events_produced(route: Route) -> set[str]:
    produced = {route.event} | (EDI_EVENTS[route.edi] if route.edi else set())
    for spec in route.versions.values():
        produced.update(_chosen(spec.pipeline))
    return produced


def delivery_events_are_produced(ctx: RuleContext) -> Iterator[Finding]:
    if not ctx.declared["routes"] or any(section == "routes" for section, _ in ctx.broken):
        # No routes: a workers-only configuration, its events come from elsewhere. A route
        # that failed to decode may produce anything.
        return
    produced = set(ctx.config.external_events)
    for route in ctx.config.routes.values():
        produced |= events_produced(route)
    for did, delivery in ctx.config.deliveries.items():
        for i, event in enumerate(delivery.events):
            if event not in produced:
                hint = suggest(event, produced, "events")
                hint += "" if hint.endswith("?") else "."
                yield Finding(
                    ("deliveries", did, "events", i),
                    f"no route produces '{event}': this delivery would never fire",
                    f"{hint} Or, if another system publishes it, list it under external_events",
                )

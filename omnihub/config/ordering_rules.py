"""Lint rule for ordered deliveries (registered in `omnihub.config.rules`).

Every field an ordering key or a snapshot version names must be a scalar field of the
canonical type of each event the delivery takes; the snapshot events must be events of
the delivery.
"""

from __future__ import annotations

from collections.abc import Iterator

from omnihub.config.ordering import canonical_type_of, check_field
from omnihub.config.rule_types import Finding, RuleContext
from omnihub.config.yamlpos import Path

__all__ = ["ordering_keys_name_canonical_fields"]


def ordering_keys_name_canonical_fields(ctx: RuleContext) -> Iterator[Finding]:
    from transforms.model import CANONICAL_TYPES

    for did, delivery in ctx.config.deliveries.items():
        ordering = delivery.ordering
        if ordering is None:
            continue
        at = ("deliveries", did, "ordering")
        keys = (
            [((*at, "key"), ordering.key)]
            if isinstance(ordering.key, str)
            else [((*at, "key", i), field) for i, field in enumerate(ordering.key)]
        )
        checks: list[tuple[Path, str, list[str]]] = [
            (path, field, delivery.events) for path, field in keys
        ]
        guard = ordering.snapshots
        if guard is not None:
            for i, event in enumerate(guard.events):
                if event not in delivery.events:
                    yield Finding(
                        (*at, "snapshots", "events", i),
                        f"'{event}' is not an event of this delivery",
                        f"its events: {', '.join(delivery.events)}",
                    )
            snapshots = [e for e in guard.events if e in delivery.events]
            checks.append(((*at, "snapshots", "version"), guard.version, snapshots))
        for path, field, events in checks:
            found: dict[str, list[str]] = {}  # one finding per problem, naming its events
            for event in events:
                tp = canonical_type_of(event, ctx.config.routes, CANONICAL_TYPES)
                problem = (
                    check_field(tp, field)
                    if tp is not None
                    else "no canonical type is known for it (ordering keys name canonical "
                    "fields: order.*, inventory.*, shipment.*, ...)"
                )
                if problem is not None:
                    found.setdefault(problem, []).append(f"'{event}'")
            for problem, named in found.items():
                yield Finding(path, f"ordering field of {', '.join(named)}: {problem}")

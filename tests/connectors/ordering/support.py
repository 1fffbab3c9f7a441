"""What the ordering tests share: an ordered inventory delivery and inventory envelopes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from omnihub.config import HubConfig
from omnihub.envelope import Envelope
from tests.connectors.harness import ERP_TARGET, envelope, write_config

BASE = datetime(2026, 12, 1, tzinfo=UTC)

ORDERED_DELIVERY = """
levels-to-erp:
  target: erp
  events: [inventory.counted, inventory.sold]
  operation: inventory_adjustment.create
  retry: fast
  ordering:
    key: ["lines[0].sku", location_id]  # quoted: brackets inside a [flow] list
    snapshots: {events: [inventory.counted], version: occurred_at}
  pipeline:
    - step: map
      label: erp-level
      template:
        adjustment_id: event_id
        kind: kind
        site: location_id
        item: "lines[0].sku"
        quantity: "lines[0].quantity.value"
        as_of: occurred_at
"""


def ordered_config(
    directory: Path,
    url: str,
    *,
    partitions: int = 4,
    prefetch: int = 64,
    retry: str | None = None,
    concurrency: int = 4,
) -> HubConfig:
    target = ERP_TARGET.format(
        url=url,
        breaker="{failures: 1000, cool_down: 1s}",
        extra=f"ordered: {{partitions: {partitions}, prefetch: {prefetch}}}",
    ).replace("concurrency: 4", f"concurrency: {concurrency}")
    kwargs: dict[str, Any] = {"retry": retry} if retry else {}
    return write_config(directory, targets=target, deliveries=ORDERED_DELIVERY, **kwargs)


def inventory(
    sku: str, location: str, seq: int, level: int, *, kind: str = "count_snapshot"
) -> Envelope:
    """An inventory event whose source time is ``BASE + seq seconds``."""
    event = "inventory.counted" if kind == "count_snapshot" else "inventory.sold"
    payload = {
        "event_id": f"{sku}-{location}-{seq}-{kind}",
        "kind": kind,
        "location_id": location,
        "occurred_at": (BASE + timedelta(seconds=seq)).isoformat().replace("+00:00", "Z"),
        "lines": [{"sku": sku, "quantity": {"value": str(level)}, "status": "on_hand"}],
    }
    return envelope(payload, event=event, partner="store-systems")


def seq_of(body: dict[str, Any]) -> int:
    """The sequence a record carries (its source time, in seconds after BASE)."""
    at = datetime.fromisoformat(str(body["as_of"]).replace("Z", "+00:00"))
    return int((at - BASE).total_seconds())

"""Per-key ordering: partitioned ordered lanes and the stale-write guard (docs/delivery.md)."""

from connectors.ordering.guard import VersionGuard
from connectors.ordering.keys import OrderingKeys, Placement
from connectors.ordering.lanes import OrderedLanes
from connectors.ordering.membership import Membership, owned_partitions
from connectors.ordering.partition import Attempts, Partition

__all__ = [
    "Attempts",
    "Membership",
    "OrderedLanes",
    "OrderingKeys",
    "Partition",
    "Placement",
    "VersionGuard",
    "owned_partitions",
]

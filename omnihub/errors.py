"""omnihub's own exceptions, one tree.

    OmnihubError
    ├── BrokerError
    │   ├── BrokerUnavailable      broker unreachable, or did not confirm: try again later
    │   └── TopologyConflict       a queue/exchange exists with other arguments: operator fix
    └── (config errors live in omnihub.config: ConfigError)

Vendor errors (aio-pika, aiormq, OSError) are mapped to these at the boundary, in
`omnihub.broker.errors.map_broker_errors`.
"""

from __future__ import annotations

__all__ = ["BrokerError", "BrokerUnavailable", "OmnihubError", "TopologyConflict"]


class OmnihubError(Exception):
    """Base of every error omnihub raises on purpose."""


class BrokerError(OmnihubError):
    pass


class BrokerUnavailable(BrokerError):
    """The broker could not be reached or did not confirm a publish: transient."""


class TopologyConflict(BrokerError):
    """The broker already has a queue or exchange of this name with other arguments."""

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(
            f"{name}: exists on the broker with other arguments ({detail}). "
            "omnihub will not change it in place: drain and delete it "
            f"(rabbitmqctl delete_queue {name}) or use another OMNIHUB_PREFIX, then start again."
        )
        self.name = name
        self.detail = detail

"""Connector workers: consume a target's queues and deliver to it, never losing a message.

Public surface: build a worker with `create_worker(config, settings, target, ...)`,
``await worker.start()`` / ``await worker.stop()``; the retry arithmetic
(`compute_backoff`, `retry_delay`), the outcome tree, the attempt history format, the
middleware base for extensions, and `SubscriptionStore` (disabled partner webhooks).
"""

from connectors.backoff import compute_backoff, retry_delay
from connectors.breaker import BreakerSnapshot, BreakerState, CircuitBreaker
from connectors.errors import ConnectorConfigError
from connectors.health import WorkerStatus
from connectors.job import Ack, DeadLetter, Decision, Job, Requeue, Retry, ReturnToLane
from connectors.middleware.base import Middleware
from connectors.middleware.metrics import MetricHook
from connectors.options import WorkerOptions
from connectors.outcome import (
    AuthRejected,
    Delivered,
    DeliveryFailed,
    MappingFailed,
    PermanentFailure,
    RejectedByTarget,
    StateUnavailable,
    SubscriptionDisabled,
    SubscriptionGone,
    TargetBusy,
    TargetTimeout,
    TargetUnreachable,
    TransientFailure,
    UndeliverableMessage,
)
from connectors.subscriptions import DisabledSubscription, SubscriptionStore
from connectors.worker import Worker, create_worker
from omnihub.history import AttemptRecord, decode_history

__all__ = [
    "Ack",
    "AttemptRecord",
    "AuthRejected",
    "BreakerSnapshot",
    "BreakerState",
    "CircuitBreaker",
    "ConnectorConfigError",
    "DeadLetter",
    "Decision",
    "Delivered",
    "DeliveryFailed",
    "DisabledSubscription",
    "Job",
    "MappingFailed",
    "MetricHook",
    "Middleware",
    "PermanentFailure",
    "RejectedByTarget",
    "Requeue",
    "Retry",
    "ReturnToLane",
    "StateUnavailable",
    "SubscriptionDisabled",
    "SubscriptionGone",
    "SubscriptionStore",
    "TargetBusy",
    "TargetTimeout",
    "TargetUnreachable",
    "TransientFailure",
    "UndeliverableMessage",
    "Worker",
    "WorkerOptions",
    "WorkerStatus",
    "compute_backoff",
    "create_worker",
    "decode_history",
    "retry_delay",
]

"""Connector workers: consume a target's queues and deliver to it."""

from connectors.worker import Worker, create_worker

__all__ = ["Worker", "create_worker"]

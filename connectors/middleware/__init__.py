"""The worker's middleware, one concern each (see `connectors.middleware.base`)."""

from connectors.middleware.base import Middleware, MiddlewareChain
from connectors.middleware.breaker import BreakerMiddleware, Consumption
from connectors.middleware.history import AttemptHistory
from connectors.middleware.journey import Journeys
from connectors.middleware.metrics import MetricHook, Metrics
from connectors.middleware.retries import Retries
from connectors.middleware.tracing import AttemptTracing

__all__ = [
    "AttemptHistory",
    "AttemptTracing",
    "BreakerMiddleware",
    "Consumption",
    "Journeys",
    "MetricHook",
    "Metrics",
    "Middleware",
    "MiddlewareChain",
    "Retries",
]

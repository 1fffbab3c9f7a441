"""Configuration: `routes.yaml` and `policies/*.yaml`, decoded into typed, checked structs."""

from omnihub.config.loader import POLICIES_DIR, ROUTES_FILE, load_config
from omnihub.config.model import (
    Delivery,
    HubConfig,
    Idempotency,
    Lane,
    Partner,
    RateLimitTier,
    RetryPolicy,
    Route,
    RouteVersion,
    Target,
)
from omnihub.config.problems import ConfigError, ConfigProblem
from omnihub.config.types import Duration, Secret

__all__ = [
    "POLICIES_DIR",
    "ROUTES_FILE",
    "ConfigError",
    "ConfigProblem",
    "Delivery",
    "Duration",
    "HubConfig",
    "Idempotency",
    "Lane",
    "Partner",
    "RateLimitTier",
    "RetryPolicy",
    "Route",
    "RouteVersion",
    "Secret",
    "Target",
    "load_config",
]

"""Simulated ERP, WMS, carrier and partner endpoints for development, tests and demos.

Run one with ``omnihub sandbox`` or ``python -m sandbox``; in tests use
``sandbox.testing.running_sandbox()``. See docs/sandbox.md.
"""

from sandbox.app import create_sandbox_app
from sandbox.control import SandboxClient
from sandbox.errors import InvalidName, InvalidWebhookSecret, SandboxError, SandboxStartError
from sandbox.models import (
    FailureMode,
    ModeView,
    Problem,
    Record,
    SubscriptionUpdate,
    SubscriptionView,
    SystemStats,
)
from sandbox.server import serve
from sandbox.signatures import sign as sign_webhook
from sandbox.state import KNOWN_SYSTEMS, SandboxState

__all__ = [
    "KNOWN_SYSTEMS",
    "FailureMode",
    "InvalidName",
    "InvalidWebhookSecret",
    "ModeView",
    "Problem",
    "Record",
    "SandboxClient",
    "SandboxError",
    "SandboxStartError",
    "SandboxState",
    "SubscriptionUpdate",
    "SubscriptionView",
    "SystemStats",
    "create_sandbox_app",
    "serve",
    "sign_webhook",
]

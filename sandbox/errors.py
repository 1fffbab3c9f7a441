"""Errors raised by the sandbox.

SandboxError
 ├── InvalidName             a system or subscription name in a URL is not a lower-case slug
 ├── NotAWebhookSystem       subscriptions asked of a system other than ``partner``
 ├── InvalidWebhookSecret    a subscription secret is not ``whsec_`` + base64
 └── SandboxStartError       the sandbox server did not start listening in time
"""

from __future__ import annotations


class SandboxError(Exception):
    """Base of every error the sandbox raises."""


class InvalidName(SandboxError):
    """A name is not usable (reserved, empty, or with characters outside a-z0-9_-)."""

    def __init__(self, name: str, kind: str = "system") -> None:
        super().__init__(
            f"{kind} name {name!r} is not valid: use lower-case letters, digits, '-' or '_', "
            "starting with a letter or digit (names starting with '_' are reserved)"
        )
        self.name = name
        self.kind = kind


class NotAWebhookSystem(SandboxError):
    """Webhook subscriptions exist only for the ``partner`` system."""

    def __init__(self, system: str) -> None:
        super().__init__(
            f"system {system!r} has no webhook subscriptions; "
            "use /_sandbox/partner/subscriptions/{name}"
        )
        self.system = system


class InvalidWebhookSecret(SandboxError):
    """A Standard Webhooks secret could not be decoded."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"webhook secret is not valid: {reason}; "
            "expected 'whsec_' followed by the base64 of the key bytes"
        )


class SandboxStartError(SandboxError):
    """The sandbox server did not come up."""

    def __init__(self, address: str, timeout_s: float) -> None:
        super().__init__(
            f"sandbox server on {address} did not start within {timeout_s:g}s; "
            "check that the port is free and see the server log above"
        )
        self.address = address

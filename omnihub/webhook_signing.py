"""Standard Webhooks signatures (standardwebhooks.com), shared by the webhook connector
and the monitor's alerts: ``webhook-signature: v1,<base64 HMAC-SHA256 of
"<id>.<timestamp>.<body>">`` under a ``whsec_<base64 key>`` secret."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

__all__ = ["SECRET_PREFIX", "decode_signing_secret", "sign_webhook"]

SECRET_PREFIX = "whsec_"


def decode_signing_secret(secret: str) -> bytes:
    """The key bytes of a ``whsec_<base64>`` secret; ValueError if it is not one."""
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("a webhook secret is 'whsec_' followed by base64") from None
    if len(key) < 16:
        raise ValueError("a webhook secret needs at least 16 bytes of key")
    return key


def sign_webhook(key: bytes, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value (``v1,<base64>``)."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()

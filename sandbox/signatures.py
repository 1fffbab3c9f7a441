"""Standard Webhooks (v1) signatures: HMAC-SHA256 over ``id.timestamp.body``.

See https://www.standardwebhooks.com: the secret is ``whsec_`` + base64 of the key, the
``webhook-signature`` header holds space-separated ``v1,<base64 signature>`` entries.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac

from sandbox.errors import InvalidWebhookSecret

SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE_S = 300


class Verdict(enum.Enum):
    """Outcome of checking one webhook delivery's signature."""

    VALID = "valid"
    MISSING_HEADERS = "missing webhook-id, webhook-timestamp or webhook-signature header"
    BAD_TIMESTAMP = "webhook-timestamp is not an integer number of seconds"
    STALE_TIMESTAMP = "webhook-timestamp is outside the allowed tolerance"
    BAD_SIGNATURE = "no v1 signature in webhook-signature matches the payload"


def decode_secret(secret: str) -> bytes:
    """Key bytes of a ``whsec_`` secret; raises InvalidWebhookSecret when malformed."""
    if not secret.startswith(SECRET_PREFIX):
        raise InvalidWebhookSecret(f"it does not start with {SECRET_PREFIX!r}")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except binascii.Error:
        raise InvalidWebhookSecret("the part after the prefix is not base64") from None
    if not key:
        raise InvalidWebhookSecret("the key is empty")
    return key


def sign(key: bytes, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value (``v1,<base64>``) for one delivery."""
    content = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(
    key: bytes,
    *,
    webhook_id: str | None,
    timestamp: str | None,
    signature_header: str | None,
    body: bytes,
    now_s: int,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
) -> Verdict:
    """Check one delivery's headers against the key; ``now_s`` is the current Unix time."""
    if not webhook_id or not timestamp or not signature_header:
        return Verdict.MISSING_HEADERS
    try:
        ts = int(timestamp)
    except ValueError:
        return Verdict.BAD_TIMESTAMP
    if abs(now_s - ts) > tolerance_s:
        return Verdict.STALE_TIMESTAMP
    expected = sign(key, webhook_id, ts, body)
    for candidate in signature_header.split():
        if candidate.startswith("v1,") and hmac.compare_digest(candidate, expected):
            return Verdict.VALID
    return Verdict.BAD_SIGNATURE

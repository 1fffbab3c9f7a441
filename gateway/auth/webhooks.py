"""Webhook signatures: Standard Webhooks (v1, HMAC-SHA256) and Shopify-style HMAC.

The sender is the partner one of whose `webhook_secrets` produced a signature: each
secret is tried (HMACs are cheap, partners few) and every comparison is constant-time.
Standard Webhooks sign ``{webhook-id}.{webhook-timestamp}.{body}`` and may send several
space-separated signatures (``v1,<base64>``) while a secret rotates; a timestamp outside
the route's tolerance is refused, so a captured request cannot be replayed later, and the
webhook id de-duplicates retries within it. Shopify signs the raw body
(``X-Shopify-Hmac-Sha256``, base64) and names the delivery in ``X-Shopify-Webhook-Id``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping

from gateway.auth.principal import Principal, unauthenticated
from omnihub.config.model import HubConfig

__all__ = ["SignedWebhook", "WebhookVerifier"]

STANDARD_PREFIX = "whsec_"


class SignedWebhook:
    __slots__ = ("principal", "webhook_id")

    def __init__(self, principal: Principal, webhook_id: str | None) -> None:
        self.principal = principal
        self.webhook_id = webhook_id


def _standard_key(secret: str) -> bytes:
    if secret.startswith(STANDARD_PREFIX):
        try:
            return base64.b64decode(secret[len(STANDARD_PREFIX) :], validate=True)
        except binascii.Error:
            pass
    return secret.encode()


class _Candidate:
    __slots__ = ("principal", "raw", "standard")

    def __init__(self, principal: Principal, secret: str) -> None:
        self.principal = principal
        self.standard = _standard_key(secret)
        self.raw = secret.encode()


class WebhookVerifier:
    def __init__(self, config: HubConfig) -> None:
        self._candidates: list[_Candidate] = []
        for pid, partner in config.partners.items():
            scopes = frozenset(partner.scopes)
            for secret in partner.webhook_secrets:
                principal = Principal(pid, scopes, secret.id, "webhook")
                self._candidates.append(_Candidate(principal, secret.secret.reveal()))

    def standard(
        self, headers: Mapping[str, str], body: bytes, *, now: float, tolerance_s: float
    ) -> SignedWebhook:
        msg_id = headers.get("webhook-id")
        stamp = headers.get("webhook-timestamp")
        header = headers.get("webhook-signature")
        if not msg_id or not stamp or not header:
            raise unauthenticated(
                "a webhook needs the webhook-id, webhook-timestamp and webhook-signature headers"
            )
        try:
            sent = int(stamp)
        except ValueError:
            raise unauthenticated("webhook-timestamp must be Unix seconds") from None
        if abs(now - sent) > tolerance_s:
            raise unauthenticated(
                f"webhook-timestamp is more than {int(tolerance_s)} s away from the hub's "
                "clock: sign and send the webhook again (check the sender's clock)"
            )
        signatures = []
        for part in header.split():
            version, _, value = part.partition(",")
            if version == "v1":
                try:
                    signatures.append(base64.b64decode(value, validate=True))
                except binascii.Error:
                    continue
        signed = f"{msg_id}.{stamp}.".encode() + body
        for candidate in self._candidates:
            expected = hmac.new(candidate.standard, signed, hashlib.sha256).digest()
            matched = False
            for signature in signatures:
                matched |= hmac.compare_digest(expected, signature)
            if matched:
                return SignedWebhook(_as(candidate.principal, "webhook_standard"), msg_id)
        raise unauthenticated("the webhook signature does not match")

    def shopify(self, headers: Mapping[str, str], body: bytes) -> SignedWebhook:
        header = headers.get("x-shopify-hmac-sha256")
        if not header:
            raise unauthenticated("a Shopify webhook needs the X-Shopify-Hmac-Sha256 header")
        presented = header.strip().encode()
        for candidate in self._candidates:
            expected = base64.b64encode(hmac.new(candidate.raw, body, hashlib.sha256).digest())
            if hmac.compare_digest(expected, presented):
                webhook_id = headers.get("x-shopify-webhook-id") or None
                return SignedWebhook(_as(candidate.principal, "webhook_shopify"), webhook_id)
        raise unauthenticated("the webhook signature does not match")


def _as(principal: Principal, method: str) -> Principal:
    return Principal(principal.partner, principal.scopes, principal.credential_id, method)

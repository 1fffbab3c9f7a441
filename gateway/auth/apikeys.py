"""Authenticate partners by API key.

Keys are high-entropy random strings, so a fast SHA-256 is the right hash (as GitHub and
Stripe do for tokens): the gateway keeps only digests, looks the digest up in a dict, and
never logs or echoes a key. Several keys per partner allow rotation.
"""

from __future__ import annotations

import hashlib
import secrets

from gateway.auth.principal import Principal
from omnihub.config.model import HubConfig

__all__ = ["KEY_PREFIX", "ApiKeyIndex", "hash_secret", "new_api_key"]

KEY_PREFIX = "ohk_"


def hash_secret(value: str) -> str:
    """SHA-256 hex digest of a high-entropy credential (API key, client secret)."""
    return hashlib.sha256(value.encode()).hexdigest()


def new_api_key() -> str:
    """A new API key: the prefix and 256 random bits (URL-safe base64)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


class ApiKeyIndex:
    """Digest -> principal, built once from the partners in the configuration."""

    def __init__(self, config: HubConfig) -> None:
        self._by_digest: dict[str, Principal] = {}
        for pid, partner in config.partners.items():
            scopes = frozenset(partner.scopes)
            for key in partner.api_keys:
                self._by_digest[key.sha256] = Principal(pid, scopes, key.id, "api_key")

    def lookup(self, key: str) -> Principal | None:
        # The lookup is on a SHA-256 digest of the presented key: timing reveals nothing
        # about a valid key's material, so no constant-time compare is needed here.
        return self._by_digest.get(hash_secret(key))

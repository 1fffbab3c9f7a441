"""Authenticate partners by API key.

Keys are high-entropy random strings, so a fast SHA-256 is the right hash (as GitHub and
Stripe do for tokens): the gateway keeps only digests, looks the digest up in a dict, and
never logs or echoes a key. Several keys per partner allow rotation.

The index can be replaced while the gateway runs (`replace`, called by the policy
watcher of `gateway.auth.key_reload`): a key added or revoked in `policies/` takes effect
without a restart. Each lookup that finds a key notes when it was used, in memory; the
watcher writes those times to Redis now and then, for ``omnihub partners list-keys``.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Mapping

from gateway.auth.principal import Principal
from omnihub.config.model import HubConfig, Partner

__all__ = ["KEY_PREFIX", "ApiKeyIndex", "hash_secret", "new_api_key", "visible_prefix"]

KEY_PREFIX = "ohk_"
VISIBLE_CHARS = 6  # of the random part shown by `partners list-keys` (36 of 256 bits)


def hash_secret(value: str) -> str:
    """SHA-256 hex digest of a high-entropy credential (API key, client secret)."""
    return hashlib.sha256(value.encode()).hexdigest()


def new_api_key() -> str:
    """A new API key: the prefix and 256 random bits (URL-safe base64)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def visible_prefix(key: str) -> str:
    """What may be shown of a key to tell it apart: ``ohk_`` and a few characters."""
    return key[: len(KEY_PREFIX) + VISIBLE_CHARS]


def _index(partners: Mapping[str, Partner]) -> dict[str, Principal]:
    by_digest: dict[str, Principal] = {}
    for pid, partner in partners.items():
        scopes = frozenset(partner.scopes)
        for key in partner.api_keys:
            by_digest[key.sha256] = Principal(pid, scopes, key.id, "api_key")
    return by_digest


class ApiKeyIndex:
    """Digest -> principal, built from the partners in the configuration."""

    def __init__(self, config: HubConfig) -> None:
        self._by_digest = _index(config.partners)
        self._used: dict[tuple[str, str], float] = {}

    def __len__(self) -> int:
        return len(self._by_digest)

    def replace(self, partners: Mapping[str, Partner]) -> bool:
        """Serve the keys of `partners` from now on; True when anything changed."""
        fresh = _index(partners)
        if fresh == self._by_digest:
            return False
        self._by_digest = fresh  # one assignment: a lookup sees the old or the new index
        return True

    def lookup(self, key: str) -> Principal | None:
        # The lookup is on a SHA-256 digest of the presented key: timing reveals nothing
        # about a valid key's material, so no constant-time compare is needed here.
        principal = self._by_digest.get(hash_secret(key))
        if principal is not None:
            self._used[(principal.partner, principal.credential_id)] = time.time()
        return principal

    def take_usage(self) -> dict[tuple[str, str], float]:
        """(partner, key id) -> when last used, since the previous call."""
        used, self._used = self._used, {}
        return used

"""Authenticate partners by API key.

Keys are high-entropy random strings, so a fast SHA-256 is the right hash (as GitHub and
Stripe do for tokens): the gateway keeps only digests, looks the digest up in a dict, and
never logs or echoes a key. Several keys per partner allow rotation.
"""

from __future__ import annotations

import hashlib

import msgspec

from gateway.problems import ProblemError
from omnihub.config.model import HubConfig

__all__ = ["ApiKeyIndex", "Principal", "hash_api_key"]


class Principal(msgspec.Struct, frozen=True):
    """Who is calling: the partner, its scopes, and which credential it used (by id)."""

    partner: str
    scopes: frozenset[str]
    credential_id: str


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyIndex:
    """Digest -> principal, built once from the partners in the configuration."""

    def __init__(self, config: HubConfig, header: str = "x-api-key") -> None:
        self._header = header.lower()
        self._by_digest: dict[str, Principal] = {}
        for pid, partner in config.partners.items():
            for key in partner.api_keys:
                self._by_digest[key.sha256] = Principal(pid, frozenset(partner.scopes), key.id)

    def _presented(self, headers: dict[str, str]) -> str | None:
        auth = headers.get("authorization")
        if auth:
            scheme, _, value = auth.partition(" ")
            if scheme.lower() == "bearer" and value.strip():
                return value.strip()
        return headers.get(self._header)

    def authenticate(self, headers: dict[str, str]) -> Principal:
        key = self._presented(headers)
        challenge = {"WWW-Authenticate": 'Bearer realm="omnihub"'}
        if key is None:
            raise ProblemError(
                401,
                "no API key: send it as 'Authorization: Bearer <key>' "
                f"or in the '{self._header}' header",
                kind="unauthenticated",
                headers=challenge,
            )
        digest = hash_api_key(key)
        principal = self._by_digest.get(digest)
        # The lookup is on a SHA-256 digest of the presented key: timing reveals nothing
        # about a valid key's material, so no constant-time compare is needed here.
        if principal is None:
            raise ProblemError(
                401, "the API key is not valid", kind="unauthenticated", headers=challenge
            )
        return principal

    @staticmethod
    def authorize(principal: Principal, required: list[str]) -> None:
        missing = [s for s in required if s not in principal.scopes]
        if missing:
            raise ProblemError(
                403,
                f"partner '{principal.partner}' lacks the scope(s) {', '.join(missing)} "
                "this route requires",
                kind="forbidden",
            )

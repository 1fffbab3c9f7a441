"""Console sign-in: an admin API key, exchanged for a session cookie and a CSRF token.

The key is checked like the admin API checks it (`ApiKeyIndex` of the configuration,
re-read by the key watcher, and the ``admin`` scope). The session lives in this process
only (a random id in an HttpOnly, SameSite=Strict cookie; the key itself is never
stored); a console restart signs everyone out. Every POST but the sign-in must carry the
session's CSRF token (form field ``csrf`` or header ``X-CSRF-Token``).
"""

from __future__ import annotations

import hmac
import secrets
import time

import msgspec

from gateway.auth import ApiKeyIndex
from gateway.auth.callers import ADMIN_SCOPE

__all__ = ["COOKIE", "Session", "Sessions"]

COOKIE = "omnihub_console"
IDLE_S = 8 * 3600  # a session unused this long is gone


class Session(msgspec.Struct, kw_only=True):
    actor: str  # <partner>/<credential id>, as the admin API names its callers
    csrf: str
    last_seen: float

    def csrf_ok(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf, token or "")


class Sessions:
    def __init__(self, keys: ApiKeyIndex, *, idle_s: float = IDLE_S) -> None:
        self._keys = keys
        self._idle_s = idle_s
        self._by_id: dict[str, Session] = {}

    def sign_in(self, api_key: str) -> tuple[str, Session] | str:
        """(session id, session), or why the key does not sign in."""
        principal = self._keys.lookup(api_key.strip())
        if principal is None:
            return "this API key is not valid"
        if ADMIN_SCOPE not in principal.scopes:
            return f"partner '{principal.partner}' lacks the admin scope the console requires"
        session_id = secrets.token_urlsafe(32)
        session = Session(
            actor=f"{principal.partner}/{principal.credential_id}",
            csrf=secrets.token_urlsafe(32),
            last_seen=time.monotonic(),
        )
        self._by_id[session_id] = session
        return session_id, session

    def get(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        session = self._by_id.get(session_id)
        now = time.monotonic()
        if session is None or now - session.last_seen > self._idle_s:
            self._by_id.pop(session_id, None)
            return None
        session.last_seen = now
        return session

    def sign_out(self, session_id: str | None) -> None:
        if session_id:
            self._by_id.pop(session_id, None)

"""Who is calling, and the scope check every route makes."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from gateway.edge.problems import ProblemError

__all__ = ["Principal", "authorize", "unauthenticated"]


class Principal(msgspec.Struct, frozen=True):
    """The partner, its scopes, and which credential it used (by id, never its value)."""

    partner: str
    scopes: frozenset[str]
    credential_id: str
    method: str  # api_key | oauth2 | webhook_standard | webhook_shopify


CHALLENGE = {"WWW-Authenticate": 'Bearer realm="omnihub"'}


def unauthenticated(detail: str, *, error: str | None = None) -> ProblemError:
    """A 401 whose text says what was wrong without repeating what was sent."""
    challenge = (
        CHALLENGE
        if error is None
        else {"WWW-Authenticate": f'Bearer realm="omnihub", error="{error}"'}
    )
    return ProblemError(401, detail, kind="unauthenticated", headers=challenge)


def authorize(principal: Principal, required: Iterable[str]) -> None:
    missing = [s for s in required if s not in principal.scopes]
    if missing:
        raise ProblemError(
            403,
            f"partner '{principal.partner}' lacks the scope(s) {', '.join(missing)} "
            "this route requires; ask the hub's operators to grant them",
            kind="forbidden",
        )

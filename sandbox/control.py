"""A small synchronous client of the sandbox control API, for tests and scripts.

It talks HTTP, so it works the same for a sandbox in a thread, a subprocess or a container.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, TypeVar

import httpx
import msgspec

from sandbox.models import FailureMode, ModeView, Record, SubscriptionView, SystemStats

T = TypeVar("T")


class SandboxClient:
    """Reads records and stats of a running sandbox and switches its failure modes."""

    def __init__(self, base_url: str, *, timeout_s: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=f"{self.base_url}/_sandbox", timeout=timeout_s)

    def _call(self, method: str, path: str, into: type[T], **kwargs: Any) -> T:
        response = self._http.request(method, path, **kwargs)
        response.raise_for_status()
        return msgspec.json.decode(response.content, type=into)

    def records(
        self, system: str, *, idempotency_key: str | None = None, status: int | None = None
    ) -> list[Record]:
        params: dict[str, str | int] = {}
        if idempotency_key is not None:
            params["idempotency_key"] = idempotency_key
        if status is not None:
            params["status"] = status
        return self._call("GET", f"/{system}/records", list[Record], params=params)

    def stats(self, system: str) -> SystemStats:
        return self._call("GET", f"/{system}/stats", SystemStats)

    def set_mode(self, system: str, mode: FailureMode | None = None, **fields: Any) -> ModeView:
        """Set a failure mode, given as a FailureMode or as its fields."""
        body = mode if mode is not None else FailureMode(**fields)
        return self._call("PUT", f"/{system}/mode", ModeView, content=msgspec.json.encode(body))

    def clear_mode(self, system: str) -> ModeView:
        return self._call("DELETE", f"/{system}/mode", ModeView)

    def set_subscription(
        self, name: str, *, secret: str | None = None, gone: bool = False
    ) -> SubscriptionView:
        body = {"secret": secret, "gone": gone}
        return self._call("PUT", f"/partner/subscriptions/{name}", SubscriptionView, json=body)

    def set_oauth(
        self, *, clients: dict[str, str], expires_in: int = 3600, protect: list[str] | None = None
    ) -> dict[str, Any]:
        """Register OAuth2 clients and protect systems with bearer tokens (sandbox.oauth)."""
        body = {"clients": clients, "expires_in": expires_in, "protect": protect or []}
        return self._call("PUT", "/oauth", dict[str, Any], json=body)

    def oauth(self) -> dict[str, Any]:
        """Tokens issued and valid now, registered client ids, protected systems."""
        return self._call("GET", "/oauth", dict[str, Any])

    def revoke_tokens(self) -> dict[str, Any]:
        """Every token issued so far stops working: the next call with one gets 401."""
        return self._call("POST", "/oauth/revoke", dict[str, Any])

    def reset(self) -> None:
        """Forget all records, idempotency keys, counters, modes and subscriptions."""
        self._http.delete("/records").raise_for_status()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SandboxClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

"""Alerts about exceptions, to webhooks: Slack-compatible JSON, or generic JSON signed
as Standard Webhooks (like the hub's outbound webhooks).

An exception is alerted once when it opens (level 0), again each time its count or its
age passes the next escalation threshold (`level_of`), and once more when it is resolved.
The level sent is stored with the exception, so a monitor that restarts, or a new
leader, sends nothing twice.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import datetime
from typing import Literal

import httpx
import msgspec

from omnihub.config.sla import AlertPolicy, AlertWebhook
from omnihub.monitor.exceptions import ExceptionView
from omnihub.webhook_signing import decode_signing_secret, sign_webhook

__all__ = ["AlertKind", "AlertSender", "level_of", "render"]

log = logging.getLogger("omnihub.monitor.alerts")

AlertKind = Literal["opened", "escalated", "resolved"]
_encoder = msgspec.json.Encoder()


def level_of(exc: ExceptionView, policy: AlertPolicy, now: datetime) -> int:
    """0 when open, +1 per count and per age threshold passed."""
    age = exc.age_s(now)
    return sum(1 for c in policy.escalate_counts if exc.count >= c) + sum(
        1 for a in policy.escalate_ages if age >= a.total_seconds()
    )


class GenericAlert(msgspec.Struct, frozen=True, kw_only=True):
    type: str  # exception.opened, exception.escalated, exception.resolved
    exception: ExceptionView
    age_s: float


def _headline(kind: AlertKind, exc: ExceptionView, now: datetime) -> str:
    who = exc.target if exc.partner == "*" else f"{exc.target} / partner {exc.partner}"
    minutes = exc.age_s(now) / 60
    verb = {"opened": "OPEN", "escalated": "ESCALATED", "resolved": "RESOLVED"}[kind]
    return (
        f"[{verb}] {exc.cause.value.replace('_', ' ')} at {who}: {exc.count} affected, "
        f"{exc.impact} impact, {minutes:.0f} min (exception #{exc.id})"
    )


def render(
    kind: AlertKind, exc: ExceptionView, fmt: Literal["slack", "generic"], now: datetime
) -> bytes:
    if fmt == "generic":
        return _encoder.encode(
            GenericAlert(type=f"exception.{kind}", exception=exc, age_s=exc.age_s(now))
        )
    headline = _headline(kind, exc, now)
    keys = ", ".join(exc.business_keys[:5]) + (" ..." if exc.count > 5 else "")
    lines = [f"*{headline}*", exc.detail]
    if keys:
        lines.append(f"keys: {keys}")
    lines.append(f"resolved: {exc.note}" if kind == "resolved" else f"action: {exc.action}")
    return _encoder.encode({"text": headline, "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}}
    ]})  # fmt: skip


class AlertSender:
    def __init__(self, policy: AlertPolicy, transport: httpx.AsyncBaseTransport | None = None):
        self.policy = policy
        self._client = httpx.AsyncClient(transport=transport)

    async def send(self, kind: AlertKind, exc: ExceptionView, now: datetime) -> bool:
        """True when every webhook took it (or there are none): the caller records it."""
        ok = True
        for wid, hook in self.policy.webhooks.items():
            ok = await self._post(wid, hook, render(kind, exc, hook.format, now)) and ok
        return ok

    async def _post(self, wid: str, hook: AlertWebhook, body: bytes) -> bool:
        headers = {"content-type": "application/json"}
        if hook.secret is not None:
            message_id = f"msg_{uuid.uuid4().hex}"
            stamp = int(time.time())
            key = decode_signing_secret(hook.secret.reveal())
            headers |= {
                "webhook-id": message_id,
                "webhook-timestamp": str(stamp),
                "webhook-signature": sign_webhook(key, message_id, stamp, body),
            }
        try:
            answer = await self._client.post(
                hook.url, content=body, headers=headers, timeout=hook.timeout.total_seconds()
            )
        except httpx.HTTPError as exc:
            log.warning("alert webhook %s unreachable: %s", wid, type(exc).__name__)
            return False
        if answer.status_code >= 300:
            log.warning("alert webhook %s answered %d", wid, answer.status_code)
            return False
        return True

    async def close(self) -> None:
        await self._client.aclose()

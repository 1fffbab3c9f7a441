"""Outbound webhooks to partners, signed as Standard Webhooks (standardwebhooks.com).

A webhook target has one subscription per partner (``subscriptions`` in its target
config, keyed by partner id). An event goes to the subscription of the partner it
belongs to (``envelope.partner``) — never to another partner's. The body is
``{"type": <event>, "timestamp": <RFC 3339>, "data": <payload>}``; the headers
``webhook-id`` (the message id, stable across retries), ``webhook-timestamp`` and
``webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">``.

A ``410 Gone`` means the partner unsubscribed: the subscription is disabled (in Redis,
for every worker) and says so in the log and the dead-letter reason; later events for it
are dead-lettered at once until an operator enables it again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

import msgspec

from connectors.errors import ConnectorConfigError
from connectors.http_core import HttpCore, OutboundRequest
from connectors.kinds.base import Outbound
from connectors.outcome import (
    Delivered,
    RejectedByTarget,
    SubscriptionDisabled,
    SubscriptionGone,
)
from connectors.subscriptions import SubscriptionStore
from omnihub.config.model import Delivery, WebhookSubscription
from omnihub.webhook_signing import decode_signing_secret, sign_webhook

__all__ = ["WebhookConnector", "decode_signing_secret", "sign_webhook", "webhook_connector"]

log = logging.getLogger("omnihub.worker.webhooks")

_encoder = msgspec.json.Encoder()


class WebhookBody(msgspec.Struct, frozen=True):
    type: str
    timestamp: datetime
    data: object


class _Subscription:
    def __init__(self, partner: str, sub: WebhookSubscription) -> None:
        self.partner = partner
        self.url = sub.url
        self.events = frozenset(sub.events)
        self.secret = sub.secret.reveal()
        self.key = decode_signing_secret(self.secret)


class WebhookConnector:
    def __init__(
        self,
        core: HttpCore,
        target_id: str,
        subscriptions: Mapping[str, WebhookSubscription],
        store: SubscriptionStore,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.core = core
        self.target_id = target_id
        self.store = store
        self._clock = clock
        self.subscriptions: dict[str, _Subscription] = {}
        for partner, sub in subscriptions.items():
            try:
                self.subscriptions[partner] = _Subscription(partner, sub)
            except ValueError as exc:
                raise ConnectorConfigError(
                    f"target '{target_id}', subscription '{partner}'", str(exc)
                ) from None

    async def deliver(self, out: Outbound) -> Delivered | None:
        partner = out.envelope.partner
        sub = self.subscriptions.get(partner)
        if sub is None or (sub.events and out.event_type not in sub.events):
            return None  # this partner does not subscribe to it
        disabled = await self.store.disabled(partner)
        if disabled is not None:
            raise SubscriptionDisabled(
                f"webhook subscription of '{partner}' on {self.target_id} is disabled since "
                f"{disabled.disabled_at.isoformat()} ({disabled.reason}); enable it again "
                "once the partner subscribes, then replay this message from the DLQ"
            )
        now = self._clock()
        body = _encoder.encode(
            WebhookBody(
                type=out.event_type, timestamp=datetime.fromtimestamp(now, UTC), data=out.payload
            )
        )
        timestamp = int(now)
        try:
            answer = await self.core.send(
                OutboundRequest(
                    method="POST",
                    url=sub.url,
                    body=body,
                    headers={
                        "webhook-id": out.idempotency_key,
                        "webhook-timestamp": str(timestamp),
                        "webhook-signature": sign_webhook(
                            sub.key, out.idempotency_key, timestamp, body
                        ),
                    },
                    idempotency_key=out.idempotency_key,
                    traceparent=out.traceparent,
                )
            )
        except RejectedByTarget as exc:
            if exc.status == 410:
                await self._gone(partner, exc)
            raise
        return Delivered(status=answer.status, latency_ms=answer.latency_ms)

    async def _gone(self, partner: str, exc: RejectedByTarget) -> None:
        reason = f"the endpoint answered 410 Gone at {datetime.now(UTC).isoformat()}"
        await self.store.disable(partner, 410, reason)
        log.warning(
            "webhook subscription of '%s' on %s DISABLED: %s. Its events are dead-lettered "
            "until it is enabled again.",
            partner,
            self.target_id,
            reason,
        )
        raise SubscriptionGone(
            f"webhook subscription of '{partner}' answered 410 Gone: the partner unsubscribed; "
            "the subscription is now disabled",
            status=410,
        ) from exc

    def secrets(self) -> tuple[str, ...]:
        return tuple(s.secret for s in self.subscriptions.values())


def webhook_connector(
    core: HttpCore,
    target_id: str,
    subscriptions: Mapping[str, WebhookSubscription],
    store: SubscriptionStore,
    delivery_id: str,
    delivery: Delivery,
) -> WebhookConnector:
    if delivery.request is not None or delivery.operation is not None:
        raise ConnectorConfigError(
            f"delivery '{delivery_id}'",
            f"'{target_id}' is a webhook target: each partner's subscription gives the URL; "
            "remove `request` / `operation`",
        )
    return WebhookConnector(core, target_id, subscriptions, store)

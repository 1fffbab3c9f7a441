"""SLAs and alerting in `policies/*.yaml`: what the monitor watches and whom it tells.

slas:
  orders-to-erp:   {kind: delivery, delivery: erp-orders, within: 2m}
  acme-997:        {kind: acknowledgement, target: acme-edi, within: 4h}
  acme-asn:        {kind: answer, target: acme-edi, sent: "850", partner: acme,
                    expect: asn.received, within: 24h}
  erp-health:      {kind: target, target: erp, breaker_open: 5m, dlq: 50}
alerts:
  check_every: 30s
  webhooks:
    ops: {url: https://hooks.slack.com/services/..., format: slack}
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from omnihub.config.types import Duration, Secret

__all__ = [
    "AcknowledgementSla",
    "AlertPolicy",
    "AlertWebhook",
    "AnswerSla",
    "DeliverySla",
    "Sla",
    "TargetSla",
]

_Id = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
_Event = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*$")]


class _Sla(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    pass


class DeliverySla(_Sla, tag="delivery", tag_field="kind", kw_only=True, frozen=True):
    """Every message a delivery subscribes to reaches its target within `within`."""

    delivery: _Id
    within: Duration
    partner: _Id | None = None  # only this partner's messages


class AcknowledgementSla(_Sla, tag="acknowledgement", tag_field="kind", kw_only=True, frozen=True):
    """Every functional group we send to an EDI target is acknowledged (997/999)
    within `within`, and not rejected."""

    target: _Id
    within: Duration


class AnswerSla(_Sla, tag="answer", tag_field="kind", kw_only=True, frozen=True):
    """After we send a `sent` document to `target`, `partner` sends an `expect` event
    with the same business key (e.g. the PO number) within `within`."""

    target: _Id
    sent: Literal["850", "856", "940"]
    partner: _Id
    expect: _Event
    within: Duration


class TargetSla(_Sla, tag="target", tag_field="kind", kw_only=True, frozen=True):
    """A target's breaker is open at most `breaker_open`; its DLQ holds at most `dlq`."""

    target: _Id
    breaker_open: Duration | None = None
    dlq: Annotated[int, msgspec.Meta(ge=0)] | None = None


Sla = DeliverySla | AcknowledgementSla | AnswerSla | TargetSla


class AlertWebhook(_Sla, kw_only=True, frozen=True):
    """Where alerts go: Slack-compatible JSON, or generic JSON signed like the hub's
    outbound webhooks (Standard Webhooks, `secret` is ``whsec_<base64 key>``)."""

    url: Annotated[str, msgspec.Meta(pattern=r"^https?://")]
    format: Literal["slack", "generic"] = "slack"
    secret: Secret | None = None
    timeout: Duration = Duration(seconds=5)


def _counts() -> list[int]:
    return [10, 100, 1000]


def _ages() -> list[Duration]:
    return [Duration(minutes=15), Duration(hours=1), Duration(hours=4)]


class AlertPolicy(_Sla, kw_only=True, frozen=True):
    """How often the monitor checks, how far back it looks, and when it alerts again."""

    check_every: Duration = Duration(seconds=30)
    window: Duration = Duration(days=1)  # messages older than this are not watched
    webhooks: dict[_Id, AlertWebhook] = {}
    # An open exception is alerted once, then again each time its count or its age
    # passes the next of these thresholds (escalation).
    escalate_counts: list[Annotated[int, msgspec.Meta(ge=1)]] = msgspec.field(
        default_factory=_counts
    )
    escalate_ages: list[Duration] = msgspec.field(default_factory=_ages)

"""Lint rules for SLAs and alerts (registered in `omnihub.config.rules`)."""

from __future__ import annotations

from collections.abc import Iterator

from omnihub.config.model import TargetKind
from omnihub.config.rule_types import Finding, RuleContext, suggest
from omnihub.config.sla import AcknowledgementSla, AnswerSla, DeliverySla, TargetSla

__all__ = ["alerts_are_complete", "slas_refer_to_what_exists"]


def slas_refer_to_what_exists(ctx: RuleContext) -> Iterator[Finding]:
    config, declared = ctx.config, ctx.declared
    for sid, sla in config.slas.items():
        at = ("slas", sid)
        if isinstance(sla, DeliverySla):
            if sla.delivery not in declared["deliveries"]:
                yield Finding(
                    (*at, "delivery"),
                    f"unknown delivery '{sla.delivery}'",
                    suggest(sla.delivery, declared["deliveries"], "deliveries"),
                )
            if sla.partner is not None and sla.partner not in declared["partners"]:
                yield Finding(
                    (*at, "partner"),
                    f"unknown partner '{sla.partner}'",
                    suggest(sla.partner, declared["partners"], "partners"),
                )
            continue
        if sla.target not in declared["targets"]:
            yield Finding(
                (*at, "target"),
                f"unknown target '{sla.target}'",
                suggest(sla.target, declared["targets"], "targets"),
            )
            continue
        target = config.targets.get(sla.target)
        if isinstance(sla, AcknowledgementSla | AnswerSla) and (
            target is not None and target.kind is not TargetKind.EDI
        ):
            yield Finding(
                (*at, "target"),
                f"target '{sla.target}' is not of kind edi: only EDI groups are acknowledged",
                "name the EDI target the documents are sent to",
            )
        if isinstance(sla, AnswerSla) and sla.partner not in declared["partners"]:
            yield Finding(
                (*at, "partner"),
                f"unknown partner '{sla.partner}'",
                suggest(sla.partner, declared["partners"], "partners"),
            )
        if isinstance(sla, TargetSla) and sla.breaker_open is None and sla.dlq is None:
            yield Finding(
                (*at, "kind"),
                "a target SLA needs breaker_open, dlq or both",
                "e.g. breaker_open: 5m, dlq: 50",
            )


def alerts_are_complete(ctx: RuleContext) -> Iterator[Finding]:
    alerts = ctx.config.alerts
    for wid, hook in alerts.webhooks.items():
        if hook.format == "generic" and hook.secret is None:
            yield Finding(
                ("alerts", "webhooks", wid, "format"),
                "a generic alert webhook is signed: give it a secret",
                "secret: ${env:ALERT_WEBHOOK_SECRET} (whsec_<base64 key>)",
            )
        if hook.secret is not None and not hook.secret.reveal().startswith("whsec_"):
            yield Finding(
                ("alerts", "webhooks", wid, "secret"),
                "the secret is not a Standard Webhooks secret",
                "write it as whsec_<base64 key>",
            )
    for name, values in (
        ("escalate_counts", list(alerts.escalate_counts)),
        ("escalate_ages", [a.total_seconds() for a in alerts.escalate_ages]),
    ):
        if values != sorted(set(values)):
            yield Finding(("alerts", name), f"{name} must be increasing, each value once")

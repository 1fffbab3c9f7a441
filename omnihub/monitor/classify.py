"""What a breach is: its cause class, customer impact, grouping signature and the
action an operator should take. Pure functions of what the journey or the 997 says."""

from __future__ import annotations

import re
from enum import IntEnum, StrEnum

import msgspec

__all__ = [
    "Breach",
    "Cause",
    "Impact",
    "breach_from_failure",
    "impact_of_event",
    "impact_of_sets",
    "suggested_action",
]


class Cause(StrEnum):
    TARGET_DOWN = "target_down"  # unreachable, timing out, 5xx, 429; breaker open
    TARGET_REJECTED = "target_rejected"  # 4xx with a status and, when it says, a field
    AUTH_FAILURE = "auth_failure"  # 401/403 or the token endpoint refused us
    MAPPING_GAP = "mapping_gap"  # the delivery's pipeline cannot map the message
    PARTNER_DATA_ERROR = "partner_data_error"  # what the partner sent cannot be used
    DELIVERY_LATE = "delivery_late"  # not delivered in time, no failure recorded yet
    DEAD_LETTERS = "dead_letters"  # a target's DLQ holds more than its SLA allows
    LATE_ACKNOWLEDGEMENT = "late_acknowledgement"  # no 997/999 in time
    REJECTED_ACKNOWLEDGEMENT = "rejected_acknowledgement"  # a 997/999 rejected sets
    MISSING_DOCUMENT = "missing_document"  # an expected answer (856 after 850) did not come


class Impact(IntEnum):
    """Customer impact, highest first when exceptions are listed."""

    MASTER_DATA = 1
    INVENTORY = 2
    SHIPMENT = 3
    ORDER = 4


_EVENT_IMPACT = {
    "order": Impact.ORDER,
    "return": Impact.ORDER,
    "shipment": Impact.SHIPMENT,
    "asn": Impact.SHIPMENT,
    "inventory": Impact.INVENTORY,
}
_SET_IMPACT = {"850": Impact.ORDER, "940": Impact.ORDER, "856": Impact.SHIPMENT}

_ACTIONS = {
    Cause.TARGET_DOWN: "check the target's health; messages wait in its queue and are "
    "delivered when it answers again (nothing to replay unless they were dead-lettered)",
    Cause.TARGET_REJECTED: "fix the named field (in the mapping or with the partner), then "
    "replay the dead letters: omnihub dlq replay {target}",
    Cause.AUTH_FAILURE: "renew or correct the target's credentials (policies/targets), then "
    "replay the dead letters: omnihub dlq replay {target}",
    Cause.MAPPING_GAP: "fix the delivery's pipeline (omnihub routes test), then replay the "
    "dead letters: omnihub dlq replay {target}",
    Cause.PARTNER_DATA_ERROR: "ask the partner to correct and resend the data",
    Cause.DELIVERY_LATE: "check that the target's worker runs and consumes its queue",
    Cause.DEAD_LETTERS: "look at the dead letters (omnihub dlq list {target}), fix the cause, "
    "replay or discard them",
    Cause.LATE_ACKNOWLEDGEMENT: "ask the partner whether the interchange arrived; resend it "
    "if not (omnihub replay)",
    Cause.REJECTED_ACKNOWLEDGEMENT: "correct the sets the 997 names and send them again",
    Cause.MISSING_DOCUMENT: "ask the partner for the missing document",
}


def suggested_action(cause: Cause, target: str) -> str:
    return _ACTIONS[cause].format(target=target)


def impact_of_event(event: str) -> Impact:
    return _EVENT_IMPACT.get(event.split(".", 1)[0], Impact.MASTER_DATA)


def impact_of_sets(set_ids: tuple[str, ...]) -> Impact:
    return max((_SET_IMPACT.get(s, Impact.MASTER_DATA) for s in set_ids), default=Impact.ORDER)


class Breach(msgspec.Struct, frozen=True, kw_only=True):
    """One thing that went wrong, before grouping: exceptions group breaches with the
    same cause, target, partner and signature."""

    cause: Cause
    target: str
    partner: str  # "*" when the cause is the target's own (an outage hits every partner)
    signature: str  # what tells two errors of one cause apart (status and field, ...)
    impact: Impact
    item: str  # what is counted once: a message id, a sent group, a check
    business_key: str | None = None
    detail: str = ""
    clears: bool = True  # resolved by itself when the breach is no longer seen

    @property
    def group_key(self) -> str:
        return "|".join((self.cause.value, self.target, self.partner, self.signature))


_FIELD = re.compile(r"invalid ([A-Za-z_][\w.\[\]]*)|field '?([A-Za-z_][\w.\[\]]*)")
_NUMBERS = re.compile(r"\d{3,}|[0-9a-f]{8}-[0-9a-f-]{27,}")
_DOWN = ("TargetUnreachable", "TargetTimeout", "TargetBusy", "StateUnavailable")


def _signature(text: str) -> str:
    """The error with what varies per message (ids, numbers) taken out."""
    return _NUMBERS.sub("#", text)[:120]


def breach_from_failure(
    *,
    target: str,
    partner: str,
    message_id: str,
    event: str,
    business_key: str | None,
    error: str | None,
    status: int | None,
    target_down: bool = False,
) -> Breach:
    """The breach of a message not delivered in time, from its last failed attempt (or,
    not attempted yet, from whether its target is known to be down)."""
    error_class, _, reason = (error or "").partition(": ")
    impact = impact_of_event(event)
    common = {"target": target, "impact": impact, "item": message_id, "business_key": business_key}
    if error_class in _DOWN or (not error_class and target_down):
        return Breach(
            cause=Cause.TARGET_DOWN,
            partner="*",
            signature="target down",
            detail=f"last error: {error}" if error else "waiting in the queue: the target is down",
            **common,  # type: ignore[arg-type]
        )
    if error_class == "AuthRejected":
        return Breach(
            cause=Cause.AUTH_FAILURE,
            partner="*",
            signature=f"status {status}" if status else "token refused",
            detail=f"last error: {error}",
            **common,  # type: ignore[arg-type]
        )
    if error_class == "RejectedByTarget":
        match = _FIELD.search(reason)
        field = (match.group(1) or match.group(2)) if match else ""
        sig = f"status {status}" + (f" field {field}" if field else "")
        if not field:
            sig += f" {_signature(reason)}"
        return Breach(
            cause=Cause.TARGET_REJECTED,
            partner=partner,
            signature=sig.strip(),
            detail=f"last error: {error}",
            **common,  # type: ignore[arg-type]
        )
    if error_class in ("MappingFailed", "UndeliverableMessage"):
        return Breach(
            cause=Cause.MAPPING_GAP,
            partner=partner,
            signature=_signature(reason),
            detail=f"last error: {error}",
            **common,  # type: ignore[arg-type]
        )
    if error_class:
        return Breach(
            cause=Cause.PARTNER_DATA_ERROR,
            partner=partner,
            signature=_signature(error or ""),
            detail=f"last error: {error}",
            **common,  # type: ignore[arg-type]
        )
    return Breach(
        cause=Cause.DELIVERY_LATE,
        partner="*",
        signature="not delivered in time",
        detail="no delivery attempt recorded",
        **common,  # type: ignore[arg-type]
    )

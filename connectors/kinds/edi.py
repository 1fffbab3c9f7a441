"""EDI targets: a canonical event rendered as an X12 interchange, sent over AS2 or HTTP.

asn.received -> 856, order.created / order.fulfillment_requested -> 940 (a 3PL's
warehouse shipping order), or what the target's ``edi.documents`` says (850 for a
supplier's purchase order). The envelope is the target's (per-partner qualifiers, ids,
separators, version); ISA13/GS06 come from the hub's Redis counters, so they never
repeat across workers. An ``edi.acknowledgement`` event (a 997/CONTRL the gateway
published for later) is sent as it is.

Outcomes: a payload that does not map, or data X12 cannot carry -> `MappingFailed`;
no control numbers (Redis down) -> `StateUnavailable` (retried); over AS2, a negative
or unverifiable MDN -> `RejectedByTarget` (permanent: resending the same bytes cannot
fix a signature or a certificate); HTTP statuses as for every target.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import msgspec

from connectors.errors import ConnectorConfigError
from connectors.http_core import HttpCore, OutboundRequest
from connectors.kinds.base import Outbound
from connectors.outcome import Delivered, MappingFailed, RejectedByTarget, StateUnavailable
from omnihub.config.model import Delivery, EdiTarget
from omnihub.edi_counters import ControlNumberError
from omnihub.edi_messages import OutboundAcknowledgement
from omnihub.journey.database import StoreUnavailable
from omnihub.monitor.sent_groups import SentGroupRecord, SentGroups
from transforms.edi import (
    ControlNumberAllocator,
    EdiWriteError,
    OutboundSet,
    WrittenInterchange,
    write_850,
    write_856,
    write_940,
    write_interchange,
)
from transforms.model import ASN, Order

if TYPE_CHECKING:
    from connectors.as2 import As2Sender

__all__ = ["ACK_EVENT", "DEFAULT_DOCUMENTS", "EdiConnector", "edi_connector"]

log = logging.getLogger("omnihub.worker.edi")
RECORD_TIMEOUT_S = 2.0  # storing the groups sent, after the target confirmed

ACK_EVENT = "edi.acknowledgement"
DEFAULT_DOCUMENTS = {
    "asn.received": "856",
    "order.created": "940",
    "order.fulfillment_requested": "940",
}
_WRITERS: dict[str, tuple[type[msgspec.Struct], Callable[[Any], OutboundSet]]] = {
    "856": (ASN, write_856),
    "850": (Order, write_850),
    "940": (Order, write_940),
}


class EdiConnector:
    def __init__(
        self,
        core: HttpCore,
        target_id: str,
        settings: EdiTarget,
        control_numbers: ControlNumberAllocator,
        as2: As2Sender | None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sent_groups: SentGroups | None = None,
    ) -> None:
        self.core = core
        self.target_id = target_id
        self.settings = settings
        self.control_numbers = control_numbers
        self.as2 = as2
        self.clock = clock
        self.documents = {**DEFAULT_DOCUMENTS, **settings.documents}
        self.sent_groups = sent_groups
        self._written: dict[str, WrittenInterchange] = {}

    async def render(self, out: Outbound) -> tuple[str, str]:
        """The interchange text for `out` and a reference (ISA13) for the history."""
        if out.event_type == ACK_EVENT:
            try:
                ack = msgspec.convert(out.payload, OutboundAcknowledgement)
            except msgspec.ValidationError as exc:
                raise MappingFailed(f"not an EDI acknowledgement: {exc}") from None
            return ack.text, f"ack:{ack.acknowledges}"
        document = self.documents.get(out.event_type)
        if document is None:
            raise MappingFailed(
                f"target '{self.target_id}' has no X12 document for '{out.event_type}'; "
                f"add it to edi.documents (856, 850 or 940)"
            )
        model, write = _WRITERS[document]
        try:
            canonical = msgspec.convert(out.payload, model)
            outbound = write(canonical)
        except (msgspec.ValidationError, EdiWriteError) as exc:
            raise MappingFailed(
                f"cannot write the {document} for {out.event_type}: {exc}"
            ) from None
        try:
            written = await write_interchange(
                [outbound], self.settings.envelope, self.control_numbers, self.clock()
            )
        except ControlNumberError as exc:
            raise StateUnavailable(str(exc)) from None
        except EdiWriteError as exc:
            raise MappingFailed(f"cannot envelope the {document}: {exc}") from None
        self._written[out.idempotency_key] = written
        return written.text, f"ISA13 {written.interchange_control_number:09d}"

    async def deliver(self, out: Outbound) -> Delivered:
        try:
            delivered = await self._deliver(out)
        except BaseException:
            self._written.pop(out.idempotency_key, None)
            raise
        written = self._written.pop(out.idempotency_key, None)
        if written is not None:
            await self._record_sent(out, written)
        return delivered

    async def _record_sent(self, out: Outbound, written: WrittenInterchange) -> None:
        """Keep the groups sent, so the partner's 997 can be matched and an SLA watch it."""
        if self.sent_groups is None:
            return
        now = self.clock()
        records = [
            SentGroupRecord(
                receiver_id=self.settings.envelope.receiver_id.strip(),
                functional_id=group.functional_id,
                control_number=int(group.control_number),
                target=self.target_id,
                interchange=group.interchange_control_number,
                set_ids=group.set_ids,
                set_numbers=group.set_control_numbers,
                message_id=out.envelope.id,
                event=out.event_type,
                business_key=out.envelope.business_key,
                sent_at=now,
            )
            for group in written.groups
        ]
        try:  # bounded: the target confirmed, a slow store must not hold the ack back
            await asyncio.wait_for(self.sent_groups.record(records), RECORD_TIMEOUT_S)
        except (StoreUnavailable, TimeoutError) as exc:
            log.warning(
                "sent groups of %s not stored (their 997 cannot be matched): %s",
                out.envelope.id,
                exc or "PostgreSQL too slow",
            )

    async def _deliver(self, out: Outbound) -> Delivered:
        text, reference = await self.render(out)
        data = text.encode("utf-8")
        if self.as2 is None:
            answer = await self.core.send(
                OutboundRequest(
                    method="POST",
                    url=self.settings.path,
                    body=data,
                    content_type="application/edi-x12",
                    idempotency_key=out.idempotency_key,
                    traceparent=out.traceparent,
                )
            )
            return Delivered(
                status=answer.status, latency_ms=answer.latency_ms, reference=reference
            )
        request, message = self.as2.build(data, f"{out.idempotency_key}.x12")
        answer = await self.core.send(
            OutboundRequest(
                method="POST",
                url=self.settings.path,
                body=request.body,
                headers=request.headers,
                content_type=request.content_type,
                idempotency_key=out.idempotency_key,
                traceparent=out.traceparent,
            )
        )
        mdn = self.as2.read_mdn(message, answer.headers, answer.content)
        if not mdn.processed:
            raise RejectedByTarget(
                f"{self.target_id} answered AS2 message {request.message_id} with a negative "
                f"MDN: {mdn.status} {mdn.detail}".rstrip(),
                status=answer.status,
                excerpt=mdn.detail,
                latency_ms=answer.latency_ms,
            )
        return Delivered(
            status=answer.status,
            latency_ms=answer.latency_ms,
            reference=f"{reference}, MDN processed ({request.message_id})",
        )


def edi_connector(
    core: HttpCore,
    target_id: str,
    settings: EdiTarget | None,
    delivery_id: str,
    delivery: Delivery,
    control_numbers: ControlNumberAllocator | None,
    as2: Callable[[], As2Sender],
    sent_groups: SentGroups | None = None,
) -> EdiConnector:
    where = f"delivery '{delivery_id}'"
    if settings is None:
        raise ConnectorConfigError(f"target '{target_id}'", "a target of kind edi needs `edi:`")
    if delivery.operation is not None or delivery.request is not None:
        raise ConnectorConfigError(
            where, "an edi target renders X12 itself: remove `operation` / `request`"
        )
    if control_numbers is None:
        raise ConnectorConfigError(where, "an edi target needs the hub's control-number store")
    unknown = [
        e
        for e in delivery.events
        if e != ACK_EVENT and e not in {**DEFAULT_DOCUMENTS, **settings.documents}
    ]
    if unknown:
        raise ConnectorConfigError(
            where,
            f"no X12 document for {', '.join(unknown)}; map them in the target's edi.documents",
        )
    sender = as2() if settings.transport == "as2" else None
    return EdiConnector(core, target_id, settings, control_numbers, sender, sent_groups=sent_groups)

"""The EDI codec of the ingest flow: a raw interchange (``POST /v1/edi/x12``,
``/v1/edi/edifact``).

The body is read with the codecs (422 problem+json when it is not an interchange), the
interchange's sender ids must be the partner's (403), each accepted set is published as
its canonical event (one envelope per set), and the answer is the 997/TA1 or CONTRL: in
the response body (200) or, when the partner's agreement says ``acknowledge: async``,
published as the route's event (202 JSON).
"""

from __future__ import annotations

import asyncio
import logging

from gateway.edge.problems import ProblemError
from gateway.ingest.business_keys import key_reader
from gateway.ingest.edi_codec import (
    DEFAULT_AGREEMENT,
    EdiRead,
    acknowledgement,
    check_senders,
    read_body,
)
from gateway.ingest.flow import Accepting, Outcome
from omnihub.config.model import Partner, PartnerEdi, Route
from omnihub.edi_counters import ControlNumberError, RedisControlNumbers
from omnihub.edi_messages import OutboundAcknowledgement

__all__ = ["EdiBody"]

log = logging.getLogger("omnihub.gateway.edi")
THREAD_ABOVE_BYTES = 256 * 1024  # larger bodies are read off the event loop
MESSAGE_IDS = "Omnihub-Message-Ids"

_MEDIA = {
    "x12": ("application/edi-x12", "text/plain", "application/octet-stream"),
    "edifact": ("application/edifact", "text/plain", "application/octet-stream"),
}


class EdiBody:
    """The EDI codec of one route (X12 or EDIFACT), with the partners' agreements."""

    noun = "interchange"

    def __init__(
        self,
        route_id: str,
        route: Route,
        partners: dict[str, Partner],
        allocator: RedisControlNumbers,
        retry_after_s: int,
    ) -> None:
        assert route.edi is not None
        self.route_id = route_id
        self.route = route
        self.standard = route.edi
        self.allocator = allocator
        self.retry_after_s = retry_after_s
        self._agreements = {pid: p.edi or DEFAULT_AGREEMENT for pid, p in partners.items()}
        self._key = key_reader(route.business_key) if route.business_key else None

    def media(self, content_type: str | None) -> str:
        media = (content_type or "").split(";")[0].strip().lower()
        if media not in _MEDIA[self.standard]:
            raise ProblemError(
                415,
                f"send the interchange as {' or '.join(_MEDIA[self.standard])} "
                f"(got '{media or 'none'}')",
                kind="unsupported-media-type",
            )
        return media if media != "application/octet-stream" else "text/plain"

    def _agreement(self, partner: str) -> PartnerEdi:
        return self._agreements.get(partner, DEFAULT_AGREEMENT)

    def replay_status(self, partner: str, media: str) -> tuple[int, str]:
        if self._agreement(partner).acknowledge == "async":
            return 202, "application/json"
        return 200, _charset(media)

    async def _read(self, body: bytes, agreement: PartnerEdi) -> EdiRead:
        if len(body) > THREAD_ABOVE_BYTES:
            return await asyncio.to_thread(read_body, self.standard, body, agreement)
        return read_body(self.standard, body, agreement)

    async def accept(self, accepting: Accepting) -> Outcome:
        partner = accepting.principal.partner
        agreement = self._agreement(partner)
        read = await self._read(accepting.body, agreement)
        check_senders(read, partner, agreement)
        ids = []
        for item in read.items:
            business = (self._key(item.payload) if self._key else None) or item.business_key
            one = accepting.envelope(
                item.event_type, item.payload, business, natural_key=item.control_key
            )
            await accepting.publish(one, item.detail)  # its findings, for its journey
            ids.append(one.id)
        try:
            replies = await acknowledgement(read, agreement, self.allocator, accepting.now)
        except ControlNumberError as exc:
            log.warning("no control numbers for %s: %s", self.route_id, exc)
            raise ProblemError(
                503,
                f"the sets were stored ({len(ids)} published) but the acknowledgement "
                "cannot be numbered right now; send the interchange again with the same "
                "Idempotency-Key",
                kind="store-unavailable",
                headers={"Retry-After": str(self.retry_after_s)},
            ) from None
        log.info(
            "%s from %s: %d published (%d with findings), %d rejected",
            self.route_id,
            partner,
            len(ids),
            sum(item.detail is not None for item in read.items),
            read.rejected,
        )
        headers = {MESSAGE_IDS: ",".join(ids)}
        if agreement.acknowledge == "response":
            return Outcome(200, "".join(replies).encode(), _charset(accepting.media), headers)
        for reply, number in zip(replies, read.interchange_numbers, strict=False):
            ack = OutboundAcknowledgement(
                standard=self.standard, partner=partner, text=reply, acknowledges=number
            )
            one = accepting.envelope(
                self.route.event, ack, number, natural_key=f"{self.standard}-ack:{number}"
            )
            await accepting.publish(one)
        event = read.items[0].event_type if read.items else self.route.event
        return Outcome(202, accepting.accepted(event), "application/json", headers)


def _charset(media: str) -> str:
    return media + "; charset=utf-8" if media.startswith("text/") else media

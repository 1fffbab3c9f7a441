"""The EDI functional groups we sent, and what the partner's 997/999 said of each.

The EDI connector records every group it delivered (`record`); the gateway's EDI route
hands each inbound 997/999 to `acknowledge`, which finds the group by the partner's id
(our GS/ISA receiver, its ISA06), the functional id and the group control number (AK1),
and stores the status and, for sets not accepted, the AK3/AK4/AK5 findings. The monitor
reads what is overdue or rejected (`unacknowledged`, `rejected`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec

from omnihub.monitor.schema import MonitorTables
from transforms.edi import FunctionalAck, SentGroup, match_acknowledgement
from transforms.edi.x12.ack_matching import sent_group_key
from transforms.edi.x12.acks import AckStatus, SetResponse

__all__ = ["AckResult", "SentGroupRecord", "SentGroups", "describe_findings"]


class SentGroupRecord(msgspec.Struct, frozen=True, kw_only=True):
    receiver_id: str  # the partner's id in our envelope (its ISA06 when it answers)
    functional_id: str  # GS01
    control_number: int  # GS06
    target: str
    interchange: str  # ISA13
    set_ids: tuple[str, ...]
    set_numbers: tuple[str, ...]
    message_id: str
    event: str
    business_key: str | None
    sent_at: datetime
    ack_status: str | None = None
    acked_at: datetime | None = None
    ack_findings: str | None = None


class AckResult(msgspec.Struct, frozen=True, kw_only=True):
    """A 997/999 matched to the group it acknowledges."""

    group: SentGroupRecord
    status: str  # AK9: A, E, P or R
    findings: str  # AK3/AK4/AK5 of the sets not accepted, "" when all were


_COLUMNS = (
    "receiver_id, functional_id, control_number, target, interchange, set_ids, set_numbers,"
    " message_id, event, business_key, sent_at, ack_status, acked_at, ack_findings"
)


def _record(row: Sequence[object]) -> SentGroupRecord:
    names = [c.strip() for c in _COLUMNS.split(",")]
    return msgspec.convert(dict(zip(names, row, strict=True)), SentGroupRecord, strict=False)


def _set_findings(response: SetResponse) -> str:
    parts = [
        f"AK5 {response.status.value}" + (f" ({' '.join(response.codes)})" * bool(response.codes))
    ]
    for seg in response.segment_errors:
        parts.append(f"AK3 {seg.segment_id} at segment {seg.position} code {seg.code}".rstrip())
        for el in seg.elements:
            value = f" value {el.bad_value!r}" if el.bad_value else ""
            parts.append(f"AK4 element {el.position} ({el.data_element_ref}) code {el.code}{value}")
    return f"set {response.set_id} {response.control_number}: " + "; ".join(parts)


def describe_findings(ack: FunctionalAck) -> str:
    """What a 997/999 found wrong, set by set, in the words of its AK3/AK4/AK5 segments."""
    lines = [_set_findings(r) for r in ack.sets if r.status is not AckStatus.ACCEPTED]
    if ack.group_codes:
        lines.append(f"AK9 {ack.status.value} codes {' '.join(ack.group_codes)}")
    return " | ".join(lines)


class SentGroups(MonitorTables):
    async def record(self, groups: Sequence[SentGroupRecord]) -> None:
        await self._schema()
        async with self._db.reading() as conn, conn.cursor() as cur:
            await cur.executemany(
                f"INSERT INTO edi_sent_groups ({_COLUMNS}) VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, NULL, NULL, NULL)"
                " ON CONFLICT DO NOTHING",
                [
                    (
                        g.receiver_id,
                        g.functional_id,
                        g.control_number,
                        g.target,
                        g.interchange,
                        list(g.set_ids),
                        list(g.set_numbers),
                        g.message_id,
                        g.event,
                        g.business_key,
                        g.sent_at,
                    )
                    for g in groups
                ],
            )

    async def acknowledge(
        self, sender_ids: Sequence[str], ack: FunctionalAck, at: datetime
    ) -> AckResult | None:
        """Close the expectation of the group `ack` answers; None when we never sent it."""
        number = ack.group_control_number.strip()
        if not number.isdigit():
            return None
        await self._schema()
        async with self._db.reading() as conn:
            cur = await conn.execute(
                f"SELECT {_COLUMNS} FROM edi_sent_groups WHERE receiver_id = ANY(%s)"
                " AND functional_id = %s AND control_number = %s ORDER BY sent_at DESC LIMIT 1",
                ([s.strip() for s in sender_ids], ack.functional_id.strip(), int(number)),
            )
            row = await cur.fetchone()
            if row is None:
                return None
            record = _record(row)
            sent = SentGroup(
                functional_id=record.functional_id,
                control_number=str(record.control_number),
                interchange_control_number=record.interchange,
                set_control_numbers=record.set_numbers,
                set_ids=record.set_ids,
            )
            key = sent_group_key(record.functional_id, str(record.control_number))
            match = match_acknowledgement(ack, {key: sent})
            status = (match.status if match else ack.status).value
            findings = describe_findings(ack)
            await conn.execute(
                "UPDATE edi_sent_groups SET ack_status = %s, acked_at = %s, ack_findings = %s"
                " WHERE receiver_id = %s AND functional_id = %s AND control_number = %s",
                (status, at, findings, record.receiver_id, record.functional_id, int(number)),
            )
        return AckResult(group=record, status=status, findings=findings)

    async def unacknowledged(self, target: str, sent_before: datetime) -> list[SentGroupRecord]:
        return await self._select(
            "target = %s AND acked_at IS NULL AND sent_at < %s", (target, sent_before)
        )

    async def rejected(self, target: str, since: datetime) -> list[SentGroupRecord]:
        """Groups whose acknowledgement rejected them, or some of their sets (R, P, E
        with findings), acknowledged since `since`."""
        return await self._select(
            "target = %s AND acked_at >= %s AND (ack_status IN ('R', 'P')"
            " OR (ack_status = 'E' AND ack_findings <> ''))",
            (target, since),
        )

    async def get(
        self, receiver_id: str, functional_id: str, number: int
    ) -> SentGroupRecord | None:
        found = await self._select(
            "receiver_id = %s AND functional_id = %s AND control_number = %s",
            (receiver_id, functional_id, number),
        )
        return found[0] if found else None

    async def _select(self, where: str, params: tuple[object, ...]) -> list[SentGroupRecord]:
        await self._schema()
        async with self._db.reading() as conn:
            cur = await conn.execute(
                f"SELECT {_COLUMNS} FROM edi_sent_groups WHERE {where} ORDER BY sent_at".encode(),
                params,
            )
            return [_record(r) for r in await cur.fetchall()]

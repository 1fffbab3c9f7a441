"""Match an inbound 997/999 to the functional group we sent.

``write_interchange`` returns a :class:`SentGroup` per group written; the caller keeps
them (e.g. in Redis, keyed by :func:`sent_group_key`) and, when a 997 arrives, calls
:func:`match_acknowledgement` to learn the fate of every set it sent.
"""

from __future__ import annotations

import msgspec

from transforms.edi.x12.acks import AckStatus, FunctionalAck


class SentGroup(msgspec.Struct, frozen=True, kw_only=True):
    """What we sent in one functional group, to match its acknowledgement."""

    functional_id: str
    control_number: str
    interchange_control_number: str
    set_control_numbers: tuple[str, ...]
    set_ids: tuple[str, ...]


class AckMatch(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome of each set we sent, as the partner's 997/999 states it.

    Sets the acknowledgement does not list take the group's status when it is ``A`` or
    ``E`` (X12 allows omitting AK2 for accepted sets), else ``R``.
    ``unknown_sets`` are acknowledged set control numbers we did not send.
    """

    group: SentGroup
    status: AckStatus
    sets: dict[str, AckStatus]
    unknown_sets: tuple[str, ...]


def sent_group_key(functional_id: str, control_number: str) -> str:
    """The key under which a sent group is kept and looked up (AK101 + AK102)."""
    return f"{functional_id}:{int(control_number) if control_number.isdigit() else control_number}"


def match_acknowledgement(ack: FunctionalAck, sent: dict[str, SentGroup]) -> AckMatch | None:
    """The matched outcome, or ``None`` when we have no record of the group."""
    group = sent.get(sent_group_key(ack.functional_id, ack.group_control_number))
    if group is None:
        return None
    listed = {response.control_number: response.status for response in ack.sets}
    default = (
        AckStatus.ACCEPTED
        if ack.status in (AckStatus.ACCEPTED, AckStatus.ACCEPTED_WITH_ERRORS)
        else AckStatus.REJECTED
    )
    sets = {number: listed.get(number, default) for number in group.set_control_numbers}
    unknown = tuple(number for number in listed if number not in sets)
    return AckMatch(group=group, status=ack.status, sets=sets, unknown_sets=unknown)

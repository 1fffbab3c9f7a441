"""Valid EDI documents the canonical model cannot hold, kept for operations."""

from __future__ import annotations

import msgspec

EVENT_TYPE = "edi.unmapped"


class UnmappedDocument(msgspec.Struct, frozen=True, kw_only=True):
    """An accepted document that did not map: why, and the document itself.

    Published as ``edi.unmapped`` so nothing accepted is lost; an operator fixes the
    mapping (or the partner's data) and replays it.
    """

    standard: str
    document_type: str
    control_number: str
    group_control_number: str
    interchange_control_number: str
    sender_id: str
    receiver_id: str
    reason: str
    text: str

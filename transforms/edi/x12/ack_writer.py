"""Write the acknowledgements of a read interchange (TA1 + 997/999s) as one interchange."""

from __future__ import annotations

from datetime import datetime

from transforms.edi.control_numbers import ControlNumberAllocator
from transforms.edi.x12.acks import IMPLEMENTATION_999, render_functional_ack, render_ta1
from transforms.edi.x12.results import InterchangeResult
from transforms.edi.x12.settings import AckKind
from transforms.edi.x12.writer import (
    EnvelopeSettings,
    OutboundSet,
    WrittenInterchange,
    write_interchange,
)


def acknowledgement_sets(interchange: InterchangeResult, component: str) -> list[OutboundSet]:
    """One 997/999 set per acknowledged group of ``interchange``."""
    sets: list[OutboundSet] = []
    for group in interchange.groups:
        if group.ack is None:
            continue
        segments = render_functional_ack(group.ack, "0001", component)
        is_999 = group.ack.kind is AckKind.ACK_999
        sets.append(
            OutboundSet(
                set_id=group.ack.kind.value,
                body=tuple(segments[1:-1]),
                implementation=IMPLEMENTATION_999 if is_999 else "",
            )
        )
    return sets


async def write_acknowledgements(
    interchange: InterchangeResult,
    settings: EnvelopeSettings,
    allocator: ControlNumberAllocator,
    now: datetime,
) -> WrittenInterchange | None:
    """The reply interchange (TA1 first, then the 997/999s), or ``None`` if nothing to say.

    ``settings`` describe the reply envelope: our ids as sender, the partner's as receiver.
    """
    sets = acknowledgement_sets(interchange, settings.separators.component)
    leading = [render_ta1(interchange.ta1)] if interchange.ta1 is not None else []
    if not sets and not leading:
        return None
    return await write_interchange(sets, settings, allocator, now, leading=leading)

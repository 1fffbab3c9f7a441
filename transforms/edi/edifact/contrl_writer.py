"""Write the CONTRL of a read EDIFACT interchange as its own interchange."""

from __future__ import annotations

from datetime import datetime

from transforms.edi.control_numbers import ControlNumberAllocator, wrap
from transforms.edi.edifact.contrl import render_contrl
from transforms.edi.edifact.results import EdifactInterchangeResult
from transforms.edi.edifact.writer import EdifactEnvelopeSettings, render_interchange


def contrl_scope(settings: EdifactEnvelopeSettings) -> str:
    """The allocator scope for UNB control references to a partner."""
    return f"edifact:{settings.sender_id}:{settings.recipient_id}:unb"


async def write_contrl(
    interchange: EdifactInterchangeResult,
    settings: EdifactEnvelopeSettings,
    allocator: ControlNumberAllocator,
    now: datetime,
) -> str | None:
    """The CONTRL interchange answering ``interchange``, or ``None`` when it needs none."""
    if interchange.contrl is None:
        return None
    reference = wrap(await allocator.allocate(contrl_scope(settings)))
    message = render_contrl(interchange.contrl, settings.delimiters)
    return render_interchange([message], settings, control_reference=reference, now=now)

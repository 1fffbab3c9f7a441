"""Shared fixtures for the EDI codec tests: builders of small interchanges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from transforms.edi.x12.segments import Segment, Separators
from transforms.edi.x12.writer import EnvelopeSettings, OutboundSet, group_sets, render_interchange

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)


X12Builder = Callable[..., str]


@pytest.fixture
def x12() -> X12Builder:
    """Build a small valid X12 interchange from (set id, body segment texts) pairs."""

    def build(
        *sets: tuple[str, list[str]],
        separators: Separators | None = None,
        version: str = "00401",
        group_version: str = "004010",
        line_break: bool = True,
        control: int = 1,
    ) -> str:
        seps = separators or Separators()
        settings = EnvelopeSettings(
            sender_id="SENDER",
            receiver_id="RECEIVER",
            separators=seps,
            version=version,
            group_version=group_version,
            line_break=line_break,
        )
        outbound = [
            OutboundSet(
                set_id=set_id,
                body=tuple(
                    Segment(text.split("*")[0], tuple(text.split("*")[1:])) for text in body
                ),
            )
            for set_id, body in sets
        ]
        groups = group_sets(outbound)
        return render_interchange(
            groups,
            settings,
            interchange_control_number=control,
            group_control_numbers=[control + i for i in range(len(groups))],
            now=NOW,
        )

    return build

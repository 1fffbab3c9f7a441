"""Shared fixtures for the EDI codec tests: the public samples folder and builders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from transforms.edi.x12.segments import Segment, Separators
from transforms.edi.x12.writer import EnvelopeSettings, OutboundSet, group_sets, render_interchange

SAMPLES = Path(__file__).resolve().parents[3] / ".." / "shared" / "samples" / "edi"
NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)


def locate_samples(folder: Path) -> Path:
    """``folder`` if it holds the samples' MANIFEST.md; otherwise fail (never skip)."""
    if not (folder / "MANIFEST.md").is_file():
        pytest.fail(
            f"EDI samples not found at {folder.resolve()} (expected ../shared/samples/edi "
            "next to the repository, with MANIFEST.md); the sample tests cannot run"
        )
    return folder


@pytest.fixture(scope="session")
def samples() -> Path:
    """The public EDI samples folder; a missing folder fails loudly, never skips."""
    return locate_samples(SAMPLES)


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

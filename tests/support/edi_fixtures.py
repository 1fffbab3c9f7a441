"""The EDI fixture files written for the tests (one per pattern or quirk), in the repository.

The public corpus in ``../shared/samples/edi`` is a separate, extra suite
(``tests/corpus``); nothing here reads outside the repository.
"""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "transforms" / "edi" / "fixtures"


def fixture_path(relative: str) -> Path:
    """The path of ``fixtures/<relative>``; a missing file fails the test by name."""
    path = FIXTURES / relative
    if not path.is_file():
        pytest.fail(f"EDI fixture {relative} not found in {FIXTURES}")
    return path


def fixture(relative: str) -> bytes:
    """The bytes of ``fixtures/<relative>`` (e.g. ``x12/856_hl02-omitted.edi``)."""
    return fixture_path(relative).read_bytes()

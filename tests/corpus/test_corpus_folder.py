"""The corpus suite fails, with a clear message, when the samples folder is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus.conftest import SAMPLES, locate_samples


def test_missing_samples_folder_fails_instead_of_skipping(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match=r"EDI samples not found at .*nowhere"):
        locate_samples(tmp_path / "nowhere")


def test_samples_folder_is_beside_the_repository() -> None:
    beside_the_repository = Path(__file__).resolve().parents[3] / "shared" / "samples" / "edi"
    assert beside_the_repository == SAMPLES

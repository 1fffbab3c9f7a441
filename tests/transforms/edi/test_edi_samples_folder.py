"""The sample tests fail, with a clear message, when the samples folder is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.transforms.edi.conftest import SAMPLES, locate_samples


def test_missing_samples_folder_fails_instead_of_skipping(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match=r"EDI samples not found at .*nowhere"):
        locate_samples(tmp_path / "nowhere")


def test_samples_folder_is_found_from_the_repository_root() -> None:
    beside_the_repository = Path(__file__).resolve().parents[4] / "shared" / "samples" / "edi"
    assert SAMPLES.resolve() == beside_the_repository.resolve()

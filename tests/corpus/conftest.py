"""The extra suite over the public EDI corpus in ``../shared/samples/edi``.

The corpus is not part of the repository (its files keep their own licences): CI has it
beside the clone and ``.ci/run`` requires it; ``./test.sh`` runs this suite when the
folder is there and says in one line that it is not otherwise. Run directly, a missing
folder fails these tests with its path, never skips them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
SAMPLES = REPOSITORY.parent / "shared" / "samples" / "edi"


def locate_samples(folder: Path) -> Path:
    """``folder`` if it holds the samples' MANIFEST.md; otherwise fail (never skip)."""
    if not (folder / "MANIFEST.md").is_file():
        pytest.fail(
            f"EDI samples not found at {folder} (expected ../shared/samples/edi next to the "
            "repository, with MANIFEST.md); the corpus suite cannot run"
        )
    return folder


@pytest.fixture(scope="session")
def samples() -> Path:
    """The public EDI samples folder; a missing folder fails loudly, never skips."""
    return locate_samples(SAMPLES)

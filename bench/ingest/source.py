"""Which code is measured: a committed revision (default HEAD) or the working tree.

Several engineers edit this tree at once, so by default the processes under test run
from a snapshot of a commit (``git archive``) with this ``bench/`` laid over it; the
commit is recorded with the figures. ``--source worktree`` measures the files as they
are on disk (for whoever is changing the edge and re-running).
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

import msgspec

__all__ = ["REPO", "Source", "SourceError", "measured_source"]

REPO = Path(__file__).resolve().parents[2]
WORKTREE = "worktree"


class SourceError(Exception):
    """The revision to measure cannot be read from git."""


class Source(msgspec.Struct, frozen=True):
    root: Path  # run the processes under test with this as cwd and PYTHONPATH
    revision: str  # "abc1234" or "worktree (at abc1234, with local changes)"


def _git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, timeout=60)
    if done.returncode != 0:
        raise SourceError(f"git {' '.join(args)} failed: {done.stderr.decode().strip()}")
    return done.stdout.decode().strip()


@contextlib.contextmanager
def measured_source(rev: str) -> Iterator[Source]:
    """Yield where the code under test lives; a snapshot is removed afterwards."""
    head = _git("rev-parse", "--short", "HEAD")
    if rev == WORKTREE:
        dirty = _git("status", "--porcelain", "--", "gateway", "omnihub", "transforms")
        note = ", with local changes in gateway/omnihub/transforms" if dirty else ""
        yield Source(root=REPO, revision=f"working tree at {head}{note}")
        return
    commit = _git("rev-parse", "--short", f"{rev}^{{commit}}")
    tmp = Path(tempfile.mkdtemp(prefix=f"omnihub-bench-src-{commit}-"))
    try:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "--format=tar", commit],
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        shutil.rmtree(tmp / "bench", ignore_errors=True)
        shutil.copytree(
            REPO / "bench", tmp / "bench", ignore=shutil.ignore_patterns("out", "__pycache__")
        )
        yield Source(root=tmp, revision=commit)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

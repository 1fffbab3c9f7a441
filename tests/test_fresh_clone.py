"""A fresh clone, with no ``../shared`` beside it, passes the EDI tests on its own.

The EDI tests once read the public corpus in ``../shared/samples/edi`` and failed on a
plain ``git clone``. This copies what a clone of the working tree holds (tracked and
new files, nothing git ignores) into a temporary folder with no ``shared`` next to it
and runs the EDI tests there with this environment's Python.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.configs import REPO

EDI_TESTS = ["tests/transforms/edi", "tests/gateway/test_edi_routes.py"]
PURE_PROPERTIES = "tests/transforms/edi/test_canonical_roundtrip.py"
"""Generated round trips that read no file: left out of the clone's run to keep it short."""


def clone_of_the_working_tree(target: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:
        pytest.fail(f"git cannot list the repository's files: {listed.stderr.decode().strip()}")
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def test_a_clone_without_shared_beside_it_passes_the_edi_tests(tmp_path: Path) -> None:
    clone = clone_of_the_working_tree(tmp_path / "omnihub")
    assert not (clone.parent / "shared").exists()
    env = {**os.environ, "PYTHONPATH": str(clone)}
    where = subprocess.run(
        [sys.executable, "-c", "import tests, transforms; print(transforms.__file__)"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.strip().startswith(str(clone)), where.stdout  # the clone's code
    run = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
            *EDI_TESTS,
            *("--ignore", PURE_PROPERTIES),
        ],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    tail = "\n".join(run.stdout.splitlines()[-15:])
    assert run.returncode == 0, f"the clone's EDI tests failed:\n{tail}\n{run.stderr[-2000:]}"
    assert " passed" in tail and "failed" not in tail and "error" not in tail


def test_only_the_corpus_suite_builds_a_path_into_the_shared_folder() -> None:
    """A path into ``../shared`` anywhere else in the tests would need it on a clone."""
    into_shared = re.compile(r"/\s*[\"']shared[\"']")
    naming = [
        str(path.relative_to(REPO))
        for path in (REPO / "tests").rglob("*.py")
        if "corpus" not in path.parts
        and path.name != Path(__file__).name
        and into_shared.search(path.read_text())
    ]
    assert naming == []

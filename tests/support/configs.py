"""Copies of the example configuration, to break on purpose in tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from omnihub.config import HubConfig, load_config

REPO = Path(__file__).resolve().parents[2]


def example_copy(dest: Path) -> Path:
    """Copy routes.yaml, policies/ and pipeline-tests/ (its cases, and the example bodies
    routes.yaml names as OpenAPI examples) into `dest`; return `dest`."""
    shutil.copy(REPO / "routes.yaml", dest / "routes.yaml")
    shutil.copytree(REPO / "policies", dest / "policies")
    shutil.copytree(REPO / "pipeline-tests", dest / "pipeline-tests")
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def example_config() -> HubConfig:
    return load_config(REPO, env={})


def line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in {path}")

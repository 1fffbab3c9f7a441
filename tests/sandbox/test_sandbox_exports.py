"""The sandbox package: explicit public surface, no global side effects."""

from __future__ import annotations

import logging

import pytest

import sandbox


def test_every_exported_name_exists() -> None:
    missing = [name for name in sandbox.__all__ if not hasattr(sandbox, name)]

    assert missing == []


def test_documented_entry_points_are_exported() -> None:
    documented = {"create_sandbox_app", "SandboxState", "serve", "SandboxClient", "FailureMode"}

    assert documented <= set(sandbox.__all__)
    assert len(set(sandbox.__all__)) == len(sandbox.__all__)


def test_creating_the_app_leaves_the_root_logger_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.setattr(root, "level", logging.WARNING)

    sandbox.create_sandbox_app()

    assert (root.handlers, root.level) == ([], logging.WARNING)

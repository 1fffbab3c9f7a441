"""`omnihub partners add-key`: prints a key once, stores its hash, keeps the file's text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from gateway.auth import ApiKeyIndex, hash_secret
from omnihub.config import load_config
from tests.support.configs import example_copy


def _add_key(directory: Path, partner: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "hub.cli.main",
            "partners",
            "add-key",
            partner,
            "--config",
            str(directory),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_add_key_prints_a_new_key_once_and_stores_only_its_hash(tmp_path: Path) -> None:
    example_copy(tmp_path)
    before = (tmp_path / "policies" / "partners.yaml").read_text()
    result = _add_key(tmp_path, "acme-market")
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip()
    assert key.startswith("ohk_") and len(key) >= 40
    after = (tmp_path / "policies" / "partners.yaml").read_text()
    assert key not in after and key not in result.stderr
    assert hash_secret(key) in after
    for line in before.splitlines():  # comments and every existing line kept
        assert line in after
    config = load_config(tmp_path, env={})
    principal = ApiKeyIndex(config).lookup(key)
    assert principal is not None and principal.partner == "acme-market"
    assert len(config.partners["acme-market"].api_keys) == 2


def test_add_key_to_a_partner_without_keys_creates_the_list(tmp_path: Path) -> None:
    example_copy(tmp_path)
    result = _add_key(tmp_path, "northwind-shop")
    assert result.returncode == 0, result.stderr
    config = load_config(tmp_path, env={})
    assert ApiKeyIndex(config).lookup(result.stdout.strip()) is not None


def test_add_key_for_an_unknown_partner_fails_and_changes_nothing(tmp_path: Path) -> None:
    example_copy(tmp_path)
    before = (tmp_path / "policies" / "partners.yaml").read_text()
    result = _add_key(tmp_path, "nobody")
    assert result.returncode == 2
    assert "nobody" in result.stderr
    assert (tmp_path / "policies" / "partners.yaml").read_text() == before

"""`omnihub partners add-key | list-keys | revoke-key`: a key is printed once and stored as
its hash; keys are listed by prefix and revoked after a confirmation; the file keeps its text."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import redis.asyncio as aioredis

from gateway.auth import ApiKeyIndex, hash_secret
from gateway.auth.key_reload import PolicyKeyWatcher
from omnihub.config import load_config
from omnihub.settings import Settings
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


def _partners(
    directory: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hub.cli.main", "partners", *args, "--config", str(directory)],
        capture_output=True,
        text=True,
        timeout=60,
        input=stdin,
        env={**os.environ, **env},
    )


async def test_list_keys_shows_prefix_created_and_last_use_never_the_key(
    tmp_path: Path, settings: Settings, redis_client: aioredis.Redis
) -> None:
    example_copy(tmp_path)
    key = _add_key(tmp_path, "acme-market").stdout.strip()
    config = load_config(tmp_path, env={})
    index = ApiKeyIndex(config)
    assert index.lookup(key) is not None  # a gateway's lookup, then its periodic write
    await PolicyKeyWatcher(tmp_path, index, redis_client, settings.names).flush_usage()
    env = {"OMNIHUB_REDIS_URL": settings.redis_url, "OMNIHUB_PREFIX": settings.prefix}
    result = _partners(tmp_path, "list-keys", "acme-market", **env)
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["ID", "PREFIX", "CREATED", "LAST", "USED"]
    demo, new = sorted(rows, key=lambda row: not row.startswith("acme-demo"))
    assert demo.split() == ["acme-demo", "sha256:8815e6ec", "-", "-"]
    key_id, prefix, created, last_used = new.split()
    assert key_id.startswith("key-") and prefix == key[:10]
    assert created[:10] == last_used[:10] == datetime.now(UTC).strftime("%Y-%m-%d")
    assert key not in result.stdout and hash_secret(key) not in result.stdout


def test_revoke_key_asks_first_and_keeps_the_rest_of_the_file(tmp_path: Path) -> None:
    example_copy(tmp_path)
    policies = tmp_path / "policies" / "partners.yaml"
    original = policies.read_text()
    key = _add_key(tmp_path, "acme-market").stdout.strip()
    before = policies.read_text()
    declined = _partners(tmp_path, "revoke-key", "acme-market", key[:10], stdin="n\n")
    assert declined.returncode == 1 and "nothing revoked" in declined.stderr
    assert policies.read_text() == before
    confirmed = _partners(tmp_path, "revoke-key", "acme-market", key[:10], stdin="y\n")
    assert confirmed.returncode == 0, confirmed.stderr
    config = load_config(tmp_path, env={})
    assert ApiKeyIndex(config).lookup(key) is None
    assert [k.id for k in config.partners["acme-market"].api_keys] == ["acme-demo"]
    assert policies.read_text() == original  # exactly the lines add-key wrote are gone


def test_revoking_the_last_key_by_its_hash_prefix_leaves_an_empty_list(tmp_path: Path) -> None:
    example_copy(tmp_path)
    result = _partners(tmp_path, "revoke-key", "northstar-supply", "sha256:2060de6b", "--yes")
    assert result.returncode == 0, result.stderr
    assert load_config(tmp_path, env={}).partners["northstar-supply"].api_keys == []
    unknown = _partners(tmp_path, "revoke-key", "acme-market", "ohk_nothere", "--yes")
    assert unknown.returncode == 1 and "sha256:8815e6ec (acme-demo)" in unknown.stderr

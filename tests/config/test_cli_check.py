"""`omnihub routes check` and the start commands: exit codes and messages, as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.configs import REPO, edit, example_copy


def omnihub(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hub.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


def test_routes_check_passes_on_the_example() -> None:
    result = omnihub("routes", "check", "--config", str(REPO))
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_routes_check_fails_with_every_problem(tmp_path: Path) -> None:
    example_copy(tmp_path)
    edit(tmp_path / "routes.yaml", "    target: erp", "    target: epr")
    edit(tmp_path / "routes.yaml", "    tier: standard", "    tier: standard\n    teir: x")
    result = omnihub("routes", "check", "--config", str(tmp_path))
    assert result.returncode == 2
    assert "2 problems" in result.stderr
    assert "unknown target 'epr'" in result.stderr
    assert "unknown key 'teir'" in result.stderr


def test_gateway_refuses_to_start_on_bad_configuration(tmp_path: Path) -> None:
    example_copy(tmp_path)
    edit(tmp_path / "policies" / "tiers.yaml", 'limits: ["5/second"]', 'limits: ["5/second"')
    result = omnihub("gateway", "--config", str(tmp_path), "--port", "0")
    assert result.returncode == 2
    assert "policies/tiers.yaml:" in result.stderr and "YAML syntax error" in result.stderr

"""The shipped Prometheus alert rules pass `promtool check rules` (Debian's prometheus
package ships promtool; scripts/bootstrap.sh says how to install it)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.support.configs import REPO


def test_promtool_accepts_the_shipped_alert_rules() -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail("promtool is not installed: apt-get install -y prometheus", pytrace=False)
    rules = REPO / "deploy" / "prometheus" / "alerts.yml"
    result = subprocess.run(
        [promtool, "check", "rules", str(rules)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 6 rules found" in result.stdout

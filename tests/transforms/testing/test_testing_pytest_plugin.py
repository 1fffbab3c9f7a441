from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CONFTEST = """
from transforms.testing import pipeline_from_yaml

pytest_plugins = ["transforms.testing.pytest_plugin"]


def pytest_omnihub_pipelines(config_dir):
    return {"echo": pipeline_from_yaml("- {step: set, label: s, fields: {seen: '`true`'}}")}
"""

CASES = """
pipeline: echo
cases:
  - {name: passes, input: {a: 1}, output: {a: 1, seen: true}}
  - {name: fails, input: {a: 1}, output: {a: 2, seen: true}}
"""


def test_pytest_collects_and_runs_yaml_cases(tmp_path: Path) -> None:
    (tmp_path / "routes.yaml").write_text("routes: {}\n")
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "pipeline-tests").mkdir()
    (tmp_path / "pipeline-tests" / "echo.yaml").write_text(CASES)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "1 failed, 1 passed" in output
    assert "pipeline 'echo', case 'fails'" in output
    assert "-a: 2" in output

from __future__ import annotations

import io
from pathlib import Path

from hub.cli.cmd_routes_test import compile_config_pipelines, run_route_tests
from omnihub.config import load_config
from transforms.testing import pipeline_from_yaml

REPO = Path(__file__).resolve().parents[3]


def test_example_configuration_pipelines_compile_under_their_case_names() -> None:
    config = load_config(REPO)
    compiled = compile_config_pipelines(config)
    expected = {
        f"{rid}:{v}"
        for rid, r in config.routes.items()
        for v, s in r.versions.items()
        if s.pipeline
    } | {did for did, d in config.deliveries.items() if d.pipeline}
    assert set(compiled) == expected
    assert all(compiled[name].name == name for name in compiled)


def test_run_route_tests_runs_the_cases_of_a_configuration(tmp_path: Path) -> None:
    (tmp_path / "pipeline-tests").mkdir()
    (tmp_path / "pipeline-tests" / "echo.yaml").write_text(
        "pipeline: echo\ncases: [{name: same, input: {a: 1}, output: {a: 1}}]\n"
    )
    out = io.StringIO()
    code = run_route_tests(tmp_path, {"echo": pipeline_from_yaml("[]")}, out)
    assert (code, out.getvalue()) == (
        0,
        "PASS pipeline-tests/echo.yaml::same\n1 case(s) in 1 file(s): 1 passed, 0 failed\n",
    )

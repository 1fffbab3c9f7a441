"""Loading routes.yaml and policies/: the example loads; every broken file is located."""

from __future__ import annotations

from pathlib import Path

import pytest

from omnihub.config import ConfigError, Secret, load_config
from omnihub.config.model import OAuth2ClientCredentials
from tests.support.configs import REPO, edit, example_copy, line_of


def problems_of(directory: Path, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(directory, env=env or {})
    return [p.format() for p in info.value.problems]


def test_example_configuration_loads() -> None:
    config = load_config(REPO, env={})
    assert "orders" in config.routes
    assert config.deliveries["orders-to-erp"].target == "erp"
    assert config.targets["erp"].timeout.total_seconds() == 5


def test_unknown_key_names_file_line_and_suggests_the_right_key(tmp_path: Path) -> None:
    example_copy(tmp_path)
    edit(tmp_path / "routes.yaml", "    tier: standard", "    tier: standard\n    teir: x")
    (problem,) = problems_of(tmp_path)
    line = line_of(tmp_path / "routes.yaml", "teir: x")
    assert problem.startswith(f"routes.yaml:{line}:")
    assert "unknown key 'teir'" in problem
    assert "did you mean 'tier'" in problem


def test_dangling_reference_is_reported_where_it_is_written(tmp_path: Path) -> None:
    example_copy(tmp_path)
    edit(tmp_path / "routes.yaml", "    target: erp", "    target: epr")
    (problem,) = problems_of(tmp_path)
    line = line_of(tmp_path / "routes.yaml", "target: epr")
    assert problem.startswith(f"routes.yaml:{line}:")
    assert "unknown target 'epr'" in problem and "did you mean 'erp'" in problem


def test_unknown_tier_in_route_is_a_reference_problem(tmp_path: Path) -> None:
    example_copy(tmp_path)
    edit(tmp_path / "routes.yaml", "    tier: standard", "    tier: gold")
    (problem,) = problems_of(tmp_path)
    assert "routes.orders.tier: unknown rate-limit tier 'gold'" in problem


def test_yaml_syntax_error_gives_line(tmp_path: Path) -> None:
    example_copy(tmp_path)
    edit(tmp_path / "policies" / "tiers.yaml", 'limits: ["5/second"]', 'limits: ["5/second"')
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("policies/tiers.yaml:")
    assert "YAML syntax error" in problem
    assert problem.split(":")[1].isdigit()


def test_missing_environment_variable_is_named(tmp_path: Path) -> None:
    example_copy(tmp_path)
    edit(
        tmp_path / "policies" / "targets.yaml",
        "${env:OMNIHUB_ERP_URL:-http://127.0.0.1:8090}",
        "${env:OMNIHUB_TEST_ERP_URL}",
    )
    problems = problems_of(tmp_path)
    line = line_of(tmp_path / "policies" / "targets.yaml", "OMNIHUB_TEST_ERP_URL")
    assert any(
        p.startswith(f"policies/targets.yaml:{line}")
        and "environment variable OMNIHUB_TEST_ERP_URL is not set" in p
        for p in problems
    )
    # With the variable set, the same files load.
    config = load_config(tmp_path, env={"OMNIHUB_TEST_ERP_URL": "http://erp.test"})
    assert config.targets["erp"].base_url == "http://erp.test"


def test_secret_written_literally_is_refused(tmp_path: Path) -> None:
    example_copy(tmp_path)
    (tmp_path / "policies" / "targets.yaml").write_text(
        (tmp_path / "policies" / "targets.yaml").read_text()
        + "  wms:\n    base_url: http://wms.test\n"
        "    auth: {kind: basic, username: hub, password: hunter2}\n"
    )
    (problem,) = problems_of(tmp_path)
    assert "targets.wms.auth.password" in problem
    assert "${env:" in problem
    assert "hunter2" not in problem


def test_secret_from_environment_never_prints(tmp_path: Path) -> None:
    example_copy(tmp_path)
    (tmp_path / "policies" / "targets.yaml").write_text(
        (tmp_path / "policies" / "targets.yaml").read_text()
        + "  wms:\n    base_url: http://wms.test\n"
        "    auth:\n      kind: oauth2_client_credentials\n      token_url: http://idp.test/token\n"
        "      client_id: hub\n      client_secret: ${env:WMS_SECRET}\n"
    )
    config = load_config(tmp_path, env={"WMS_SECRET": "s3cr3t-value"})
    auth = config.targets["wms"].auth
    assert isinstance(auth, OAuth2ClientCredentials)
    assert isinstance(auth.client_secret, Secret)
    assert auth.client_secret.reveal() == "s3cr3t-value"
    assert "s3cr3t-value" not in repr(config)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    example_copy(tmp_path)
    edit(tmp_path / "routes.yaml", "    target: erp", "    target: epr")
    edit(tmp_path / "routes.yaml", "    tier: standard", "    tier: gold")
    edit(tmp_path / "policies" / "retry.yaml", "attempts: 5", "attempts: many")
    problems = problems_of(tmp_path)
    assert len(problems) == 3
    assert any("retry_policies.standard.attempts" in p for p in problems)


def test_duplicate_key_is_refused(tmp_path: Path) -> None:
    example_copy(tmp_path)
    edit(
        tmp_path / "policies" / "tiers.yaml",
        "  bulk:",
        "  standard:\n    limits: ['1/second']\n  bulk:",
    )
    (problem,) = problems_of(tmp_path)
    assert "appears twice" in problem


def test_same_id_in_two_policy_files_is_refused(tmp_path: Path) -> None:
    example_copy(tmp_path)
    (tmp_path / "policies" / "more-tiers.yaml").write_text(
        "rate_limit_tiers:\n  standard:\n    limits: ['1/second']\n"
    )
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("policies/tiers.yaml:") or problem.startswith(
        "policies/more-tiers.yaml:"
    )
    assert "already defined" in problem


def test_bad_duration_says_how_to_write_one(tmp_path: Path) -> None:
    example_copy(tmp_path)
    edit(tmp_path / "policies" / "targets.yaml", "timeout: 5s", "timeout: 5 parsecs")
    (problem,) = problems_of(tmp_path)
    assert "targets.erp.timeout" in problem and "ms, s, m, h or d" in problem


def test_pipeline_problems_are_located_in_the_step(tmp_path: Path) -> None:
    example_copy(tmp_path)
    edit(
        tmp_path / "routes.yaml",
        "    pipeline:\n      - step: map\n        label: erp-sales-order\n",
        "    pipeline:\n"
        "      - step: map\n"
        "        label: to-erp\n"
        "        template: {number: 'order_number[['}\n"
        "      - step: lookup\n"
        "        label: to-erp\n"
        "        table: nowhere\n"
        "        field: number\n"
        "      - step: map\n"
        "        label: erp-sales-order\n",
    )
    problems = problems_of(tmp_path)
    text = "\n".join(problems)
    assert f"routes.yaml:{line_of(tmp_path / 'routes.yaml', 'order_number[[')}" in text
    assert "deliveries.orders-to-erp.pipeline[0]" in text
    assert "nowhere" in text  # unknown table named
    assert len(problems) >= 3  # bad expression, duplicate label, unknown table


def test_an_idempotency_lock_not_shorter_than_the_ttl_is_refused_where_written(
    tmp_path: Path,
) -> None:
    example_copy(tmp_path)
    edit(
        tmp_path / "routes.yaml",
        "    idempotency: optional",
        "    idempotency: optional\n    idempotency_ttl: 1h\n    idempotency_lock: 2h",
    )
    (problem,) = problems_of(tmp_path)
    line = line_of(tmp_path / "routes.yaml", "idempotency_lock: 2h")
    assert problem.startswith(f"routes.yaml:{line}:")
    assert "lock (7200s) must be shorter than idempotency_ttl (3600s)" in problem


def test_an_idempotency_lock_under_a_second_is_refused(tmp_path: Path) -> None:
    example_copy(tmp_path)
    edit(
        tmp_path / "routes.yaml",
        "    idempotency: optional",
        "    idempotency: optional\n    idempotency_lock: 500ms",
    )
    (problem,) = problems_of(tmp_path)
    assert "routes.orders.idempotency_lock" in problem and "at least 1s" in problem

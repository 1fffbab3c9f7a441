"""`omnihub routes check` and the start commands: exit codes and messages, as a user runs them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.configs import REPO, edit, example_copy, line_of


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


def test_routes_check_runs_the_workers_start_checks_with_file_and_line(tmp_path: Path) -> None:
    example_copy(tmp_path)
    routes = tmp_path / "routes.yaml"
    edit(routes, "operation: sales_order.create", "operation: sales_order.creat")
    edit(routes, "operation: credit_memo.create", 'request: {method: POST, path: "/erp/{x"}')
    edit(routes, "table: erp_warehouses", "table: erp_warehouse")  # orders-to-erp's pipeline
    result = omnihub("routes", "check", "--config", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == "configuration has 3 problems:"
    assert "no table named 'erp_warehouse'" in result.stderr
    assert "does not compile" not in result.stderr  # the lint's finding, not the worker's
    line = line_of(routes, "operation: sales_order.creat")
    assert (
        f"  routes.yaml:{line}:5: deliveries.orders-to-erp.operation: unknown ERP operation "
        "'sales_order.creat'; known: credit_memo.create, inventory_adjustment.create, "
        "sales_order.create"
    ) in result.stderr.splitlines()
    assert f"routes.yaml:{line_of(routes, '/erp/{x')}:" in result.stderr


def test_a_delivery_event_no_route_produces_is_an_error(tmp_path: Path) -> None:
    example_copy(tmp_path)
    routes = tmp_path / "routes.yaml"
    edit(routes, "events: [order.created]\n    operation", "events: [order.craeted]\n    operation")
    result = omnihub("routes", "check", "--config", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"configuration problem: routes.yaml:{line_of(routes, 'order.craeted')}:14: "
        "deliveries.orders-to-erp.events[0]: no route produces 'order.craeted': this delivery "
        "would never fire (hint: did you mean 'order.created'?"
    )


def test_type_errors_are_reported_all_at_once_with_the_allowed_values(tmp_path: Path) -> None:
    example_copy(tmp_path)
    routes = tmp_path / "routes.yaml"
    edit(routes, "- step: convert\n                label: v1-prices", "- step: convrt\n"
         "                label: v1-prices")  # fmt: skip
    edit(routes, "tier: bulk\n    idempotency: optional", "tier: 7\n    idempotency: sometimes")
    edit(routes, "label: prices-to-minor-units", "label: prices-to-minor-units\n            bog: 1")
    result = omnihub("routes", "check", "--config", str(tmp_path))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "configuration has 4 problems:"
    step = line_of(routes, "step: convrt")
    assert lines[1] == (
        f"  routes.yaml:{step}:17: routes.orders.versions.v1.pipeline[0].steps[1].step: unknown "
        "step 'convrt' (hint: did you mean 'convert'? allowed steps: convert, default, drop, "
        "event, filter, lookup, map, reconcile, rename, set, split, validate, when)"
    )
    assert f"routes.yaml:{line_of(routes, 'bog: 1')}:13: " in lines[2]
    assert "routes.shopify-orders.versions.v1.pipeline[1].bog: unknown key 'bog'" in lines[2]
    assert "routes.products.tier: Expected `str`, got `int`" in lines[3]
    assert lines[4].endswith(
        "routes.products.idempotency: Invalid enum value 'sometimes' "
        "(hint: allowed: required, optional, off)"
    )


def test_yaml_syntax_errors_keep_pyyamls_context(tmp_path: Path) -> None:
    example_copy(tmp_path)
    routes = tmp_path / "routes.yaml"
    edit(routes, "scopes: [orders:write]", "scopes: {orders:write]")
    line = line_of(routes, "scopes: {orders:write]")
    result = omnihub("routes", "check", "--config", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"configuration problem: routes.yaml:{line}:26: YAML syntax error: while parsing a flow "
        f"mapping in line {line}, column 13: expected ',' or '}}', but got ']'"
    )


def test_a_missing_configuration_directory_or_policy_folder_is_one_line(tmp_path: Path) -> None:
    missing = omnihub("routes", "check", "--config", str(tmp_path / "nowhere"))
    assert missing.returncode == 2
    assert missing.stderr.strip() == (
        f"configuration problem: {tmp_path / 'nowhere'}: the configuration directory does not "
        "exist (it holds routes.yaml and policies/) (hint: give --config DIR or set "
        "OMNIHUB_CONFIG)"
    )
    example_copy(tmp_path)
    shutil.rmtree(tmp_path / "policies")
    no_policies = omnihub("routes", "check", "--config", str(tmp_path))
    assert no_policies.returncode == 2
    assert no_policies.stderr.strip() == (
        "configuration problem: policies/: no policy files: the folder is missing "
        f"(hint: create {tmp_path / 'policies'}/*.yaml (partners, tiers, targets, ...))"
    )


def test_routes_check_validates_the_reconcile_steps_configuration(tmp_path: Path) -> None:
    example_copy(tmp_path)
    routes = tmp_path / "routes.yaml"
    edit(routes, "on_mismatch: flag", "on_mismatch: ignore")
    edit(routes, "on_mismatch: reject", "on_mismatch: reject\n                    flag_at: notes")
    result = omnihub("routes", "check", "--config", str(tmp_path))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "configuration has 2 problems:"
    assert f"routes.yaml:{line_of(routes, 'flag_at: notes')}:" in lines[1]
    assert "flag_at is used only with on_mismatch: flag" in lines[1]
    assert lines[2].startswith(f"  routes.yaml:{line_of(routes, 'on_mismatch: ignore')}:")
    assert lines[2].endswith(
        "routes.shopify-orders.versions.v1.pipeline[7].on_mismatch: Invalid enum value "
        "'ignore' (hint: allowed: reject, flag)"
    )

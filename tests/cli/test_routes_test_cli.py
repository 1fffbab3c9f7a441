"""`omnihub routes test` validates each case's output as the gateway does; `-k` selects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.configs import REPO, edit, example_copy

PICKUP = "v1 pickup order names the store"


def omnihub(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hub.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


def broken_shipping_copy(dest: Path) -> Path:
    """The example with the v1 shipping charge mapped without `$if` (the old mapping)."""
    example_copy(dest)
    (dest / "pipeline-tests").symlink_to(REPO / "pipeline-tests")
    edit(
        dest / "routes.yaml",
        "shipping_charge:\n                    $if: shippingFee\n"
        "                    $then: {amount: shippingFee, currency: currencyCode}",
        "shipping_charge: {amount: shippingFee, currency: currencyCode}",
    )
    return dest


def test_the_example_v1_pickup_case_passes() -> None:
    result = omnihub("routes", "test", "--config", str(REPO), "-k", "PICKUP ORDER")
    assert result.returncode == 0, result.stdout
    assert f"PASS pipeline-tests/orders.yaml::{PICKUP}" in result.stdout
    assert "1 case(s) in" in result.stdout and "1 passed, 0 failed" in result.stdout


def test_a_case_the_gateway_would_refuse_fails_naming_the_refused_field(tmp_path: Path) -> None:
    config = broken_shipping_copy(tmp_path)
    result = omnihub("routes", "test", "--config", str(config), "-k", "pickup")
    assert result.returncode == 1
    assert f"FAIL pipeline-tests/orders.yaml::{PICKUP}" in result.stdout
    assert "the gateway would refuse the output (422):" in result.stdout
    assert "/shipping_charge/amount: required field is missing" in result.stdout


def test_k_selects_by_pipeline_name_too() -> None:
    result = omnihub("routes", "test", "--config", str(REPO), "-k", "shopify-orders:v1")
    assert result.returncode == 0, result.stdout
    assert all("shopify-orders.yaml::" in line for line in result.stdout.splitlines()[:-1])


def test_k_that_selects_nothing_fails_and_says_where_it_looked() -> None:
    result = omnihub("routes", "test", "--config", str(REPO), "-k", "no-such-case-xyz")
    assert result.returncode == 1
    assert "no case matching 'no-such-case-xyz' in" in result.stdout
    assert str(REPO / "pipeline-tests") in result.stdout

"""Ordering keys in routes.yaml: checked against the event's canonical fields, with
file and line, by the loader and by `omnihub routes check`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from omnihub.config import ConfigError, load_config
from tests.support.configs import REPO, edit, example_copy, line_of

INVENTORY_DELIVERY = "    lane: bulk\n    retry: standard\n    # POS sales"


def with_ordering(directory: Path, ordering: str) -> Path:
    example_copy(directory)
    edit(
        directory / "routes.yaml",
        INVENTORY_DELIVERY,
        f"    lane: bulk\n    retry: standard\n    ordering:\n{ordering}\n    # POS sales",
    )
    return directory


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(directory, env={})
    return [p.format() for p in info.value.problems]


def test_an_ordering_key_of_canonical_fields_loads(tmp_path: Path) -> None:
    with_ordering(tmp_path, '      key: ["lines[0].sku", location_id]')
    config = load_config(tmp_path, env={})
    ordering = config.deliveries["inventory-to-erp"].ordering
    assert ordering is not None and ordering.key_fields == ("lines[0].sku", "location_id")
    assert set(config.ordered_deliveries_for("erp")) == {"inventory-to-erp"}


def test_an_unknown_key_field_is_reported_at_its_line_with_the_path_to_write(
    tmp_path: Path,
) -> None:
    with_ordering(tmp_path, "      key:\n        - sku\n        - location_id")
    (problem,) = problems_of(tmp_path)
    line = line_of(tmp_path / "routes.yaml", "    ordering:") + 2  # the "- sku" below key:
    assert problem.startswith(f"routes.yaml:{line}:"), problem
    assert "deliveries.inventory-to-erp.ordering.key[0]" in problem
    assert "InventoryEvent has no field 'sku'" in problem
    assert "did you mean 'lines[0].sku'" in problem


def test_snapshot_events_and_version_are_checked(tmp_path: Path) -> None:
    ordering = (
        "      key: location_id\n"
        "      snapshots: {events: [inventory.counted], version: occurred_on}"
    )
    with_ordering(tmp_path, ordering)
    problems = problems_of(tmp_path)
    assert any("'inventory.counted' is not an event of this delivery" in p for p in problems)
    assert not any("occurred_on" in p for p in problems)  # no snapshot event left to check
    edit(tmp_path / "routes.yaml", "[inventory.counted]", "[inventory.sold]")
    (problem,) = problems_of(tmp_path)
    assert "ordering.snapshots.version" in problem and "no field 'occurred_on'" in problem


def test_routes_check_names_the_file_and_line(tmp_path: Path) -> None:
    with_ordering(tmp_path, "      key: [sku]")
    result = subprocess.run(
        [sys.executable, "-m", "hub.cli.main", "routes", "check", "--config", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert result.returncode == 2
    line = line_of(tmp_path / "routes.yaml", "key: [sku]")
    assert f"routes.yaml:{line}:" in result.stderr
    assert "did you mean 'lines[0].sku'" in result.stderr

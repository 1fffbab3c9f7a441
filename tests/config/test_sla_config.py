"""SLAs and alerts in the configuration: the example loads, mistakes are named at their line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from omnihub.config import ConfigError, load_config
from omnihub.config.sla import DeliverySla, TargetSla
from tests.support.configs import edit, example_copy, line_of


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(directory, env={})
    return [p.format() for p in info.value.problems]


def test_example_slas_and_alerts_load(tmp_path: Path) -> None:
    config = load_config(example_copy(tmp_path), env={})
    orders = config.slas["orders-in-erp"]
    assert isinstance(orders, DeliverySla) and orders.within == timedelta(minutes=2)
    erp = config.slas["erp-health"]
    assert isinstance(erp, TargetSla) and erp.breaker_open == timedelta(minutes=5)
    assert erp.dlq == 50
    assert config.alerts.webhooks["ops-chat"].format == "slack"


def test_references_and_durations_are_checked_at_their_line(tmp_path: Path) -> None:
    directory = example_copy(tmp_path)
    slas = directory / "policies" / "slas.yaml"
    edit(slas, "delivery: orders-to-erp, within: 2m", "delivery: orders-to-rep, within: 2m")
    edit(slas, "delivery: asns-to-wms, within: 10m", "delivery: asns-to-wms, within: 10")
    edit(slas, "target: warehouse, breaker_open: 10m, dlq: 50", "target: warehous, dlq: 50")
    problems = problems_of(directory)
    assert len(problems) == 3, problems
    at = {
        f"policies/slas.yaml:{line_of(slas, 'orders-in-erp')}": "unknown delivery 'orders-to-rep'",
        f"policies/slas.yaml:{line_of(slas, 'asns-in-wms')}": "needs a unit",
        f"policies/slas.yaml:{line_of(slas, 'warehouse-health')}": "did you mean 'warehouse'?",
    }
    for where, what in at.items():
        assert any(p.startswith(where) and what in p for p in problems), (where, problems)


def test_edi_slas_need_an_edi_target_and_target_slas_a_limit(tmp_path: Path) -> None:
    directory = example_copy(tmp_path)
    slas = directory / "policies" / "slas.yaml"
    edit(
        slas,
        "slas:\n",
        "slas:\n  erp-997: {kind: acknowledgement, target: erp, within: 4h}\n"
        "  erp-nothing: {kind: target, target: erp}\n",
    )
    problems = problems_of(directory)
    assert any("slas.yaml:4" in p and "not of kind edi" in p for p in problems), problems
    assert any("slas.yaml:5" in p and "needs breaker_open, dlq or both" in p for p in problems)


def test_a_generic_alert_webhook_must_be_signed(tmp_path: Path) -> None:
    directory = example_copy(tmp_path)
    slas = directory / "policies" / "slas.yaml"
    edit(slas, "format: slack}", "format: generic}")
    (problem,) = problems_of(directory)
    assert problem.startswith(f"policies/slas.yaml:{line_of(slas, 'ops-chat')}")
    assert "give it a secret" in problem

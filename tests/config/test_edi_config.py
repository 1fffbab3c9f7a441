"""EDI in the configuration: routes, partner agreements, edi targets and their lint."""

from __future__ import annotations

from pathlib import Path

import pytest

from omnihub.config import ConfigError, load_config
from tests.support.configs import edit, example_copy


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(directory, env={})
    return [p.format() for p in info.value.problems]


def test_example_edi_routes_and_supplier_agreement_load(tmp_path: Path) -> None:
    config = load_config(example_copy(tmp_path), env={})
    assert config.routes["edi-x12"].edi == "x12"
    assert config.routes["edi-edifact"].edi == "edifact"
    agreement = config.partners["northstar-supply"].edi
    assert agreement is not None and agreement.acknowledge == "response"
    assert agreement.x12_reply is not None and agreement.x12_reply.receiver_id == "NORTHSTAR"


def test_an_edi_route_with_a_json_schema_is_refused_at_its_line(tmp_path: Path) -> None:
    directory = example_copy(tmp_path)
    edit(directory / "routes.yaml", "v1: {schema: X12}", "v1: {schema: Order}")
    (problem,) = problems_of(directory)
    assert "routes.yaml" in problem and "schema: X12" in problem


def test_a_bad_envelope_setting_in_an_agreement_names_its_key(tmp_path: Path) -> None:
    directory = example_copy(tmp_path)
    edit(directory / "policies" / "partners.yaml", "acknowledge: response", "acknowledge: later")
    problems = problems_of(directory)
    assert any("acknowledge" in p and "partners.yaml" in p for p in problems)


def test_an_edi_target_without_its_edi_section_is_refused(tmp_path: Path) -> None:
    directory = example_copy(tmp_path)
    edit(directory / "policies" / "targets.yaml", "    kind: erp\n", "    kind: edi\n")
    problems = problems_of(directory)
    assert any("kind edi needs an `edi:` section" in p for p in problems)

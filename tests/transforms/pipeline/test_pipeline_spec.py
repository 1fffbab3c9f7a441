from __future__ import annotations

import msgspec
import pytest

from transforms.pipeline import MapStep, Step, Table
from transforms.testing import steps_from_yaml


def test_step_kind_is_chosen_by_the_step_tag() -> None:
    (step,) = steps_from_yaml("- {step: map, label: m, template: {}}")
    assert isinstance(step, MapStep)


def test_label_is_required() -> None:
    with pytest.raises(msgspec.ValidationError, match="missing required field `label`"):
        steps_from_yaml("- {step: map, template: {}}")


def test_unknown_step_field_is_refused_with_its_path() -> None:
    with pytest.raises(msgspec.ValidationError, match=r"unknown field `tempalte` - at `\$\[0\]`"):
        steps_from_yaml("- {step: map, label: m, tempalte: {}}")


def test_unknown_step_kind_is_refused() -> None:
    with pytest.raises(msgspec.ValidationError, match="Invalid value 'mapp'"):
        steps_from_yaml("- {step: mapp, label: m}")


def test_label_with_spaces_is_refused() -> None:
    with pytest.raises(msgspec.ValidationError, match=r"\$\[0\]\.label"):
        steps_from_yaml("- {step: map, label: 'my step', template: {}}")


def test_convert_needs_exactly_one_conversion() -> None:
    with pytest.raises(msgspec.ValidationError, match="set exactly one of"):
        steps_from_yaml("- {step: convert, label: c, field: a, date: {}, datetime: {}}")


def test_event_needs_type_or_cases() -> None:
    with pytest.raises(msgspec.ValidationError, match="give either `type` or `cases`"):
        steps_from_yaml("- {step: event, label: e}")


def test_table_decodes_with_defaults() -> None:
    table = msgspec.convert({"shared": {"A": "B"}}, Table)
    assert (table.on_miss.value, table.partners) == ("error", {})


def test_step_union_is_exported_for_config_structs() -> None:
    class RouteVersion(msgspec.Struct):
        pipeline: list[Step] = []

    decoded = msgspec.convert(
        {"pipeline": [{"step": "drop", "label": "d", "fields": []}]}, RouteVersion
    )
    assert decoded.pipeline[0].label == "d"

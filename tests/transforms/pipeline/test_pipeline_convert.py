from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.pipeline import PipelineError
from transforms.pipeline.conversions import (
    ConversionError,
    format_datetime,
    from_minor_units,
    parse_datetime,
    to_minor_units,
)
from transforms.testing import pipeline_from_yaml as build
from transforms.testing import run_pipeline


def test_decimal_strings_become_minor_units_of_the_root_currency() -> None:
    pipeline = build("""
- step: convert
  label: price
  field: lines[].price
  to: unit_price.amount
  to_minor_units: {currency_at: $.currency}
""")
    payload = {"currency": "JPY", "lines": [{"price": "1200"}]}
    assert run_pipeline(pipeline, payload)[0].payload["lines"][0]["unit_price"] == {"amount": 1200}


def test_extra_decimals_fail_with_path_and_hint() -> None:
    pipeline = build(
        "- {step: convert, label: p, field: 'lines[].price', to_minor_units: {currency: USD}}"
    )
    with pytest.raises(PipelineError) as info:
        run_pipeline(pipeline, {"lines": [{"price": "1.005"}]})
    assert info.value.path == "$.lines[0].price"
    assert "set rounding" in info.value.reason


def test_rounding_half_up_rounds() -> None:
    pipeline = build(
        "- {step: convert, label: p, field: price,"
        " to_minor_units: {currency: USD, rounding: half_up}}"
    )
    assert run_pipeline(pipeline, {"price": "1.005"})[0].payload == {"price": 101}


def test_minor_units_become_decimal_text() -> None:
    pipeline = build(
        "- {step: convert, label: p, field: amount, from_minor_units: {currency: KWD}}"
    )
    assert run_pipeline(pipeline, {"amount": 1500})[0].payload == {"amount": "1.500"}


def test_local_time_without_offset_becomes_utc() -> None:
    pipeline = build("""
- step: convert
  label: t
  field: created
  datetime: {input_format: "%m/%d/%Y %H:%M", zone: America/Chicago}
""")
    assert run_pipeline(pipeline, {"created": "07/04/2026 10:30"})[0].payload == {
        "created": "2026-07-04T15:30:00Z"
    }


def test_time_without_offset_and_zone_is_refused() -> None:
    pipeline = build("- {step: convert, label: t, field: created, datetime: {}}")
    with pytest.raises(PipelineError, match="no UTC offset; set `zone`"):
        run_pipeline(pipeline, {"created": "2026-07-04T10:30:00"})


def test_epoch_millis_become_rfc3339() -> None:
    pipeline = build(
        "- {step: convert, label: t, field: ts, datetime: {input_format: epoch_millis}}"
    )
    assert run_pipeline(pipeline, {"ts": 1795424400000})[0].payload == {
        "ts": "2026-11-23T09:00:00Z"
    }


def test_dates_change_format() -> None:
    pipeline = build("- {step: convert, label: d, field: due, date: {input_format: '%d.%m.%Y'}}")
    assert run_pipeline(pipeline, {"due": "31.12.2026"})[0].payload == {"due": "2026-12-31"}


def test_units_convert_and_unit_field_is_updated() -> None:
    pipeline = build("""
- step: convert
  label: w
  field: weight.value
  uom: {to_unit: KG, unit_at: uom, places: 3}
""")
    assert run_pipeline(pipeline, {"weight": {"value": "5", "uom": "LB"}})[0].payload == {
        "weight": {"value": "2.268", "uom": "KG"}
    }


def test_required_missing_value_fails() -> None:
    pipeline = build("- {step: convert, label: d, field: due, required: true, date: {}}")
    with pytest.raises(PipelineError, match="required value is missing"):
        run_pipeline(pipeline, {})


def test_conversion_of_mass_to_count_is_refused() -> None:
    from transforms.pipeline.conversions import convert_quantity

    with pytest.raises(ConversionError, match="cannot convert mass"):
        convert_quantity("1", "KG", "EA")


@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(["USD", "JPY", "KWD"]))
def test_minor_units_round_trip_through_decimal_text(amount: int, currency: str) -> None:
    assert to_minor_units(from_minor_units(amount, currency), currency) == amount


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_two_decimal_amounts_round_trip_through_minor_units(value: Decimal) -> None:
    assert Decimal(from_minor_units(to_minor_units(str(value), "USD"), "USD")) == value


@given(
    st.datetimes(
        min_value=datetime(1971, 1, 1),
        max_value=datetime(2200, 1, 1),
        timezones=st.sampled_from([UTC, UTC]),
    ),
    st.sampled_from(["America/Chicago", "Asia/Kolkata", "Europe/Paris", "UTC"]),
)
def test_times_round_trip_through_local_zones(moment: datetime, zone_name: str) -> None:
    from transforms.pipeline.conversions import check_zone

    zone = check_zone(zone_name)
    local = format_datetime(moment, "%Y-%m-%dT%H:%M:%S.%f%z", zone)
    back = parse_datetime(local, "%Y-%m-%dT%H:%M:%S.%f%z", None)
    canonical = format_datetime(back, "rfc3339", UTC)
    assert parse_datetime(canonical, "rfc3339", None) == moment
    assert isinstance(canonical, str) and canonical.endswith("Z")


@given(st.integers(min_value=0, max_value=4_000_000_000_000))
def test_epoch_millis_round_trip(millis: int) -> None:
    moment = parse_datetime(millis, "epoch_millis", None)
    assert moment - datetime(1970, 1, 1, tzinfo=UTC) == timedelta(milliseconds=millis)
    assert format_datetime(moment, "epoch_millis", UTC) == millis

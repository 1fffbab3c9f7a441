from __future__ import annotations

from typing import Any

import pytest

from transforms.pipeline import PipelineError
from transforms.testing import pipeline_from_yaml as build
from transforms.testing import run_pipeline


def _order() -> dict[str, Any]:
    return {
        "order_number": "A1",
        "channel": "web",
        "placed_at": "2026-11-23T10:00:00+01:00",
        "currency": "USD",
        "customer": {"name": "Ann"},
        "ship_to": {"line1": "1 Main", "city": "Austin", "country": "US"},
        "lines": [
            {
                "line_number": 1,
                "sku": "S",
                "quantity": {"value": "1"},
                "unit_price": {"amount": 100, "currency": "USD"},
            }
        ],
    }


def test_validate_normalises_times_to_utc_and_fills_defaults() -> None:
    out = run_pipeline(build("- {step: validate, label: v, type: Order}"), _order())
    payload = out[0].payload
    assert payload["placed_at"] == "2026-11-23T09:00:00Z"
    assert payload["fulfillment"] == "ship"
    assert payload["lines"][0]["quantity"] == {"value": "1", "uom": "EA"}


def test_validate_failure_reports_path_and_value() -> None:
    order = _order()
    order["lines"][0]["unit_price"]["currency"] = "usd"
    with pytest.raises(PipelineError) as info:
        run_pipeline(build("- {step: validate, label: v, type: Order}"), order)
    error = info.value
    assert error.step == "v"
    assert error.path == "$.lines[0].unit_price.currency"
    assert error.excerpt == '"usd"'
    assert error.reason.startswith("not a valid Order: Expected `str` matching regex")


def test_event_constant_sets_the_type() -> None:
    out = run_pipeline(build("- {step: event, label: e, type: order.created}"), {})
    assert out[0].event_type == "order.created"


EVENT_CASES = """
- step: event
  label: by_status
  cases:
    - {when: "status == 'received'", type: return.received}
    - {when: "status == 'inspected'", type: return.inspected}
"""


def test_event_cases_pick_the_first_match() -> None:
    out = run_pipeline(build(EVENT_CASES), {"status": "inspected"})
    assert out[0].event_type == "return.inspected"


def test_event_without_match_or_default_fails() -> None:
    with pytest.raises(PipelineError, match="no case matched"):
        run_pipeline(build(EVENT_CASES), {"status": "lost"})


def test_event_default_applies_without_match() -> None:
    out = run_pipeline(build(EVENT_CASES + "  default: return.updated"), {"status": "lost"})
    assert out[0].event_type == "return.updated"


def test_without_event_step_the_context_event_type_is_kept() -> None:
    out = run_pipeline(build("[]"), {"a": 1}, event_type="order.created")
    assert out[0].event_type == "order.created"


def test_context_refuses_a_naive_now() -> None:
    from datetime import datetime

    from transforms.pipeline import PipelineContext

    with pytest.raises(ValueError, match="timezone-aware"):
        PipelineContext(route_id="r", now=datetime(2026, 1, 1))

"""`reconcile`: lines - discounts + shipping + tax must equal the partner's stated total."""

from __future__ import annotations

from typing import Any

import pytest

from transforms.pipeline import FindingKind, PipelineError, lint_pipeline
from transforms.testing import pipeline_from_yaml, run_pipeline, steps_from_yaml


def order(total: int | None = 25498, **changes: Any) -> dict[str, Any]:
    """Shopify's test order in minor units: 89.99 + 159.99, 5.00 off, 10.00 shipping."""
    body: dict[str, Any] = {
        "currency": "USD",
        "lines": [
            {"quantity": {"value": "1"}, "unit_price": {"amount": 8999}},
            {
                "quantity": {"value": "1"},
                "unit_price": {"amount": 15999},
                "discount": {"amount": 500},
            },
        ],
        "shipping_charge": {"amount": 1000},
        "tax": {"amount": 0},
        "total": {"amount": total},
        "attributes": {},
    }
    body.update(changes)
    return body


REJECT = "- {step: reconcile, label: balances}"
FLAG = "- {step: reconcile, label: balances, on_mismatch: flag}"


def test_an_order_that_balances_passes_unchanged() -> None:
    assert run_pipeline(pipeline_from_yaml(REJECT), order())[0].payload == order()


def test_line_tax_order_tax_and_quantities_count() -> None:
    body = order(total=2 * 8999 + 15999 - 500 + 1000 + 120 + 300)
    body["lines"][0]["quantity"]["value"] = "2"
    body["lines"][1]["tax"] = {"amount": 120}
    body["tax"] = {"amount": 300}
    assert run_pipeline(pipeline_from_yaml(REJECT), body)[0].payload == body


def test_a_lost_shipping_charge_is_rejected_naming_the_difference() -> None:
    with pytest.raises(PipelineError) as caught:
        run_pipeline(pipeline_from_yaml(REJECT), order(shipping_charge=None))
    error = caught.value
    assert (error.step, error.path, error.excerpt) == ("balances", "$.total.amount", "25498")
    assert error.reason == (
        "the order does not balance: lines 249.98 - discounts 5.00 + shipping 0.00 + tax 0.00 "
        "= 244.98 USD, but the partner's total is 254.98 USD: 10.00 USD less than stated "
        "(tolerance 0.01)"
    )


def test_the_tolerance_absorbs_rounding() -> None:
    pipeline = pipeline_from_yaml("- {step: reconcile, label: r, tolerance: 2}")
    assert run_pipeline(pipeline, order(total=25500))
    with pytest.raises(PipelineError, match=r"0\.03 USD less than stated"):
        run_pipeline(pipeline, order(total=25501))


def test_flag_lets_the_order_through_with_the_finding() -> None:
    (out,) = run_pipeline(pipeline_from_yaml(FLAG), order(total=24998))
    assert out.payload["attributes"]["reconciliation"].startswith(
        "the order does not balance: lines 249.98"
    )
    assert "5.00 USD more than stated" in out.payload["attributes"]["reconciliation"]


def test_flag_raises_the_finding_as_the_outputs_flag_named_by_the_step() -> None:
    (out,) = run_pipeline(pipeline_from_yaml(FLAG), order(total=24998))
    assert out.flags == (f"reconcile 'balances': {out.payload['attributes']['reconciliation']}",)
    (balanced,) = run_pipeline(pipeline_from_yaml(FLAG), order())
    assert balanced.flags == ()


def test_a_flag_raised_before_a_split_stays_with_every_part() -> None:
    split = "\n- {step: split, label: per-line, field: lines}"
    outputs = run_pipeline(pipeline_from_yaml(FLAG + split), order(total=24998))
    assert len(outputs) == 2
    assert [len(o.flags) for o in outputs] == [1, 1]
    assert outputs[0].flags == outputs[1].flags


def test_flag_at_writes_where_the_route_says() -> None:
    pipeline = pipeline_from_yaml(FLAG.replace("}", ", flag_at: notes.money}"))
    (out,) = run_pipeline(pipeline, order(total=None))
    assert out.payload["notes"]["money"].startswith(
        "the order states no total at $.total.amount to reconcile lines 249.98"
    )


def test_an_amount_not_yet_in_minor_units_is_an_error_at_its_path() -> None:
    body = order()
    body["lines"][1]["discount"]["amount"] = "5.00"
    with pytest.raises(PipelineError) as caught:
        run_pipeline(pipeline_from_yaml(FLAG), body)
    assert caught.value.path == "$.lines[1].discount.amount"
    assert "to_minor_units" in caught.value.reason


def test_zero_decimal_currencies_are_written_whole() -> None:
    body = order(currency="JPY", total=100)
    with pytest.raises(PipelineError, match="= 25498 JPY, but the partner's total is 100 JPY"):
        run_pipeline(pipeline_from_yaml(REJECT), body)


def test_lint_refuses_flag_at_without_flag_and_a_path_over_every_element() -> None:
    steps = steps_from_yaml("- {step: reconcile, label: r, flag_at: notes, total: 'lines[].x'}")
    findings = lint_pipeline(steps, {}, "p")
    assert {(f.kind, f.location) for f in findings} == {
        (FindingKind.BAD_STEP, (0, "flag_at")),
        (FindingKind.BAD_PATH, (0, "total")),
    }

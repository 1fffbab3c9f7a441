"""Breaches classified from the last failed attempt, and grouped by what they share."""

from __future__ import annotations

from omnihub.monitor.classify import Breach, Cause, Impact, breach_from_failure


def _breach(
    error: str | None, status: int | None, event: str = "order.created", mid: str = "m1"
) -> Breach:
    return breach_from_failure(
        target="erp",
        partner="acme",
        message_id=mid,
        event=event,
        business_key="WEB-1",
        error=error,
        status=status,
    )


def test_rejections_of_one_field_group_whatever_the_order_number() -> None:
    one = _breach("RejectedByTarget: erp answered 422: invalid lines[0].sku (WEB-1001)", 422)
    two = _breach(
        "RejectedByTarget: erp answered 422: invalid lines[0].sku (WEB-2002)", 422, mid="m2"
    )
    assert one.cause is Cause.TARGET_REJECTED
    assert one.signature == "status 422 field lines[0].sku"
    assert one.group_key == two.group_key and one.item != two.item


def test_each_failure_class_has_its_cause_and_impact_follows_the_event() -> None:
    assert _breach("TargetTimeout: no answer in 2s", None).cause is Cause.TARGET_DOWN
    assert _breach("TargetBusy: erp answered 503", 503).partner == "*"  # the target's, not acme's
    assert _breach("AuthRejected: erp answered 401", 401).cause is Cause.AUTH_FAILURE
    assert _breach("MappingFailed: step 'sku' failed", None).cause is Cause.MAPPING_GAP
    assert _breach(None, None).cause is Cause.DELIVERY_LATE
    assert _breach(None, None, event="shipment.confirmed").impact is Impact.SHIPMENT
    assert _breach(None, None, event="inventory.adjusted").impact is Impact.INVENTORY
    assert _breach(None, None, event="product.updated").impact is Impact.MASTER_DATA

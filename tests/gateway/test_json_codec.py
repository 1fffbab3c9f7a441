"""The JSON codec on the example configuration's `orders` v1: a body already in the
canonical shape, which the v1 pipeline leaves as it is, comes out as the same order the
validating path makes; an older ACME body is converted and validated."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import msgspec
import pytest

from gateway.ingest.json_codec import Inbound, compile_tables
from omnihub.config import load_config
from tests.support.configs import REPO
from tests.support.orders import order
from transforms.model import CANONICAL_TYPES

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
ACME_V1 = REPO / "pipeline-tests" / "fixtures" / "acme-v1-order.json"


def _orders_v1() -> Inbound:
    config = load_config(REPO, env={"OMNIHUB_ERP_URL": "http://127.0.0.1:9"})
    route = config.routes["orders"]
    return Inbound("orders", route, "v1", route.versions["v1"], compile_tables(config.tables))


def test_a_canonical_body_the_pipeline_leaves_alone_is_the_validated_order() -> None:
    inbound = _orders_v1()
    body = msgspec.json.encode(order("WEB-7"))
    (canonical,) = inbound.convert(body, "acme-market", NOW)
    expected = inbound.validate(msgspec.json.decode(body))
    assert type(canonical.payload) is CANONICAL_TYPES["Order"]
    assert canonical.payload == expected
    assert canonical.business_key == "WEB-7"


def test_the_input_check_of_an_untouched_canonical_body_is_its_validation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbound = _orders_v1()

    def twice(payload: object) -> NoReturn:
        raise AssertionError("validated a second time")

    monkeypatch.setattr(inbound, "validate", twice)
    (canonical,) = inbound.convert(msgspec.json.encode(order("WEB-8")), "acme-market", NOW)
    assert canonical.business_key == "WEB-8"


def test_a_v1_body_is_converted_by_the_pipeline_and_validated() -> None:
    inbound = _orders_v1()
    (canonical,) = inbound.convert(Path(ACME_V1).read_bytes(), "acme-market", NOW)
    payload = canonical.payload
    assert type(payload) is CANONICAL_TYPES["Order"]
    assert payload.channel == "marketplace"  # type: ignore[attr-defined]
    assert payload.placed_at.tzinfo is not None  # type: ignore[attr-defined]
    assert payload.lines[0].sku == "SKU-100"  # type: ignore[attr-defined]

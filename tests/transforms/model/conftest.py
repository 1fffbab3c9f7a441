"""Fixtures for canonical model tests: minimal valid documents as plain dicts."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def order_doc() -> dict[str, Any]:
    return {
        "order_number": "A-1001",
        "channel": "web",
        "placed_at": "2026-11-23T10:00:00+02:00",
        "currency": "USD",
        "customer": {"name": "Ann Lee", "email": "ann@example.com"},
        "ship_to": {"line1": "1 Main St", "city": "Austin", "region": "TX", "country": "US"},
        "lines": [
            {
                "line_number": 1,
                "sku": "SKU-1",
                "quantity": {"value": "2"},
                "unit_price": {"amount": 1999, "currency": "USD"},
            }
        ],
    }

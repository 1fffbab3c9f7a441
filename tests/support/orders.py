"""Canonical order bodies for tests."""

from __future__ import annotations

from typing import Any

DEMO_KEY = "ohk_demo_acme_4Q7Y2kP9sV3nT8wX6rB1mZ5c"  # the example configuration's key
AUTH = {"Authorization": f"Bearer {DEMO_KEY}"}


def order(number: str = "WEB-1001", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "order_number": number,
        "channel": "web",
        "placed_at": "2026-11-23T10:15:00Z",
        "currency": "EUR",
        "customer": {"name": "Ada Lovelace", "email": "ada@example.com"},
        "ship_to": {
            "name": "Ada Lovelace",
            "line1": "1 Analytical Way",
            "city": "London",
            "postal_code": "N1 9GU",
            "country": "GB",
        },
        "lines": [
            {
                "line_number": 1,
                "sku": "SKU-123",
                "quantity": {"value": "2"},
                "unit_price": {"amount": 1999, "currency": "EUR"},
            }
        ],
    }
    body.update(overrides)
    return body

"""The request the load generator sends.

The order is the README's example order; the load generator puts a unique value at
``ORDER_NUMBER_SLOT`` (and the same value in ``Idempotency-Key``) on every request.
This module imports nothing of the hub: the harness process stays independent of the
code under test (which may be a snapshot of another revision).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

__all__ = [
    "API_KEY",
    "ORDER_NUMBER_SLOT",
    "SAMPLE_NUMBER",
    "order",
    "order_request",
    "order_template",
]

# The example configuration's partner key (policies/partners.yaml; development only).
API_KEY = "ohk_demo_acme_4Q7Y2kP9sV3nT8wX6rB1mZ5c"
ORDER_NUMBER_SLOT = "@@N@@"
SAMPLE_NUMBER = "bench-00000000-full-gateway-1-1-100000"  # as long as the keys wrk makes


def order(number: str) -> dict[str, Any]:
    return {
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


def order_template() -> str:
    """The JSON body with ``ORDER_NUMBER_SLOT`` where the order number goes."""
    return msgspec.json.encode(order(ORDER_NUMBER_SLOT)).decode()


def order_request(key_base: str, port: int) -> Callable[[int], bytes]:
    """Request ``i`` as raw HTTP/1.1 bytes: the order with number and Idempotency-Key
    ``<key_base>-<i>`` (what orders.lua sends, for the open-loop generator)."""
    prefix, _, suffix = order_template().partition(ORDER_NUMBER_SLOT)
    head = (
        f"POST /v1/orders HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {API_KEY}\r\nContent-Type: application/json\r\n"
    ).encode()

    def make(i: int) -> bytes:
        key = f"{key_base}-{i}"
        body = f"{prefix}{key}{suffix}".encode()
        return (
            head + f"Idempotency-Key: {key}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
        )

    return make

"""Delivery throughput: one omnihub worker against a minimal consume → POST → ack loop."""

__all__: list[str] = []

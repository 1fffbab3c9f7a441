"""Benchmarks of the journey store: Redis bytes per message, PostgreSQL size, write rate,
lookup latency at volume (see bench/README.md)."""

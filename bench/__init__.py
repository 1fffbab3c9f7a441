"""Benchmarks of omnihub, each a package with its own harness (see bench/README.md)."""

__all__: list[str] = []

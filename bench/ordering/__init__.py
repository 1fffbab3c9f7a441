"""Benchmark: ordered delivery throughput against unordered delivery, in one run."""

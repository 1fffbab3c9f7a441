"""Ingest throughput: the full partner path against the broker's limit and a FastAPI baseline.

Run ``.venv/bin/python -m bench.ingest`` (or ``bench/ingest/run.sh``); see bench/README.md.
"""

__all__: list[str] = []

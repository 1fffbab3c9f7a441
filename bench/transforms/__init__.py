"""``python -m bench.transforms``: the example marketplace order pipeline (``orders:v1``)
against a hand-written Python function doing the same mapping, in one run."""

from __future__ import annotations

from bench.transforms.handwritten import HandMapping, MappingError

__all__ = ["HandMapping", "MappingError"]

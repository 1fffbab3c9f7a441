"""``python -m bench.transforms``: µs per order for the example ``orders:v1`` pipeline and
for a hand-written function doing the same mapping, in one run.

The order is ``pipeline-tests/fixtures/acme-v1-order.json`` (the older ACME shape: 25
output fields, 3 lines, 2 crosswalk lookups, 3 money conversions per line/header, one
local-time conversion). Both sides get freshly decoded copies (a pipeline owns and
changes its payload), decoded outside the timed section, in batches; the two sides
alternate batch by batch, so they share the machine's state. The best of ``--repeat``
rounds counts for each.

    .venv/bin/python -m bench.transforms --iterations 20000 --repeat 5
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec

from bench.transforms.handwritten import HandMapping
from hub.cli.cmd_routes_test import compile_config_pipelines
from omnihub.config import load_config
from transforms.pipeline import PipelineContext

REPO = Path(__file__).resolve().parents[2]
ORDER = REPO / "pipeline-tests" / "fixtures" / "acme-v1-order.json"
PARTNER = "acme-market"


def machine() -> str:
    cpu = platform.processor() or "unknown cpu"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{cpu}, {os.cpu_count()} cpus, Python {platform.python_version()}"


def time_batch(fn: Callable[[Any], Any], raw: bytes, batch: int) -> float:
    """Seconds `fn` takes over `batch` fresh copies of the order (decoding not timed)."""
    copies = [msgspec.json.decode(raw) for _ in range(batch)]
    gc.disable()
    try:
        start = time.perf_counter()
        for payload in copies:
            fn(payload)
        return time.perf_counter() - start
    finally:
        gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.transforms", description=__doc__)
    parser.add_argument("--iterations", type=int, default=20000, help="orders per round and side")
    parser.add_argument("--batch", type=int, default=500, help="copies decoded per timed batch")
    parser.add_argument("--repeat", type=int, default=5, help="rounds; the best counts")
    args = parser.parse_args()

    config = load_config(REPO, env={})
    pipeline = compile_config_pipelines(config)["orders:v1"]
    tables = config.tables
    hand = HandMapping(
        skus=tables["partner_skus"].partners[PARTNER],
        methods=tables["shipping_methods"].shared,
    )
    context = PipelineContext(
        route_id="orders", partner_id=PARTNER, now=datetime.now(UTC), event_type="order.created"
    )
    raw = ORDER.read_bytes()

    def by_pipeline(payload: Any) -> Any:
        return pipeline(payload, context)

    def by_hand(payload: Any) -> Any:
        return hand(payload)

    expected = by_hand(msgspec.json.decode(raw))
    outputs = by_pipeline(msgspec.json.decode(raw))
    if len(outputs) != 1 or outputs[0].payload != expected:
        raise SystemExit("the pipeline and the hand-written mapping disagree; fix before timing")
    fields = _count_fields(expected)

    best = {"pipeline": float("inf"), "hand-written": float("inf")}
    for _ in range(args.repeat):
        spent = {"pipeline": 0.0, "hand-written": 0.0}
        done = 0
        while done < args.iterations:
            batch = min(args.batch, args.iterations - done)
            spent["pipeline"] += time_batch(by_pipeline, raw, batch)
            spent["hand-written"] += time_batch(by_hand, raw, batch)
            done += batch
        for side, seconds in spent.items():
            best[side] = min(best[side], seconds / args.iterations * 1e6)

    ratio = best["pipeline"] / best["hand-written"]
    print(f"date:     {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}")
    print(f"machine:  {machine()}")
    print(f"order:    {ORDER.relative_to(REPO)} ({fields} output fields, 3 lines, 2 lookups)")
    print(f"rounds:   {args.repeat} x {args.iterations} orders per side (best round counts)")
    print(f"pipeline:     {best['pipeline']:8.2f} µs/op")
    print(f"hand-written: {best['hand-written']:8.2f} µs/op")
    print(f"ratio:        {ratio:8.2f}x  (goal <= 2x: {'met' if ratio <= 2 else 'NOT met'})")


def _count_fields(value: Any) -> int:
    """Leaf values in the output (scalars), lists and objects descended into."""
    if isinstance(value, dict):
        return sum(_count_fields(v) for v in value.values())
    if isinstance(value, list):
        return sum(_count_fields(v) for v in value)
    return 1


if __name__ == "__main__":
    main()

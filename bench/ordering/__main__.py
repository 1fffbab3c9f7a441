"""``python -m bench.ordering``: ordered delivery throughput with N worker processes, as a
ratio of unordered delivery in the same run.

One configuration, two deliveries to the sandbox ERP (``python -m sandbox``, its own
process): ``inventory.adjusted`` unordered (the lane queue) and ``inventory.counted``
ordered by SKU x location (intake -> partitions). Each round pre-publishes ``--messages``
events of one kind across ``--keys`` keys, starts ``--workers`` ``omnihub worker``
processes, and times the sandbox's first to last record; unordered and ordered alternate,
``--repeat`` rounds each, and every round's ratio is reported.

    python -m bench.ordering --messages 3000 --workers 2 --repeat 3
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import (
    cleanup,
    envelope,
    machine,
    publish,
    run_rounds,
    run_settings,
    worker_processes,
    write_hub_config,
)
from omnihub.config import HubConfig
from omnihub.envelope import Envelope
from sandbox.control import SandboxClient
from sandbox.testing import sandbox_process

EVENTS = {"unordered": "inventory.adjusted", "ordered": "inventory.counted"}
PIPELINE = """
    pipeline:
      - step: map
        label: erp-level
        template: {site: location_id, item: "lines[0].sku", quantity: "lines[0].quantity.value"}
"""


def write_config(directory: Path, erp_url: str, args: argparse.Namespace) -> HubConfig:
    pipeline = textwrap.indent(textwrap.dedent(PIPELINE).strip(), "  ")
    return write_hub_config(
        directory,
        deliveries=f"""
adjustments:
  target: erp
  events: [inventory.adjusted]
  operation: inventory_adjustment.create
  retry: std
{pipeline}
levels:
  target: erp
  events: [inventory.counted]
  operation: inventory_adjustment.create
  retry: std
  ordering: {{key: ["lines[0].sku", location_id]}}
{pipeline}
""",
        targets=f"""
erp: {{kind: erp, base_url: '{erp_url}', prefetch: {args.prefetch},
      concurrency: {args.concurrency},
      ordered: {{partitions: {args.partitions}, prefetch: {args.prefetch}}}}}
""",
    )


def event(kind: str, n: int, keys: int) -> Envelope:
    now = datetime.now(UTC)
    sku, location = n % keys // 20, n % keys % 20
    payload: dict[str, object] = {
        "event_id": f"B-{n}",
        "kind": "count_snapshot" if kind == "ordered" else "adjustment",
        "location_id": f"LOC-{location}",
        "occurred_at": (now + timedelta(microseconds=n)).isoformat(),
        "lines": [{"sku": f"SKU-{sku}", "quantity": {"value": str(n % 50 + 1)}}],
    }
    return envelope(EVENTS[kind], "inventory", payload)


def round_rate(control: SandboxClient, n: int, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while control.stats("erp").recorded < n:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {control.stats('erp').recorded} of {n} delivered")
        time.sleep(0.2)
    records = control.records("erp")
    seconds = (records[-1].received_at - records[0].received_at).total_seconds()
    return (n - 1) / seconds


async def main(args: argparse.Namespace) -> None:
    settings = run_settings("ordering")
    with (
        sandbox_process() as erp_url,
        SandboxClient(erp_url) as control,
        tempfile.TemporaryDirectory() as tmp,
    ):
        config = write_config(Path(tmp), erp_url, args)

        async def one(kind: str) -> float:
            control.reset()
            await publish(
                settings, config, (event(kind, i, args.keys) for i in range(args.messages))
            )
            with worker_processes(Path(tmp), settings, "erp", args.workers):
                return round_rate(control, args.messages, args.timeout)

        try:
            rates = await run_rounds(
                ["unordered", "ordered"], args.repeat, one, show=lambda r: f"{r:8.0f} msg/s"
            )
        finally:
            await cleanup(settings, config)
    ratios = [o / u for u, o in zip(rates["unordered"], rates["ordered"], strict=True)]
    print()
    print(f"date: {datetime.now(UTC).isoformat(timespec='seconds')}")
    print(f"machine: {machine()}")
    print(
        f"messages: {args.messages}, keys: {args.keys}, workers: {args.workers}, "
        f"partitions: {args.partitions}, prefetch: {args.prefetch}, "
        f"concurrency: {args.concurrency}, repeat: {args.repeat}"
    )
    print("| delivery | msg/s per round |")
    print("|---|---|")
    for kind, values in rates.items():
        print(f"| {kind} | {', '.join(f'{r:.0f}' for r in values)} |")
    print(f"ordered / unordered per round: {', '.join(f'{r:.2f}' for r in ratios)}")
    print(f"median ratio: {statistics.median(ratios):.2f} (goal >= 0.6)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.ordering", description=__doc__)
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--keys", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--prefetch", type=int, default=64)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300)
    asyncio.run(main(parser.parse_args()))

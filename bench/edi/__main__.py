"""``python -m bench.edi``: MB/s reading X12 with omnihub and with pyx12, in one run."""

from __future__ import annotations

import argparse
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

from bench.edi.generate import generate_856
from bench.edi.measure import (
    as_file,
    best_seconds,
    omnihub_envelopes,
    omnihub_full,
    omnihub_segments,
    pyx12_accepts,
    pyx12_segments,
)

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples" / "edi" / "x12"


def machine() -> str:
    cpu = platform.processor() or "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cpus, Python {platform.python_version()}, {platform.system()}"


def row(name: str, work: str, megabytes: float, seconds: float) -> str:
    return f"| {name} | {work} | {megabytes:.2f} | {seconds:.3f} | {megabytes / seconds:.2f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=float, default=20.0, help="generated 856 size")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    parser.add_argument("--sample-loops", type=int, default=200, help="sample set repeats")
    args = parser.parse_args()

    data, sets = generate_856(int(args.size_mb * 1_000_000))
    big = as_file(data)
    mb = len(data) / 1_000_000
    print(f"# bench.edi — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {machine()}")
    print(f"generated 856 interchange: {mb:.2f} MB, {sets} sets; best of {args.repeat}\n")
    print("| reader | work | MB | s | MB/s |")
    print("|---|---|---|---|---|")
    print(row("omnihub", "segments", mb, best_seconds(lambda: omnihub_segments(data), args.repeat)))
    print(
        row(
            "omnihub",
            "segments + envelope checks",
            mb,
            best_seconds(lambda: omnihub_envelopes(data), args.repeat),
        )
    )
    print(
        row(
            "omnihub",
            "+ canonical ASN + 997",
            mb,
            best_seconds(lambda: omnihub_full(data), args.repeat),
        )
    )
    print(
        row(
            "pyx12 4.0",
            "segments + envelope checks (X12Reader)",
            mb,
            best_seconds(lambda: pyx12_segments(big), args.repeat),
        )
    )
    big.unlink()

    print("\n## Public samples\n")
    print("| file | pyx12 reads | pyx12 validates (997) | why not |")
    print("|---|---|---|---|")
    accepted: list[Path] = []
    for path in sorted(SAMPLES.iterdir()):
        reads, valid, why = pyx12_accepts(path)
        print(f"| {path.name} | {'yes' if reads else 'no'} | {'yes' if valid else 'no'} | {why} |")
        if reads:
            accepted.append(path)
    blobs = [p.read_bytes() for p in accepted]
    total = sum(len(b) for b in blobs) * args.sample_loops / 1_000_000

    def ours() -> None:
        for _ in range(args.sample_loops):
            for blob in blobs:
                omnihub_envelopes(blob)

    def theirs() -> None:
        for _ in range(args.sample_loops):
            for path in accepted:
                pyx12_segments(path)

    print(f"\nthe {len(accepted)} files pyx12 reads, {args.sample_loops} times each:\n")
    print("| reader | work | MB | s | MB/s |")
    print("|---|---|---|---|---|")
    print(row("omnihub", "segments + envelope checks", total, best_seconds(ours, args.repeat)))
    print(
        row(
            "pyx12 4.0",
            "segments + envelope checks (X12Reader)",
            total,
            best_seconds(theirs, args.repeat),
        )
    )


if __name__ == "__main__":
    main()

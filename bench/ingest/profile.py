"""Profile the gateway under load with py-spy and say where its CPU time goes.

``py-spy record --format raw`` writes collapsed stacks (``frame;frame;... count``); the
summary groups each sample by the library its innermost Python frame belongs to (the
time a native call takes is charged to the Python frame that made it), and lists the
functions with the most samples, inclusive and exclusive.
"""

from __future__ import annotations

import collections
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import msgspec

from bench.ingest.servers import ServerGroup

__all__ = ["PHASES", "Profile", "ProfilerMissing", "profiler_for", "summarize"]

# (label, substring of a frame's file path); the first match wins, innermost frame first.
AREAS: tuple[tuple[str, str], ...] = (
    ("gateway/ (edge code)", "gateway/"),
    ("omnihub/ (envelope, publisher, ids)", "omnihub/"),
    ("transforms/ (model)", "transforms/"),
    ("aio-pika / aiormq / pamqp (AMQP client)", "aio_pika/"),
    ("aio-pika / aiormq / pamqp (AMQP client)", "aiormq/"),
    ("aio-pika / aiormq / pamqp (AMQP client)", "pamqp/"),
    ("redis-py / limits", "redis/"),
    ("redis-py / limits", "limits/"),
    ("litestar (routing, request, response)", "litestar/"),
    ("uvicorn + httptools (HTTP server)", "uvicorn/"),
    ("uvicorn + httptools (HTTP server)", "httptools/"),
    ("granian (HTTP server)", "granian/"),
    ("msgspec", "msgspec/"),
    ("asyncio / uvloop (event loop)", "asyncio/"),
    ("asyncio / uvloop (event loop)", "uvloop/"),
    ("logging", "logging/"),
)


OTHER = "other (stdlib, native)"


# Where a sample's time belongs on the request path: the first pattern found anywhere in
# its stack wins. Names follow gateway/ as of the partner edge; a renamed function only
# moves its samples to a later row (in the end "event loop / other").
PHASES: tuple[tuple[str, str], ...] = (
    ("Redis: admit (throttle + idempotency script)", r"Admission\.admit"),
    ("Redis: complete (store the response)", r"Admission\.complete"),
    (
        "Redis: auto-pipeline round trips (admissions, responses)",
        r"AutoPipeline\.|CommandQueue\.|RedisBatch\.",
    ),
    ("journeys: buffered and written to PostgreSQL", r"JournalBatch|JourneyWriter|psycopg"),
    ("AMQP: publish + confirm", r"Publisher\.publish|PendingPublishes|Outbox\."),
    ("Redis: event-loop callbacks (send, read)", r"redis/"),
    ("AMQP: event-loop callbacks (frames, confirms)", r"aiormq/|aio_pika/|pamqp/"),
    ("handler: auth, body, decode, envelope, response", r"IngestFlow|JsonBody|Accepting"),
    ("fast lane: ASGI request and response outside the handler", r"FastLane"),
    ("Litestar outside the handler (routing, headers, response)", r"litestar/"),
    ("uvicorn + httptools", r"uvicorn/"),
    ("one write per response (the coalescing transport)", r"CoalescingTransport"),
    ("Litestar's logging QueueListener thread (waiting)", r"QueueListener"),
)


class ProfilerMissing(Exception):
    """py-spy is not installed; the message says how to get it."""


class Profile(msgspec.Struct, frozen=True):
    samples: int
    areas: list[tuple[str, float]]  # (area, share of samples), largest first
    phases: list[tuple[str, float]]  # (phase of the request path, share), largest first
    inclusive: list[tuple[str, float]]  # (function, share of samples containing it)
    exclusive: list[tuple[str, float]]  # (function, share of samples where it is innermost)
    raw_file: str


def _area(frame: str) -> str:
    for label, needle in AREAS:
        if needle in frame:
            return label
    return OTHER


def _charged_area(frames: list[str]) -> str:
    """The innermost frame's area; stdlib or native frames charge the nearest caller's."""
    for frame in reversed(frames):
        area = _area(frame)
        if area != OTHER:
            return area
    return OTHER


def summarize(raw_file: Path, top: int = 25) -> Profile:
    areas: collections.Counter[str] = collections.Counter()
    phases: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    exclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw_file.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [f for f in stack.split(";") if f and not f.startswith("process ")]
        if not frames:
            continue
        total += count
        exclusive[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
        areas[_charged_area(frames)] += count
        joined = ";".join(frames)
        phase = next((label for label, rx in PHASES if re.search(rx, joined)), None)
        phases[phase or "event loop / other"] += count

    def shares(counter: collections.Counter[str], n: int) -> list[tuple[str, float]]:
        return [(k, v / total) for k, v in counter.most_common(n)] if total else []

    return Profile(
        samples=total,
        areas=shares(areas, len(areas)),
        phases=shares(phases, len(phases)),
        inclusive=shares(inclusive, top),
        exclusive=shares(exclusive, top),
        raw_file=str(raw_file),
    )


def profiler_for(out: Path, rate: int = 100) -> Callable[[ServerGroup], Callable[[], None]]:
    """A `during` hook for run_scenario: py-spy records the first worker until the end.

    py-spy pauses the process for each sample (whole stacks; ``--nonblocking`` tears
    about two in five of them), so the profiled run is slower than the measured ones.
    """
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(py_spy).exists():
        raise ProfilerMissing(
            "py-spy is not installed: `.venv/bin/pip install -e '.[bench]'` installs it"
        )

    def start(group: ServerGroup) -> Callable[[], None]:
        pid = group.workers()[0]
        proc = subprocess.Popen(
            [py_spy, "record", "--pid", str(pid), "--rate", str(rate),
             "--format", "raw", "--output", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip

        def stop() -> None:
            proc.send_signal(signal.SIGINT)
            try:
                _, err = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
            if not out.exists():
                raise ProfilerMissing(f"py-spy wrote no profile: {err.decode()[-1000:]}")

        return stop

    return start

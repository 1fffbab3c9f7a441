"""CPU time of processes from /proc, to report who used the two cores during a run."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "busy_cores",
    "cpu_seconds",
    "machine_busy_seconds",
    "pids_named",
    "wait_until_quiet",
]

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU seconds of these processes (gone ones count 0)."""
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / _TICKS


def pids_named(*names: str) -> list[int]:
    """Pids whose command name is one of `names` (e.g. ``beam.smp``, ``redis-server``)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if comm in names:
            found.append(int(entry.name))
    return found


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (everything but idle and iowait)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / _TICKS


def busy_cores(window_s: float = 1.0) -> float:
    """How many cores the whole machine keeps busy, measured over `window_s`."""
    start = machine_busy_seconds()
    time.sleep(window_s)
    return (machine_busy_seconds() - start) / window_s


def wait_until_quiet(max_busy: float, timeout_s: float) -> float:
    """Wait (up to `timeout_s`) until the machine is at most `max_busy` cores busy.

    Other work on the machine takes cores from the processes measured; the harness waits
    for a quiet moment and reports what it saw. Returns the last measured busy cores.
    """
    deadline = time.monotonic() + timeout_s
    busy = busy_cores()
    while busy > max_busy and time.monotonic() < deadline:
        busy = busy_cores()
    return busy

"""CPU time of processes from /proc, to report who used the two cores during a run."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "busy_cores",
    "cpu_by_pid",
    "cpu_delta",
    "cpu_seconds",
    "machine_busy_seconds",
    "machine_steal_seconds",
    "pids_listening",
    "pids_named",
    "wait_until_quiet",
]

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_by_pid(pids: Iterable[int]) -> dict[int, float]:
    """User + system CPU seconds of each of these processes that still exists."""
    found: dict[int, float] = {}
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        found[pid] = (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime
    return found


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU seconds of these processes (gone ones count 0)."""
    return sum(cpu_by_pid(pids).values())


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two `cpu_by_pid` readings by processes present in both."""
    return sum(after[pid] - before[pid] for pid in before.keys() & after.keys())


def pids_named(*names: str) -> list[int]:
    """Pids whose command name is one of `names` (e.g. ``beam.smp``, ``redis-server``).

    Short-lived Erlang VMs of ``rabbitmqctl`` (escripts) are also called ``beam.smp``;
    they are left out, so ``beam.smp`` means the broker.
    """
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
            if comm not in names:
                continue
            if b"escript" in (entry / "cmdline").read_bytes():
                continue
        except OSError:
            continue
        found.append(int(entry.name))
    return found


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rpartition(":")[2], 16) == port:  # 0A = LISTEN
                inodes.add(inode)
    return inodes


def pids_listening(port: int) -> list[int]:
    """The processes holding a socket that listens on `port` (e.g. 5672: the broker).

    Found by socket inode, so another broker or Redis on the machine (tests start some)
    is not counted; falls back to nothing when /proc does not show the owner.
    """
    wanted = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    found: list[int] = []
    if not wanted:
        return found
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            links = {os.readlink(fd) for fd in (entry / "fd").iterdir()}
        except OSError:
            continue
        if links & wanted:
            found.append(int(entry.name))
    return found


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (everything but idle and iowait)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / _TICKS


def machine_steal_seconds() -> float:
    """CPU seconds the hypervisor gave to other guests since boot (/proc/stat steal)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (fields[7] if len(fields) > 7 else 0) / _TICKS


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

"""Free TCP ports on the loopback interface."""

from __future__ import annotations

import random
import socket
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _ephemeral_low() -> int:
    """The first port the system hands to outgoing connections (Linux: 32768)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_ports_in_a_row(count: int) -> int:
    """The first of ``count`` consecutive free ports (a base + i scheme, e.g. the health
    ports of `omnihub dev`'s workers), below the ephemeral range: a process that starts
    opens connections to the broker, Redis and PostgreSQL before it binds the last of
    them, and each such connection takes a free port of that range."""
    top = min(_ephemeral_low(), 65536) - count
    for _ in range(200):
        base = random.randrange(min(20000, top - 1), top)
        if all(_free(base + i) for i in range(count)):
            return base
    raise RuntimeError(f"no {count} consecutive free ports below {top + count}")

"""Listening sockets of the hub's HTTP parts, bound before anything starts.

`omnihub gateway` and `omnihub dev` bind every port they serve (gateway, operator,
sandbox) first: a port another program holds is then one clear line (`PortInUse`) and
exit code 2, before a broker connection or a worker was started that would have to be
torn down again.
"""

from __future__ import annotations

import errno
import socket

from omnihub.errors import OmnihubError

__all__ = ["PortInUse", "listen", "port_of"]

BACKLOG = 2048


class PortInUse(OmnihubError):
    """A part's port is taken (or not ours to bind): an operator fix, not a retry."""

    def __init__(self, part: str, host: str, port: int, reason: str, hint: str) -> None:
        super().__init__(f"port {port} on {host} ({part}) is {reason}; {hint}")
        self.part, self.host, self.port = part, host, port


def listen(
    part: str, host: str, port: int, *, hint: str = "", reuse_port: bool = False
) -> socket.socket:
    """A listening socket on ``host:port`` (0: a free port); ``PortInUse`` when taken.

    ``reuse_port`` sets SO_REUSEPORT, so that several gateway processes share a port and
    the kernel spreads connections over them."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        hint = hint or "stop the program that holds it or choose another port"
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(part, host, port, "already in use", hint) from None
        if exc.errno == errno.EACCES:
            raise PortInUse(part, host, port, "not allowed to this user", hint) from None
        if exc.errno == errno.EADDRNOTAVAIL:
            reason = "on an address this machine does not have"
            raise PortInUse(part, host, port, reason, hint) from None
        raise
    return sock


def port_of(sock: socket.socket) -> int:
    """The port a socket is bound to (the one the kernel chose for port 0)."""
    return int(sock.getsockname()[1])

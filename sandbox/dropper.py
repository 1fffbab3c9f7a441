"""The ``down`` failure mode: a simulated system that does not answer at all.

ASGI has no message for "close the connection without a response": under uvicorn, an
app that raises before ``http.response.start`` (or returns without starting one) gets a
``500 Internal Server Error`` with ``Connection: close`` sent on its behalf. So the
sandbox reaches the connection's transport, which uvicorn's HTTP protocols (h11 and
httptools) expose as ``send.__self__.transport``, and aborts it: the client sees the
connection closed with no response (httpx: ``RemoteProtocolError: Server disconnected
without sending a response``, or a ``ReadError`` for a reset when request bytes were still
unread), like a crashed target or a load balancer with no backend.
When the transport is not reachable (another server, a test client), the fallback is the
nearest honest answer: ``503 Service Unavailable`` with ``Connection: close``.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from litestar.types import Send

from sandbox.responses import problem_answer
from sandbox.state import SandboxState, SystemState

FALLBACK_STATUS = 503


def down_system(sandbox: SandboxState, path: str) -> SystemState | None:
    """The system a request path belongs to, if that system is in ``down`` mode."""
    first = path.lstrip("/").split("/", 1)[0]
    if not first or first.startswith("_"):
        return None
    state = sandbox.find_system(first)
    return state if state is not None and state.mode.down else None


class _Abortable(Protocol):
    def abort(self) -> None: ...


def _server_transport(send: Send) -> _Abortable | None:
    """The connection's transport when the server's ``send`` is a bound method of an
    object holding it (uvicorn's request-response cycle), else None."""
    owner = getattr(send, "__self__", None)
    transport = getattr(owner, "transport", None)
    return transport if callable(getattr(transport, "abort", None)) else None


async def drop_connection(state: SystemState, send: Send) -> None:
    """Abort the connection without answering, or answer 503 + ``Connection: close``."""
    state.received += 1
    transport = _server_transport(send)
    if transport is not None:
        state.dropped += 1
        transport.abort()
        await asyncio.sleep(0)  # let the server see the connection is lost before we return
        return
    state.failures_served += 1
    state.by_status[FALLBACK_STATUS] += 1
    answer = problem_answer(FALLBACK_STATUS, f"sandbox system {state.name!r} is down")
    await send(
        {
            "type": "http.response.start",
            "status": answer.status,
            "headers": [
                (b"content-type", answer.media_type.encode()),
                (b"content-length", str(len(answer.body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": answer.body, "more_body": False})

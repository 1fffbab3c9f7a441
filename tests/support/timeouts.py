"""Per-test time limit that fails a hung test with the stacks of its asyncio tasks.

pytest-timeout reads the limit (`timeout` in pyproject, `@pytest.mark.timeout(n)` on a
test); this plugin arms it. With SIGALRM in the main thread, where the event loop runs,
it prints the stack of every pending asyncio task and every other thread, then fails the
test, so a hang costs one test its limit and says where it waits instead of stalling the
run. pytest-timeout's own signal method prints only thread stacks, which for an asyncio
test show nothing but the loop's `select`.
"""

from __future__ import annotations

import asyncio
import io
import signal
import sys
import threading
import traceback
from types import FrameType
from typing import Any

import pytest


def _await_chain(awaitable: Any) -> list[str]:
    """Where a coroutine waits: its frame, then the frame of what it awaits, and so on."""
    lines: list[str] = []
    while awaitable is not None and len(lines) < 50:
        frame = getattr(awaitable, "cr_frame", None) or getattr(awaitable, "gi_frame", None)
        if frame is not None:
            lines.extend(traceback.format_stack(frame, limit=1))
        else:
            lines.append(f"  awaiting {awaitable!r}\n")
        awaitable = getattr(awaitable, "cr_await", None) or getattr(awaitable, "gi_yieldfrom", None)
    return lines


def _stacks() -> str:
    out = io.StringIO()
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None:
        for task in asyncio.all_tasks(loop):
            out.write(f"\n--- asyncio task {task.get_name()}\n")
            out.write("".join(_await_chain(task.get_coro())))
    main = threading.main_thread().ident
    names = {t.ident: t.name for t in threading.enumerate()}
    for ident, frame in sys._current_frames().items():
        if ident != main:
            out.write(f"\n--- thread {names.get(ident, ident)}\n")
            out.write("".join(traceback.format_stack(frame)))
    return out.getvalue()


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> bool | None:
    if threading.current_thread() is not threading.main_thread():
        return None  # pytest-timeout's thread method takes over
    limit = float(settings.timeout)

    def expired(signum: int, frame: FrameType | None) -> None:
        __tracebackhide__ = True
        sys.stderr.write(f"\n\n=== {item.nodeid} ran past its {limit:g} s limit ===\n")
        sys.stderr.write(_stacks())
        sys.stderr.flush()
        pytest.fail(f"Timeout: the test ran past its {limit:g} s limit (stacks on stderr)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, limit)

    def cancel() -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

    item.cancel_timeout = cancel  # type: ignore[attr-defined]  # pytest-timeout's contract
    return True

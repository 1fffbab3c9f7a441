"""The path every request to a simulated system takes.

received → latency → injected failure? → bearer token (protected systems, see
sandbox.oauth) → guard (auth, gone) → idempotent replay? →
operation → record (+ remember the answer under its idempotency key when it is a 2xx).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from litestar import Request, Response

from sandbox.capture import IDEMPOTENCY_HEADER, Delivery, make_record, read_delivery
from sandbox.errors import InvalidName
from sandbox.failures import decide_failure, failure_answer
from sandbox.oauth import bearer_guard
from sandbox.responses import problem_answer, to_response
from sandbox.state import SandboxState, StoredResponse

Operation = Callable[[Delivery, SandboxState], StoredResponse]
"""A simulated operation: the system's real answer to a delivery."""

Guard = Callable[[Delivery, SandboxState], StoredResponse | None]
"""A check before idempotency (signature, subscription gone); an answer stops the request."""


async def serve_target(
    request: Request[Any, Any, Any],
    sandbox: SandboxState,
    system: str,
    operation: Operation,
    *,
    guard: Guard | None = None,
    key_headers: tuple[str, ...] = (IDEMPOTENCY_HEADER,),
) -> Response[bytes]:
    """Run one request through the sandbox pipeline and answer it."""
    try:
        state = sandbox.system(system)
    except InvalidName as exc:
        return to_response(problem_answer(404, str(exc)))
    state.received += 1
    delivery = await read_delivery(request, system, key_headers)
    if state.mode.latency_ms:
        await asyncio.sleep(state.mode.latency_ms / 1000)
    # No await from here on: check-then-store is atomic within the event loop. A reset
    # during the delay orphans `state`, so a request in flight is forgotten with it.
    failure = decide_failure(state)
    if failure is not None:
        state.failures_served += 1
        state.by_status[failure.status] += 1
        return to_response(failure_answer(system, failure))
    answer = bearer_guard(sandbox, system, request.headers.get("authorization"))
    if answer is None and guard is not None:
        answer = guard(delivery, sandbox)
    key = delivery.idempotency_key
    if answer is None and key is not None and key in state.replays:
        replay = state.replays[key]
        state.duplicates += 1
        state.by_status[replay.status] += 1
        return to_response(replay, replayed=True)
    if answer is None:
        answer = operation(delivery, sandbox)
        if key is not None and 200 <= answer.status < 300:
            state.replays[key] = answer
    state.records.append(make_record(sandbox, delivery, answer.status))
    state.by_status[answer.status] += 1
    return to_response(answer)

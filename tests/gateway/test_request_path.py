"""How many product modules one partner order passes through, from the socket to the
publish confirm (docs/architecture.md, "What a partner order passes through").

One `POST /v1/orders` to a live gateway (real Redis, real RabbitMQ) is traced with
`sys.setprofile`: every Python call in the request's task, and in the plain callbacks the
event loop runs meanwhile (the publish is flushed from one), until the publisher's
`publish` returns with the broker's confirm. A module counts when it belongs to a
product package and ran code in that window; the test fails above the goal and names
the modules.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

from omnihub.broker import publisher
from tests.gateway.edge import Creds
from tests.support.orders import order

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("gateway", "omnihub", "transforms", "connectors", "hub")
GOAL = 15

_PUBLISH = publisher.Publisher.publish.__code__


class _Trace:
    """The product modules that ran, by task, until the publisher's `publish` returned."""

    def __init__(self) -> None:
        self.by_task: dict[asyncio.Task[Any] | None, set[str]] = {}
        self.request_task: asyncio.Task[Any] | None = None
        self.confirmed = False
        self._modules: dict[str, str | None] = {}

    def _module(self, filename: str) -> str | None:
        known = self._modules.get(filename, "")
        if known != "":
            return known
        found: str | None = None
        path = Path(filename)
        if path.is_relative_to(ROOT):
            relative = path.relative_to(ROOT)
            if relative.parts[0] in PRODUCT:
                found = relative.as_posix()
        self._modules[filename] = found
        return found

    def __call__(self, frame: FrameType, event: str, arg: object) -> None:
        if self.confirmed or event != "call":
            if event == "return" and frame.f_code is _PUBLISH and not self.confirmed:
                self.request_task = asyncio.current_task()
                self.confirmed = True
            return
        module = self._module(frame.f_code.co_filename)
        if module is not None:
            try:
                task = asyncio.current_task()
            except RuntimeError:  # no running loop: not the request's work
                return
            self.by_task.setdefault(task, set()).add(module)

    def modules(self) -> list[str]:
        assert self.confirmed, "the publisher's publish never returned: no confirm"
        ran = self.by_task.get(self.request_task, set()) | self.by_task.get(None, set())
        return sorted(ran)


async def _traced_order(client: httpx.AsyncClient, headers: dict[str, str], n: str) -> list[str]:
    trace = _Trace()
    body = json.dumps(order(n))
    sys.setprofile(trace)
    try:
        response = await client.post("/v1/orders", content=body, headers=headers)
    finally:
        sys.setprofile(None)
    assert response.status_code == 202, response.text
    return trace.modules()


async def test_a_partner_order_passes_through_at_most_15_product_modules(
    edge: httpx.AsyncClient, creds: Creds
) -> None:
    headers = {"Authorization": f"Bearer {creds.acme_keys[0]}", "content-type": "application/json"}
    warm = await edge.post("/v1/orders", content=json.dumps(order("TRACE-0")), headers=headers)
    assert warm.status_code == 202, warm.text  # first-use work (connections, caches) done
    modules = await _traced_order(edge, headers, "TRACE-1")
    assert "gateway/ingest/flow.py" in modules, modules  # the trace saw the request
    assert "omnihub/broker/publisher.py" in modules, modules
    assert len(modules) <= GOAL, f"{len(modules)} modules:\n" + "\n".join(modules)

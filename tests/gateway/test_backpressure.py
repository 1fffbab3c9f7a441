"""Back-pressure: past the bound of unconfirmed publishes, 503 with Retry-After at once."""

from __future__ import annotations

import asyncio

import httpx
import msgspec

from gateway import create_app
from omnihub.config import HubConfig
from omnihub.settings import Settings
from tests.gateway.edge import Creds, queued
from tests.gateway.slowproxy import SlowProxy
from tests.support.hub import running_app
from tests.support.orders import order
from tests.support.services import AMQP_HOST, AMQP_PORT


async def test_publishes_piling_up_past_the_bound_get_503_and_the_rest_are_stored(
    edge_config: HubConfig, settings: Settings, creds: Creds
) -> None:
    proxy = SlowProxy(AMQP_HOST, AMQP_PORT)
    await proxy.start()
    vhost = settings.amqp_url.rsplit("/", 1)[1]
    slow = msgspec.structs.replace(
        settings, amqp_url=f"amqp://guest:guest@127.0.0.1:{proxy.port}/{vhost}"
    )
    app = create_app(edge_config, slow, max_pending_publishes=2)
    auth = {"Authorization": f"Bearer {creds.acme_keys[0]}"}
    try:
        async with running_app(app) as url, httpx.AsyncClient(base_url=url, timeout=10) as c:
            assert (await c.post("/v2/orders", json=order("warm"), headers=auth)).status_code == 202
            proxy.delay = 0.5  # the broker's confirms now take half a second
            responses = await asyncio.gather(
                *(c.post("/v2/orders", json=order(f"P-{i}"), headers=auth) for i in range(6))
            )
    finally:
        await proxy.stop()
    codes = sorted(r.status_code for r in responses)
    assert codes == [202, 202, 503, 503, 503, 503]
    busy = next(r for r in responses if r.status_code == 503)
    assert busy.headers["retry-after"] == str(settings.retry_after_s)
    assert busy.json()["type"].endswith("overloaded")
    assert await queued(settings) == 3

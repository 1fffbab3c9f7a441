"""An EDI interchange's sets get journeys too, found by the ASN's shipment id."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import httpx
import redis.asyncio as aioredis

from omnihub.journey import Journey, JourneyStore, Stage
from omnihub.settings import Settings
from tests.gateway.edi_support import EdiCreds, listening, payload, post_edi, write_edi_config
from tests.support.edi_fixtures import fixture
from tests.support.hub import running_gateway


async def test_an_856_through_the_edi_route_has_a_journey_found_by_its_asn_number(
    tmp_path: Path, settings: Settings, redis_client: aioredis.Redis
) -> None:
    creds = EdiCreds()
    config = write_edi_config(tmp_path, creds)
    store = JourneyStore(redis_client, settings.names, timedelta(minutes=5))
    async with (
        running_gateway(config, settings) as url,
        httpx.AsyncClient(base_url=url) as client,
        listening(settings) as published,
    ):
        body = fixture("x12/856_s-o-i_loose-items.edi")
        response = await post_edi(client, "x12", body, creds.supplier)
        [event] = await published.settle(1)
        found: list[Journey] = []
        for _ in range(100):
            found = await store.find(payload(event)["asn_number"], partner="supplier")
            if found:
                break
            await asyncio.sleep(0.05)

    assert response.status_code == 200, response.text
    assert [j.meta.message_id for j in found] == [event.id]
    assert [e.stage for e in found[0].entries] == [Stage.RECEIVED, Stage.PUBLISHED]
    assert found[0].meta.route == "edi-x12"
    assert found[0].meta.trace_id in response.headers["traceparent"]

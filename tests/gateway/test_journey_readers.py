"""`GET /v1/messages/{id}` and the admin API read the journey store: a journey written in
the wrong order still reads delivered and in time order; partners see only their own."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import msgspec
import pytest

from gateway import create_app
from omnihub.settings import Settings
from tests.gateway.journey_support import Keys, journey_config
from tests.omnihub.journey_support import Store, store
from tests.omnihub.journey_timelines import TIME_ORDER, written_out_of_order
from tests.support.hub import running_app
from tests.support.ports import free_port

__all__ = ["store"]


@pytest.mark.parametrize("legacy", [False, True], ids=["gateway-row", "entries-before-v4"])
async def test_message_status_and_admin_journeys_read_delivered_in_time_order(
    tmp_path: Path, settings: Settings, store: Store, legacy: bool
) -> None:
    keys = Keys()
    config = journey_config(tmp_path, "http://127.0.0.1:9", keys)
    route = f"readers-{uuid.uuid4().hex[:8]}"  # the run's database is shared by its tests
    key = f"HTTP-OOO-{uuid.uuid4().hex[:6]}"
    mid = await written_out_of_order(store, partner="acme", key=key, route=route, legacy=legacy)
    async with (
        running_app(create_app(config, settings)) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        own = await client.get(f"/v1/messages/{mid}", headers=Keys.bearer(keys.acme))
        foreign = await client.get(f"/v1/messages/{mid}", headers=Keys.bearer(keys.beta))
        admin = await client.get(f"/admin/journeys/{mid}", headers=Keys.bearer(keys.ops))
        narrowed = await client.get(
            f"/admin/journeys/{key}", params={"partner": "beta"}, headers=Keys.bearer(keys.ops)
        )
        insights = await client.get(
            "/admin/insights", params={"route": route}, headers=Keys.bearer(keys.ops)
        )
        refused = await client.get("/admin/insights", headers=Keys.bearer(keys.acme))

    assert own.status_code == 200, own.text
    assert own.json()["status"] == "delivered"
    assert [s["stage"] for s in own.json()["journey"]] == TIME_ORDER
    assert foreign.status_code == 404 and "acme" not in foreign.text
    assert admin.status_code == 200
    [journey] = admin.json()
    assert journey["outcome"] == "delivered"
    assert [e["stage"] for e in journey["entries"]] == TIME_ORDER
    assert journey["entries"][2]["latency_ms"] == 25.0
    assert narrowed.status_code == 404
    assert insights.status_code == 200, insights.text
    [row] = insights.json()["rows"]
    assert (row["route"], row["target"], row["delivered"]) == (route, "erp", 1)
    assert row["slowest_stage"] == "queue" and row["p50_ms"] == 61.0
    assert refused.status_code == 403


async def test_message_status_answers_503_when_the_store_cannot_be_reached(
    tmp_path: Path, settings: Settings
) -> None:
    keys = Keys()
    config = journey_config(tmp_path, "http://127.0.0.1:9", keys)
    down = msgspec.structs.replace(
        settings, postgres_url=f"postgresql://postgres@127.0.0.1:{free_port()}/omnihub"
    )
    async with (
        running_app(create_app(config, down)) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        answer = await client.get(
            "/v1/messages/01a24c6b-06ce-71bc-ad2f-f2397a262fe9", headers=Keys.bearer(keys.acme)
        )
    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.headers["retry-after"] == "5"

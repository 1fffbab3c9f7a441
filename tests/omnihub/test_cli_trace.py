"""`omnihub trace` and `omnihub insights` read the journey store (PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
import re

import pytest

from hub.cli.main import main
from tests.omnihub.journey_support import Store, store
from tests.omnihub.journey_timelines import TIME_ORDER, written_out_of_order

__all__ = ["store"]


async def test_trace_shows_a_delivered_outcome_and_a_time_ordered_timeline(
    store: Store,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("OMNIHUB_POSTGRES_URL", postgres_url)
    mid = await written_out_of_order(store, key="CLI-OOO-1")
    by_id = await asyncio.to_thread(main, ["trace", mid])
    out = capsys.readouterr().out
    by_key = await asyncio.to_thread(main, ["trace", "CLI-OOO-1", "--partner", "acme"])
    keyed = capsys.readouterr().out
    missing = await asyncio.to_thread(main, ["trace", "CLI-OOO-1", "--partner", "bolt"])

    assert (by_id, by_key, missing) == (0, 0, 1)
    assert "outcome: delivered" in out and keyed == out
    stages = [re.search(r"ms  (\w+)", line).group(1) for line in out.splitlines()[2:]]  # type: ignore[union-attr]
    assert stages == TIME_ORDER
    assert "HTTP 201  25 ms" in out


async def test_trace_says_why_when_postgresql_cannot_be_reached(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OMNIHUB_POSTGRES_URL", "postgresql://postgres@127.0.0.1:1/omnihub")
    code = await asyncio.to_thread(main, ["trace", "WEB-1"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("omnihub: cannot read journeys from PostgreSQL:") and "refused" in err


async def test_insights_reports_delivery_times_by_route_target_and_hour(
    store: Store,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("OMNIHUB_POSTGRES_URL", postgres_url)
    await written_out_of_order(store, route="insights-cli")
    await written_out_of_order(store, route="insights-cli")
    code = await asyncio.to_thread(main, ["insights", "--route", "insights-cli", "--json"])
    rows = json.loads(capsys.readouterr().out)
    table = await asyncio.to_thread(main, ["insights", "--route", "insights-cli"])
    text = capsys.readouterr().out

    assert (code, table) == (0, 0)
    [row] = rows
    assert (row["route"], row["target"], row["messages"], row["delivered"]) == (
        "insights-cli", "erp", 2, 2,
    )  # fmt: skip
    assert row["success_rate"] == 1.0 and row["retry_rate"] == 0.0
    assert row["p50_ms"] == pytest.approx(61, abs=1)  # published +5 ms -> delivered +66 ms
    assert row["stages_ms"] == {"edge": 5.0, "queue": 35.0, "retries": 0.0, "target": 25.0}
    assert row["slowest_stage"] == "queue"
    assert "insights-cli" in text and "queue (35 ms)" in text

"""What the delivery and ordering benchmarks share (bench/common.py): interleaved rounds,
the run's own names, the configuration they write."""

from __future__ import annotations

from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict

from bench.common import drop_database, hub_env, run_rounds, run_settings, write_hub_config
from bench.delivery.loops import Drain
from bench.delivery.throughput import SCENARIOS, ScenarioRuns, ratio_to
from connectors.options import SWITCHABLE_MIDDLEWARE


async def test_rounds_interleave_the_scenarios_and_keep_each_ones_results_in_order() -> None:
    calls: list[str] = []

    async def one(name: str) -> int:
        calls.append(name)
        return len(calls)

    results = await run_rounds(["a", "b", "c"], 2, one)
    assert calls == ["a", "b", "c", "a", "b", "c"]
    assert results == {"a": [1, 4], "b": [2, 5], "c": [3, 6]}


def test_a_run_has_names_and_a_journey_database_of_its_own() -> None:
    first, second = run_settings("delivery"), run_settings("delivery")
    assert first.prefix != second.prefix and first.prefix.startswith("bench-delivery-")
    database = str(conninfo_to_dict(first.postgres_url)["dbname"])
    assert database.startswith("omnihub_bench_delivery_")
    assert database != conninfo_to_dict(second.postgres_url)["dbname"]
    env = hub_env(first)
    assert env["OMNIHUB_PREFIX"] == first.prefix
    assert env["OMNIHUB_POSTGRES_URL"] == first.postgres_url


def test_only_a_bench_database_is_ever_dropped() -> None:
    with pytest.raises(ValueError, match="not a bench database: 'omnihub'"):
        drop_database("postgresql://postgres@127.0.0.1:5432/omnihub")


def test_the_written_configuration_loads_with_its_deliveries_and_targets(tmp_path: Path) -> None:
    config = write_hub_config(
        tmp_path,
        deliveries="""
            orders-to-erp:
              {target: erp, events: [order.created], operation: sales_order.create, retry: std}
        """,
        targets="erp: {kind: erp, base_url: 'http://127.0.0.1:9', prefetch: 8, concurrency: 4}",
    )
    assert list(config.deliveries_for("erp")) == ["orders-to-erp"]
    assert config.targets["erp"].concurrency == 4


def test_the_throughput_scenarios_switch_off_each_middleware_once() -> None:
    switched = [w for w in SCENARIOS.values() if w]
    assert sorted(name for w in switched for name in w) == sorted(SWITCHABLE_MIDDLEWARE)
    assert SCENARIOS["baseline"] is None and SCENARIOS["worker"] == frozenset()


def test_ratios_pair_each_round_with_the_same_rounds_bare_loop() -> None:
    runs = [
        ScenarioRuns("baseline", [Drain(1.0, 1.0), Drain(2.0, 1.0)]),
        ScenarioRuns("worker", [Drain(2.0, 1.0), Drain(2.5, 1.0)]),
    ]
    assert ratio_to(runs, "worker", "baseline", 100) == pytest.approx([0.5, 0.8])

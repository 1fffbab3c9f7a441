"""The benchmark-only switch that leaves middleware out of a worker's chain
(``WorkerOptions.bench_without``): off by default, refused when misspelt."""

from __future__ import annotations

import pytest

from connectors import ConnectorConfigError, WorkerOptions, create_worker
from connectors.middleware.metrics import Metrics
from connectors.middleware.tracing import AttemptTracing, TraceparentOnly
from omnihub.settings import Settings
from tests.support.configs import example_config

SETTINGS = Settings(prefix="bench-switch-test")


def _chain_types(options: WorkerOptions) -> list[str]:
    worker = create_worker(example_config(), SETTINGS, "erp", options=options)
    return [type(m).__name__ for m in worker.chain.middleware]


def test_by_default_every_middleware_runs() -> None:
    assert WorkerOptions.from_env({}).bench_without == frozenset()
    assert _chain_types(WorkerOptions()) == [
        "Metrics", "Journeys", "AttemptTracing", "AttemptHistory", "BreakerMiddleware", "Retries",
    ]  # fmt: skip


def test_the_env_variable_leaves_the_named_middleware_out() -> None:
    options = WorkerOptions.from_env({"OMNIHUB_BENCH_WORKER_WITHOUT": "metrics, tracing"})
    types = _chain_types(options)
    assert Metrics.__name__ not in types and AttemptTracing.__name__ not in types
    assert TraceparentOnly.__name__ in types  # the outbound traceparent still goes out
    assert "Journeys" in types and "Retries" in types


def test_an_unknown_name_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(ConnectorConfigError, match=r"unknown middleware tracng.*breaker"):
        WorkerOptions.from_env({"OMNIHUB_BENCH_WORKER_WITHOUT": "tracng"})

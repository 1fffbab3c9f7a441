"""A failed attempt records how long it really took (issue 14.7): a timeout about the
target's timeout, a refused connection its few milliseconds; in the journey, in the
DLQ's attempt history, and in `omnihub_delivery_seconds`."""

from __future__ import annotations

from pathlib import Path

from connectors import Worker
from omnihub.history import decode_history
from omnihub.journey import Stage
from omnihub.settings import Settings
from sandbox.testing import SandboxServer
from tests.connectors.harness import drain, envelope, erp_config, publish, running
from tests.connectors.harness import wait_depth as wait_dead
from tests.support.journeys import TestJourneys
from tests.support.orders import order
from tests.support.ports import free_port

NO_RETRY = "{attempts: 0, initial_delay: 50ms, max_delay: 50ms}"
TIMEOUT_MS = 2000  # the ERP target's timeout in the harness


def observed(worker: Worker) -> tuple[float, float]:
    """(count, sum in seconds) of the worker's omnihub_delivery_seconds for erp."""
    registry = worker.metrics.prometheus.registry
    labels = {"target": "erp"}
    count = registry.get_sample_value("omnihub_delivery_seconds_count", labels) or 0.0
    total = registry.get_sample_value("omnihub_delivery_seconds_sum", labels) or 0.0
    return count, total


async def _dead_letter_one(
    tmp_path: Path, settings: Settings, url: str
) -> tuple[list[float | None], list[int], tuple[float, float], str]:
    config = erp_config(tmp_path, url, retry=NO_RETRY)
    env = envelope(order("LAT-1"))
    dlq = settings.names.dead_letter_queue("erp")
    async with running(config, settings) as worker:
        await publish(settings, config, [env])
        await wait_dead(settings, dlq, 1)
        [message] = await drain(settings, dlq)
        metric = observed(worker)
    journey = await TestJourneys(settings).get(env.id)
    assert journey is not None and journey.outcome == "dead_lettered"
    attempts = [e for e in journey.entries if e.stage is Stage.ATTEMPT]
    history = decode_history(message.headers)
    return (
        [a.latency_ms for a in attempts],
        [h.latency_ms for h in history],
        metric,
        history[0].error or "",
    )


async def test_a_timed_out_attempt_records_the_time_it_waited(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    sandbox.control.set_mode("erp", latency_ms=TIMEOUT_MS + 1500)  # answers after the timeout
    in_journey, in_history, (count, total), error = await _dead_letter_one(
        tmp_path, settings, sandbox.base_url
    )
    assert error == "TargetTimeout"
    assert len(in_journey) == 1 and in_journey[0] is not None
    assert TIMEOUT_MS * 0.95 <= in_journey[0] < TIMEOUT_MS + 1000
    assert len(in_history) == 1 and TIMEOUT_MS * 0.95 <= in_history[0] < TIMEOUT_MS + 1000
    assert count == 1 and TIMEOUT_MS * 0.95 / 1000 <= total < (TIMEOUT_MS + 1000) / 1000


async def test_an_attempt_that_could_not_connect_records_its_time_and_is_observed(
    tmp_path: Path, settings: Settings
) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens: connection refused
    in_journey, in_history, (count, total), error = await _dead_letter_one(
        tmp_path, settings, nowhere
    )
    assert error == "TargetUnreachable"
    assert len(in_journey) == 1 and in_journey[0] is not None and in_journey[0] >= 1
    assert in_history == [int(in_journey[0])]
    assert count == 1 and total > 0

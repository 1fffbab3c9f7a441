"""Delivery throughput: the worker (all middleware, then one off at a time) against the
bare consume -> POST -> ack loop, each draining the same pre-published envelopes into the
responder, interleaved in rounds.

Every scenario of a round starts from ``messages`` order envelopes published into the
erp target's lane queue (with confirms, 64 in flight), then drains them; the figure is
messages / wall time and the process CPU time per message. A ratio is taken per round
(the host's speed drifts within a run) and the median of the rounds' ratios reported.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import msgspec

from bench.common import cleanup, envelope, publish, run_rounds, write_hub_config
from bench.delivery.loops import Drain, run_baseline, run_worker
from bench.delivery.target import Responder
from connectors.options import SWITCHABLE_MIDDLEWARE
from omnihub.config import HubConfig
from omnihub.settings import Settings

__all__ = [
    "SCENARIOS",
    "ScenarioRuns",
    "fill",
    "median",
    "ratio_to",
    "run_scenarios",
    "write_config",
]

# scenario name -> middleware left out ("baseline" is the bare loop)
SCENARIOS: dict[str, frozenset[str] | None] = {
    "baseline": None,
    "worker": frozenset(),
    **{f"worker without {name}": frozenset({name}) for name in sorted(SWITCHABLE_MIDDLEWARE)},
}


class ScenarioRuns(msgspec.Struct):
    name: str
    drains: list[Drain] = msgspec.field(default_factory=list)

    def rates(self, messages: int) -> list[float]:
        return [messages / d.seconds for d in self.drains]

    def cpu_ms(self, messages: int) -> list[float]:
        return [d.cpu_s * 1000 / messages for d in self.drains]


def write_config(directory: Path, url: str, prefetch: int, concurrency: int) -> HubConfig:
    return write_hub_config(
        directory,
        deliveries="""
            orders-to-erp:
              {target: erp, events: [order.created], operation: sales_order.create, retry: std}
        """,
        targets=f"erp: {{kind: erp, base_url: '{url}', prefetch: {prefetch}, "
        f"concurrency: {concurrency}}}",
    )


def _order(n: int) -> dict[str, object]:
    return {
        "order_number": f"BENCH-{n}",
        "channel": "web",
        "currency": "EUR",
        "lines": [{"line_number": 1, "sku": "SKU-1", "quantity": {"value": "1"}}],
    }


async def fill(settings: Settings, config: HubConfig, n: int) -> None:
    await publish(
        settings, config, (envelope("order.created", "orders", _order(i)) for i in range(n))
    )


async def run_scenarios(
    settings: Settings,
    config: HubConfig,
    target: Responder,
    *,
    messages: int,
    rounds: int,
    prefetch: int,
    concurrency: int,
) -> list[ScenarioRuns]:
    queue = settings.names.target_queue("erp")

    async def one(name: str) -> Drain:
        without = SCENARIOS[name]
        target.reset()
        await fill(settings, config, messages)
        if without is None:
            drain = await run_baseline(settings, queue, target.url, messages, prefetch, concurrency)
        else:
            drain = await run_worker(settings, config, messages, without)
        got = target.count()
        if got < messages:
            raise RuntimeError(f"{name}: the responder got {got} of {messages}")
        return drain

    def show(drain: Drain) -> str:
        return (
            f"{messages / drain.seconds:7.0f} msg/s {drain.cpu_s * 1000 / messages:6.3f} ms CPU/msg"
        )

    try:
        drains = await run_rounds(list(SCENARIOS), rounds, one, show=show)
    finally:
        await cleanup(settings, config)
    return [ScenarioRuns(name, found) for name, found in drains.items()]


def ratio_to(runs: list[ScenarioRuns], name: str, reference: str, messages: int) -> list[float]:
    """Per-round ratios of ``name``'s rate to ``reference``'s."""
    by = {r.name: r.rates(messages) for r in runs}
    return [a / b for a, b in zip(by[name], by[reference], strict=True)]


def median(values: list[float]) -> float:
    return statistics.median(values)

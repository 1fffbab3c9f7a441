"""The delivery's outbound pipeline runs in the worker; the generic REST connector fills
its URL template and headers from the pipeline's output."""

from __future__ import annotations

from pathlib import Path

from omnihub.config import HubConfig
from omnihub.history import DEAD_ERROR_HEADER, DEAD_REASON_HEADER
from omnihub.settings import Settings
from sandbox.testing import SandboxServer
from tests.connectors.harness import (
    drain,
    envelope,
    publish,
    running,
    wait_depth,
    wait_for,
    write_config,
)
from tests.support.orders import order


def rest_config(tmp_path: Path, base_url: str) -> HubConfig:
    return write_config(
        tmp_path,
        targets=f"inventory-api: {{kind: rest, base_url: '{base_url}'}}",
        deliveries="""
        orders-to-inventory:
          target: inventory-api
          events: [order.created]
          retry: fast
          request:
            method: PUT
            path: /inventory/reservations/{reference}
            headers: {X-Channel: "{channel}"}
          pipeline:
            - {step: lookup, label: erp-sku, table: erp-sku, field: "lines[].sku"}
            - step: map
              label: reservation
              template:
                reference: order_number
                channel: channel
                items: "lines[].{sku: sku, quantity: quantity.value}"
        """,
        tables="""
        erp-sku:
          shared: {SKU-123: ERP-0001}
        """,
    )


async def test_the_pipeline_output_is_what_the_target_receives_at_the_templated_url(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    config = rest_config(tmp_path, sandbox.base_url)
    env = envelope(order("W 1/2"))
    async with running(config, settings, "inventory-api"):
        await publish(settings, config, [env])
        await wait_for(lambda: len(sandbox.control.records("inventory")) == 1)
    (record,) = sandbox.control.records("inventory")
    assert record.method == "PUT"
    assert record.path == "/inventory/reservations/W 1/2"  # as decoded by the server
    assert record.headers["x-channel"] == "web"
    assert record.body == {
        "reference": "W 1/2",
        "channel": "web",
        "items": [{"sku": "ERP-0001", "quantity": "2"}],
    }
    assert record.idempotency_key == env.id


async def test_a_pipeline_error_dead_letters_at_once_naming_the_step(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    config = rest_config(tmp_path, sandbox.base_url)
    bad = order("W-2")
    bad["lines"][0]["sku"] = "SKU-UNKNOWN"
    dlq = settings.names.dead_letter_queue("inventory-api")
    async with running(config, settings, "inventory-api"):
        await publish(settings, config, [envelope(bad)])
        await wait_depth(settings, dlq, 1)
        (message,) = await drain(settings, dlq)
    assert message.headers[DEAD_ERROR_HEADER] == "MappingFailed"
    reason = str(message.headers[DEAD_REASON_HEADER])
    assert "erp-sku" in reason and "orders-to-inventory" in reason
    assert sandbox.control.stats("inventory").received == 0

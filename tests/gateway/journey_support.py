"""A hub configuration for end-to-end journey tests: one order route, the ERP target (the
sandbox), partners acme and beta (orders:write) and ops (admin). Keys made per test."""

from __future__ import annotations

import secrets
import textwrap
from pathlib import Path

from gateway.auth import hash_secret
from omnihub.config import HubConfig, load_config
from tests.connectors.harness import ERP_TARGET, FAST_RETRY


class Keys:
    def __init__(self) -> None:
        self.acme = f"ohk_test_acme_{secrets.token_urlsafe(24)}"
        self.beta = f"ohk_test_beta_{secrets.token_urlsafe(24)}"
        self.ops = f"ohk_test_ops_{secrets.token_urlsafe(24)}"

    @staticmethod
    def bearer(key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}


def journey_config(directory: Path, erp_url: str, keys: Keys) -> HubConfig:
    (directory / "policies").mkdir(parents=True, exist_ok=True)
    (directory / "routes.yaml").write_text(
        textwrap.dedent(
            """
            routes:
              orders:
                path: /orders
                event: order.created
                scopes: [orders:write]
                tier: standard
                business_key: order_number
                versions:
                  v1: {schema: Order}
            deliveries:
              orders-to-erp:
                {target: erp, events: [order.created], operation: sales_order.create, retry: fast}
            """
        )
    )
    targets = ERP_TARGET.format(url=erp_url, extra="", breaker="{failures: 50, cool_down: 500ms}")
    (directory / "policies" / "targets.yaml").write_text(
        "targets:\n" + textwrap.indent(textwrap.dedent(targets).strip(), "  ") + "\n"
    )
    (directory / "policies" / "retry.yaml").write_text(f"retry_policies:\n  fast: {FAST_RETRY}\n")
    (directory / "policies" / "edge.yaml").write_text(
        textwrap.dedent(
            f"""
            rate_limit_tiers:
              standard: {{limits: ["1000/second"]}}
            partners:
              acme:
                scopes: [orders:write]
                api_keys: [{{id: acme-1, sha256: "{hash_secret(keys.acme)}"}}]
              beta:
                scopes: [orders:write]
                api_keys: [{{id: beta-1, sha256: "{hash_secret(keys.beta)}"}}]
              ops:
                scopes: [admin]
                api_keys: [{{id: ops-1, sha256: "{hash_secret(keys.ops)}"}}]
            """
        )
    )
    return load_config(directory, env={"ERP_CLIENT_SECRET": "s3cret-client-value"})

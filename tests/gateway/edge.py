"""A configuration for edge tests: partners with every kind of credential, routes for
every rule (versions, scopes, tiers, idempotency, webhooks), keys made per run.

Secrets here are random per test session and exist only in memory and the temporary
config directory; tests assert they never reach responses or logs.
"""

from __future__ import annotations

import base64
import secrets
from pathlib import Path
from typing import Any

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from gateway.auth import hash_secret
from omnihub.config import HubConfig, load_config
from omnihub.settings import Settings
from tests.support.configs import REPO
from tests.support.connections import connect_broker

ISSUER = "https://hub.test"


def _pem(key: ed25519.Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


class Creds:
    """Every credential of the edge config, in plain text (test side only)."""

    def __init__(self) -> None:
        self.acme_keys = [f"ohk_test_acme_{i}_{secrets.token_urlsafe(24)}" for i in range(3)]
        self.beta_key = f"ohk_test_beta_{secrets.token_urlsafe(24)}"
        self.gamma_key = f"ohk_test_gamma_{secrets.token_urlsafe(24)}"
        self.client_id = "acme-erp"
        self.client_secret = f"ohs_{secrets.token_urlsafe(24)}"
        self.whsec_old = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
        self.whsec_new = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
        self.shopify_secret = f"shpss_{secrets.token_hex(16)}"
        self.old_key = ed25519.Ed25519PrivateKey.generate()
        self.new_key = ed25519.Ed25519PrivateKey.generate()

    def all_secrets(self) -> list[str]:
        return [
            *self.acme_keys,
            self.beta_key,
            self.gamma_key,
            self.client_secret,
            self.whsec_old,
            self.whsec_new,
            self.shopify_secret,
        ]

    def env(self) -> dict[str, str]:
        return {
            "T_WHSEC_OLD": self.whsec_old,
            "T_WHSEC_NEW": self.whsec_new,
            "T_SHOPIFY": self.shopify_secret,
            "T_NEW_KEY": _pem(self.new_key).decode(),
        }


def _shopify_pipeline() -> list[Any]:
    example = yaml.safe_load((REPO / "routes.yaml").read_text())
    pipeline: list[Any] = example["routes"]["shopify-orders"]["versions"]["v1"]["pipeline"]
    return pipeline


def write_config(
    directory: Path,
    creds: Creds,
    *,
    jwks_url: str | None = None,
    tight: str = "5/minute",
    max_body: int = 65536,
) -> HubConfig:
    (directory / "policies").mkdir(parents=True, exist_ok=True)
    (directory / "keys").mkdir(exist_ok=True)
    (directory / "keys" / "old.pem").write_bytes(_pem(creds.old_key))
    order_versions = {
        "v0": {
            "schema": "Order",
            "deprecated": "2024-01-01T00:00:00Z",
            "sunset": "2025-01-01T00:00:00Z",
            "migration": "https://docs.test/orders-v2",
        },
        "v1": {
            "schema": "Order",
            "deprecated": "2026-09-01T00:00:00Z",
            "sunset": "2099-06-30T00:00:00Z",
            "migration": "https://docs.test/orders-v2",
        },
        "v2": {"schema": "Order"},
    }
    route = {"method": "POST", "event": "order.created", "scopes": ["orders:write"]}
    routes = {
        "orders": {
            **route,
            "path": "/orders",
            "auth": ["api_key", "oauth2"],
            "api_key_header": "X-Partner-Key",
            "tier": "standard",
            "max_body": max_body,
            "versions": order_versions,
        },
        "keyed-orders": {
            **route,
            "path": "/keyed-orders",
            "tier": "standard",
            "idempotency": "required",
            "idempotency_lock": "1s",  # how long a dead request holds its key (409)
            "versions": {"v1": {"schema": "Order"}},
        },
        "limited-orders": {
            **route,
            "path": "/limited-orders",
            "tier": "tight",
            "versions": {"v1": {"schema": "Order"}},
        },
        "inventory": {
            "path": "/inventory",
            "event": "inventory.adjusted",
            "auth": ["api_key", "oauth2"],
            "scopes": ["inventory:write"],
            "tier": "standard",
            "versions": {"v1": {"schema": "InventoryEvent"}},
        },
        "webhook-orders": {
            **route,
            "path": "/webhooks/standard/orders",
            "auth": ["webhook_standard"],
            "tier": "standard",
            "webhook_tolerance": "5m",
            "versions": {"v1": {"schema": "Order"}},
        },
        "shopify-orders": {
            **route,
            "path": "/webhooks/shopify/orders",
            "auth": ["webhook_shopify"],
            "tier": "standard",
            "versions": {"v1": {"schema": "Order", "pipeline": _shopify_pipeline()}},
        },
    }
    deliveries = {
        "orders-to-sink": {
            "target": "sink",
            "events": ["order.created"],
            "request": {"method": "POST", "path": "/orders"},
        },
        "inventory-to-sink": {
            "target": "sink",
            "events": ["inventory.adjusted"],
            "request": {"method": "POST", "path": "/inventory"},
        },
    }
    partners = {
        "acme": {
            "scopes": ["orders:write"],
            "api_keys": [
                {"id": f"acme-{i}", "sha256": hash_secret(k)} for i, k in enumerate(creds.acme_keys)
            ],
            "oauth_clients": [
                {"client_id": creds.client_id, "secret_sha256": hash_secret(creds.client_secret)}
            ],
            "webhook_secrets": [
                {"id": "std-old", "secret": "${env:T_WHSEC_OLD}"},
                {"id": "std-new", "secret": "${env:T_WHSEC_NEW}"},
                {"id": "shopify", "secret": "${env:T_SHOPIFY}"},
            ],
        },
        "beta": {
            "scopes": ["inventory:write"],
            "api_keys": [{"id": "beta-1", "sha256": hash_secret(creds.beta_key)}],
        },
    }
    partners["gamma"] = {
        "scopes": ["orders:write"],
        "api_keys": [{"id": "gamma-1", "sha256": hash_secret(creds.gamma_key)}],
    }
    issuers: dict[str, Any] = {
        "hub": {
            "kind": "hub",
            "issuer": ISSUER,
            "audience": "omnihub-test",
            "token_lifetime": "5m",
            "leeway": "5s",
            "signing_key": "k-new",
            "keys": {
                "k-old": {"algorithm": "EdDSA", "private_key_file": "keys/old.pem"},
                "k-new": {"algorithm": "EdDSA", "private_key": "${env:T_NEW_KEY}"},
            },
        }
    }
    if jwks_url is not None:
        issuers["idp"] = {
            "kind": "jwks",
            "issuer": "https://idp.test",
            "jwks_url": jwks_url,
            "audience": "omnihub-test",
            "algorithms": ["RS256"],
            "client_claim": "azp",
        }
        partners["beta"]["oauth_clients"] = [{"client_id": "beta-idp-client", "issuer": "idp"}]
    policies = {
        "partners": partners,
        "rate_limit_tiers": {
            "standard": {"limits": ["1000/second"]},
            "tight": {"limits": [tight]},
        },
        "targets": {"sink": {"base_url": "http://127.0.0.1:9"}},
        "token_issuers": issuers,
    }
    (directory / "routes.yaml").write_text(
        yaml.safe_dump({"routes": routes, "deliveries": deliveries}, sort_keys=False)
    )
    (directory / "policies" / "edge.yaml").write_text(yaml.safe_dump(policies, sort_keys=False))
    return load_config(directory, env=creds.env())


async def queued(settings: Settings, event: str = "order.created") -> int:
    """Messages waiting in the sink's queue (every accepted event lands there)."""
    connection = await connect_broker(settings.amqp_url)
    try:
        channel = await connection.channel()
        declared = await channel.declare_queue(settings.names.target_queue("sink"), passive=True)
        return int(declared.declaration_result.message_count or 0)
    finally:
        await connection.close()

"""A worker is built from the configuration, or refused with what to change."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors import ConnectorConfigError, create_worker
from omnihub.settings import Settings
from tests.connectors.harness import write_config
from tests.support.configs import example_config

SETTINGS = Settings(prefix="build-test")


def build(tmp_path: Path, targets: str, deliveries: str) -> None:
    config = write_config(tmp_path, targets=targets, deliveries=deliveries)
    target = next(iter(config.targets))
    create_worker(config, SETTINGS, target)


def test_every_target_of_the_example_configuration_builds() -> None:
    config = example_config()
    for target in config.targets:
        assert create_worker(config, SETTINGS, target).target == target


def test_an_unknown_operation_is_refused_naming_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ConnectorConfigError, match=r"sales_order\.create"):
        build(
            tmp_path,
            "erp: {kind: erp, base_url: 'http://erp.test'}",
            "d1: {target: erp, events: [order.created], operation: sales_order.delete}",
        )


def test_a_rest_delivery_needs_a_request(tmp_path: Path) -> None:
    with pytest.raises(ConnectorConfigError, match="needs `request"):
        build(
            tmp_path,
            "api: {kind: rest, base_url: 'http://api.test'}",
            "d1: {target: api, events: [order.created]}",
        )


def test_a_bad_url_template_is_refused_at_build(tmp_path: Path) -> None:
    with pytest.raises(ConnectorConfigError, match="not a field path"):
        build(
            tmp_path,
            "api: {kind: rest, base_url: 'http://api.test'}",
            "d1: {target: api, events: [order.created], request: {path: '/o/{a..b}'}}",
        )


def test_a_webhook_delivery_takes_no_request(tmp_path: Path) -> None:
    with pytest.raises(ConnectorConfigError, match="webhook target"):
        build(
            tmp_path,
            """
            hooks:
              kind: webhook
              base_url: 'http://p.test'
              subscriptions:
                acme: {url: /h, secret: '${env:S:-whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}'}
            """,
            "d1: {target: hooks, events: [order.created], request: {path: /x}}",
        )


def test_a_malformed_webhook_secret_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConnectorConfigError, match="whsec_"):
        build(
            tmp_path,
            """
            hooks:
              kind: webhook
              base_url: 'http://p.test'
              subscriptions:
                acme: {url: /h, secret: '${env:S:-not-a-secret}'}
            """,
            "d1: {target: hooks, events: [order.created]}",
        )


def test_an_unknown_target_is_refused(tmp_path: Path) -> None:
    config = example_config()
    with pytest.raises(ConnectorConfigError, match="known: carrier, erp"):
        create_worker(config, SETTINGS, "nope")

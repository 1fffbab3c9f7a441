"""The outcome tree: statuses and httpx errors map to the right branch."""

from __future__ import annotations

import httpx
import pytest

from connectors import (
    AuthRejected,
    PermanentFailure,
    RejectedByTarget,
    TargetBusy,
    TransientFailure,
)
from connectors.http_core import parse_retry_after
from connectors.http_errors import VENDOR_ERRORS, map_httpx_error
from connectors.outcome import classify_status


@pytest.mark.parametrize("status", [200, 201, 202, 204])
def test_2xx_is_success(status: int) -> None:
    assert classify_status(status) is None


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_transient(status: int) -> None:
    failure = classify_status(status)
    assert failure is TargetBusy and issubclass(failure, TransientFailure)


@pytest.mark.parametrize("status", [400, 404, 409, 410, 422])
def test_client_errors_are_permanent(status: int) -> None:
    failure = classify_status(status)
    assert failure is RejectedByTarget and issubclass(failure, PermanentFailure)


@pytest.mark.parametrize("status", [401, 403])
def test_auth_errors_are_permanent(status: int) -> None:
    assert classify_status(status) is AuthRejected


def _instance(vendor: type[Exception]) -> Exception:
    request = httpx.Request("POST", "http://t.test/x")
    try:
        return vendor("boom", request=request)  # type: ignore[call-arg]
    except TypeError:
        return vendor("boom")


@pytest.mark.parametrize(("vendor", "mapped", "meaning"), VENDOR_ERRORS)
def test_every_mapped_httpx_error_has_its_mapping(
    vendor: type[Exception], mapped: type[Exception], meaning: str
) -> None:
    failure = map_httpx_error(_instance(vendor), "erp")
    assert type(failure) is mapped
    assert meaning in failure.reason and "erp" in failure.reason


@pytest.mark.parametrize(
    "vendor",
    [
        httpx.ConnectTimeout,
        httpx.ReadTimeout,
        httpx.ConnectError,
        httpx.ReadError,
        httpx.RemoteProtocolError,
    ],
)
def test_network_failures_are_transient(vendor: type[Exception]) -> None:
    assert isinstance(map_httpx_error(_instance(vendor), "erp"), TransientFailure)


def test_retry_after_reads_seconds_and_http_dates() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Mon, 23 Nov 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None

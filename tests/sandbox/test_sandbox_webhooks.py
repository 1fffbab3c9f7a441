"""Partner webhook endpoints: Standard Webhooks signatures, 410 Gone, webhook-id dedup."""

from __future__ import annotations

import base64
import time

import httpx
import pytest

from sandbox.control import SandboxClient
from sandbox.signatures import decode_secret, sign

SECRET = "whsec_" + base64.b64encode(b"partner-acme-signing-key-0123456").decode()
BODY = b'{"type":"order.created","data":{"order_number":"SO-1"}}'


def signed_headers(
    body: bytes = BODY, *, secret: str = SECRET, webhook_id: str = "msg_1", at: int | None = None
) -> dict[str, str]:
    timestamp = int(time.time()) if at is None else at
    return {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(decode_secret(secret), webhook_id, timestamp, body),
    }


@pytest.fixture
def acme(control: SandboxClient) -> str:
    control.set_subscription("acme", secret=SECRET)
    return "/partner/webhooks/acme"


def test_correctly_signed_webhook_is_accepted_and_recorded(
    client: httpx.Client, control: SandboxClient, acme: str
) -> None:
    response = client.post(acme, content=BODY, headers=signed_headers())

    assert response.status_code == 200
    assert response.json() == {"received": True, "subscription": "acme", "webhook_id": "msg_1"}
    [record] = control.records("partner")
    assert record.path == acme
    assert record.status == 200


def test_signature_over_another_body_is_rejected_401(
    client: httpx.Client, control: SandboxClient, acme: str
) -> None:
    headers = signed_headers(b'{"type":"something else"}')

    response = client.post(acme, content=BODY, headers=headers)

    assert response.status_code == 401
    assert "signature" in response.json()["detail"]


def test_signature_with_another_secret_is_rejected_401(client: httpx.Client, acme: str) -> None:
    other = "whsec_" + base64.b64encode(b"not-the-partner-key").decode()

    response = client.post(acme, content=BODY, headers=signed_headers(secret=other))

    assert response.status_code == 401


def test_unsigned_webhook_is_rejected_401_when_a_secret_is_set(
    client: httpx.Client, acme: str
) -> None:
    response = client.post(acme, content=BODY, headers={"content-type": "application/json"})

    assert response.status_code == 401


def test_stale_timestamp_is_rejected_401(client: httpx.Client, acme: str) -> None:
    headers = signed_headers(at=int(time.time()) - 3600)

    response = client.post(acme, content=BODY, headers=headers)

    assert response.status_code == 401
    assert "tolerance" in response.json()["detail"]


def test_subscription_without_secret_accepts_unsigned_webhooks(client: httpx.Client) -> None:
    response = client.post("/partner/webhooks/open", json={"type": "ping"})

    assert response.status_code == 200


def test_gone_subscription_answers_410(client: httpx.Client, control: SandboxClient) -> None:
    control.set_subscription("retired", gone=True)

    response = client.post("/partner/webhooks/retired", json={"type": "ping"})

    assert response.status_code == 410
    assert response.headers["content-type"] == "application/problem+json"


def test_repeated_webhook_id_is_a_duplicate(
    client: httpx.Client, control: SandboxClient, acme: str
) -> None:
    first = client.post(acme, content=BODY, headers=signed_headers(webhook_id="msg_9"))
    second = client.post(acme, content=BODY, headers=signed_headers(webhook_id="msg_9"))

    assert second.content == first.content
    assert second.headers["idempotent-replayed"] == "true"
    assert len(control.records("partner")) == 1
    assert control.stats("partner").duplicates == 1


def test_subscription_view_never_shows_the_secret(control: SandboxClient) -> None:
    view = control.set_subscription("acme", secret=SECRET)
    raw = httpx.get(f"{control.base_url}/_sandbox/partner/subscriptions/acme").text

    assert view.has_secret is True
    assert SECRET not in raw
    assert SECRET.removeprefix("whsec_") not in raw


def test_malformed_secret_is_refused_400(control: SandboxClient) -> None:
    response = httpx.put(
        f"{control.base_url}/_sandbox/partner/subscriptions/acme", json={"secret": "hunter2"}
    )

    assert response.status_code == 400
    assert "whsec_" in response.json()["detail"]
    assert "hunter2" not in response.text

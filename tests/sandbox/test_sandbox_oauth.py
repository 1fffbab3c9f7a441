"""OAuth2 client credentials at /oauth/token and bearer-protected systems (sandbox.oauth).

OAuth settings survive ``DELETE /_sandbox/records`` by design, so every test here puts them
back to "no clients, nothing protected" when it ends.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sandbox.control import SandboxClient


@pytest.fixture(autouse=True)
def oauth_off_afterwards(control: SandboxClient) -> Iterator[None]:
    yield
    control.set_oauth(clients={}, protect=[])
    control.revoke_tokens()


def get_token(client: httpx.Client, secret: str = "s3cret") -> httpx.Response:
    return client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=("erp-client", secret)
    )


def test_registered_client_gets_a_bearer_token(
    client: httpx.Client, control: SandboxClient
) -> None:
    control.set_oauth(clients={"erp-client": "s3cret"}, expires_in=60)

    response = get_token(client)

    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"
    assert response.json()["expires_in"] == 60


def test_wrong_client_secret_is_invalid_client(
    client: httpx.Client, control: SandboxClient
) -> None:
    control.set_oauth(clients={"erp-client": "s3cret"})

    response = get_token(client, secret="wrong")

    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client"}


def test_protected_system_needs_a_valid_token(
    client: httpx.Client, control: SandboxClient, sales_order: dict[str, object]
) -> None:
    control.set_oauth(clients={"erp-client": "s3cret"}, protect=["erp"])
    token = get_token(client).json()["access_token"]

    without = client.post("/erp/sales-orders", json=sales_order)
    with_token = client.post(
        "/erp/sales-orders", json=sales_order, headers={"Authorization": f"Bearer {token}"}
    )

    assert without.status_code == 401
    assert without.headers["www-authenticate"].startswith("Bearer")
    assert with_token.status_code == 201


def test_revoked_tokens_stop_working(
    client: httpx.Client, control: SandboxClient, sales_order: dict[str, object]
) -> None:
    control.set_oauth(clients={"erp-client": "s3cret"}, protect=["erp"])
    headers = {"Authorization": f"Bearer {get_token(client).json()['access_token']}"}

    control.revoke_tokens()

    assert client.post("/erp/sales-orders", json=sales_order, headers=headers).status_code == 401


def test_unprotected_systems_ignore_tokens(client: httpx.Client, control: SandboxClient) -> None:
    control.set_oauth(clients={"erp-client": "s3cret"}, protect=["erp"])

    assert client.post("/wms/expected-receipts", json={}).status_code == 201

"""Credentials never appear in logs or responses, whatever the request did."""

from __future__ import annotations

import base64
import json
import logging
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from standardwebhooks import Webhook

from tests.gateway.edge import Creds
from tests.support.orders import order


async def test_no_credential_reaches_logs_or_responses(
    edge: httpx.AsyncClient, creds: Creds, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    responses: list[httpx.Response] = []
    for key in creds.acme_keys:
        responses.append(
            await edge.post("/v2/orders", json=order(), headers={"Authorization": f"Bearer {key}"})
        )
    responses.append(  # a valid key on a route it may not use
        await edge.post(
            "/v1/inventory", json={}, headers={"Authorization": f"Bearer {creds.acme_keys[0]}"}
        )
    )
    responses.append(  # a malformed body with a valid key
        await edge.post(
            "/v2/orders",
            content=b"{",
            headers={
                "Authorization": f"Bearer {creds.gamma_key}",
                "content-type": "application/json",
            },
        )
    )
    basic = base64.b64encode(f"{creds.client_id}:{creds.client_secret}".encode()).decode()
    token = await edge.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    access = token.json()["access_token"]
    responses.append(
        await edge.post("/v2/orders", json=order(), headers={"Authorization": f"Bearer {access}"})
    )
    responses.append(  # a tampered token
        await edge.post(
            "/v2/orders", json=order(), headers={"Authorization": f"Bearer {access[:-4]}AAAA"}
        )
    )
    body = json.dumps(order()).encode()
    msg_id = f"msg_{uuid.uuid4().hex}"
    signature = Webhook(creds.whsec_new).sign(msg_id, datetime.now(UTC), body.decode())
    responses.append(
        await edge.post(
            "/v1/webhooks/standard/orders",
            content=body,
            headers={
                "webhook-id": msg_id,
                "webhook-timestamp": str(int(datetime.now(UTC).timestamp())),
                "webhook-signature": signature,
                "content-type": "application/json",
            },
        )
    )
    assert {r.status_code for r in responses} >= {202, 400, 403, 401}
    logged = caplog.text
    for secret in [*creds.all_secrets(), access, basic]:
        assert secret not in logged
        for response in responses:
            assert secret not in response.text
            assert all(secret not in v for v in response.headers.values())
    assert signature.split(",", 1)[1] not in logged

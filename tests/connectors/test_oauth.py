"""OAuth2 client credentials against the sandbox's token endpoint, over real sockets."""

from __future__ import annotations

import asyncio
from pathlib import Path

from omnihub.settings import Settings
from sandbox.testing import SandboxServer
from tests.connectors.harness import envelope, erp_config, publish, running, wait_for
from tests.support.orders import order

SECRET = "s3cret-client-value"  # what harness.erp_config puts in ERP_CLIENT_SECRET


def oauth_auth(base_url: str) -> str:
    return (
        "auth: {kind: oauth2_client_credentials, "
        f"token_url: '{base_url}/oauth/token', client_id: omnihub, "
        "client_secret: '${env:ERP_CLIENT_SECRET}', scope: orders}"
    )


def delivered(sandbox: SandboxServer) -> int:
    return len(sandbox.control.records("erp", status=201))


async def test_the_token_is_fetched_once_and_reused(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    sandbox.control.set_oauth(clients={"omnihub": SECRET}, protect=["erp"])
    config = erp_config(tmp_path, sandbox.base_url, extra=oauth_auth(sandbox.base_url))
    async with running(config, settings):
        await publish(settings, config, [envelope(order(f"O-{i}")) for i in range(5)])
        await wait_for(lambda: delivered(sandbox) == 5)
    assert sandbox.control.oauth()["issued"] == 1
    records = sandbox.control.records("erp")
    assert all("authorization" in r.redacted_headers for r in records)
    assert all(SECRET not in str(r.headers) for r in records)


async def test_a_token_refused_with_401_is_refreshed_once_and_the_delivery_succeeds(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    sandbox.control.set_oauth(clients={"omnihub": SECRET}, protect=["erp"])
    config = erp_config(tmp_path, sandbox.base_url, extra=oauth_auth(sandbox.base_url))
    async with running(config, settings) as worker:
        await publish(settings, config, [envelope(order("R-1"))])
        await wait_for(lambda: delivered(sandbox) == 1)
        sandbox.control.revoke_tokens()  # the cached token is now refused
        await publish(settings, config, [envelope(order("R-2"))])
        await wait_for(lambda: delivered(sandbox) == 2)
    assert sandbox.control.oauth()["issued"] == 2
    assert sandbox.control.stats("erp").by_status.get("401") == 1
    assert worker.metrics.counts["retried"] == 0  # refreshed within the attempt


async def test_a_token_about_to_expire_is_refreshed_before_it_is_refused(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    sandbox.control.set_oauth(clients={"omnihub": SECRET}, protect=["erp"], expires_in=2)
    config = erp_config(tmp_path, sandbox.base_url, extra=oauth_auth(sandbox.base_url))
    async with running(config, settings):
        await publish(settings, config, [envelope(order("E-1"))])
        await wait_for(lambda: delivered(sandbox) == 1)
        await asyncio.sleep(1.9)  # inside the refresh margin (10% of 2 s), not yet expired
        await publish(settings, config, [envelope(order("E-2"))])
        await wait_for(lambda: delivered(sandbox) == 2)
    assert sandbox.control.oauth()["issued"] == 2
    assert "401" not in sandbox.control.stats("erp").by_status


async def test_wrong_client_credentials_dead_letter_with_a_clear_reason(
    tmp_path: Path, settings: Settings, sandbox: SandboxServer
) -> None:
    from omnihub.history import DEAD_REASON_HEADER
    from tests.connectors.harness import drain, wait_depth

    sandbox.control.set_oauth(clients={"omnihub": "another-secret"}, protect=["erp"])
    config = erp_config(tmp_path, sandbox.base_url, extra=oauth_auth(sandbox.base_url))
    dlq = settings.names.dead_letter_queue("erp")
    async with running(config, settings):
        await publish(settings, config, [envelope(order("W-1"))])
        await wait_depth(settings, dlq, 1)
        (message,) = await drain(settings, dlq)
    reason = str(message.headers[DEAD_REASON_HEADER])
    assert "refused client 'omnihub'" in reason and "client id and secret" in reason
    assert SECRET not in reason
    assert sandbox.control.stats("erp").received == 0

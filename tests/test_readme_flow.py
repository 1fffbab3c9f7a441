"""The README's promise: `omnihub dev` serves the example, its curl order reaches the ERP.

Runs the real `omnihub dev` process (gateway, workers and sandbox), sends the order
exactly as the README's curl command writes it, and stops the hub with Ctrl-C (SIGINT).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import httpx

from omnihub.settings import Settings
from tests.support.configs import REPO
from tests.support.ports import free_port


def readme_curl() -> tuple[dict[str, str], dict[str, object]]:
    text = (REPO / "README.md").read_text()
    block = re.search(r"curl -s -X POST http://127\.0\.0\.1:8080/v1/orders(.*?)\n# →", text, re.S)
    assert block, "the README has no order curl command"
    headers = dict(h.split(": ", 1) for h in re.findall(r"-H '([^']+)'", block.group(1)))
    body = json.loads(re.search(r"-d '(.*?)'", block.group(1), re.S).group(1))  # type: ignore[union-attr]
    return headers, body


def test_readme_order_reaches_the_sandbox_erp_within_two_seconds(settings: Settings) -> None:
    gateway_port, sandbox_port = free_port(), free_port()
    env = {
        **os.environ,
        "OMNIHUB_AMQP_URL": settings.amqp_url,
        "OMNIHUB_PREFIX": settings.prefix,
        "OMNIHUB_REDIS_URL": settings.redis_url,
        "OMNIHUB_ERP_URL": f"http://127.0.0.1:{sandbox_port}",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hub.cli.main",
            "dev",
            "--config",
            str(REPO),
            "--port",
            str(gateway_port),
            "--sandbox-port",
            str(sandbox_port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=REPO,
    )
    try:
        gateway = f"http://127.0.0.1:{gateway_port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{gateway}/healthz").json()["broker"] == "connected":
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "omnihub dev did not come up in 30 s"
            time.sleep(0.2)
        headers, body = readme_curl()
        sent = time.monotonic()
        response = httpx.post(f"{gateway}/v1/orders", headers=headers, content=json.dumps(body))
        assert response.status_code == 202, response.text
        message_id = response.json()["message_id"]
        records: list[dict[str, object]] = []
        while time.monotonic() - sent < 2.0 and not records:
            records = httpx.get(
                f"http://127.0.0.1:{sandbox_port}/_sandbox/erp/records",
                params={"idempotency_key": message_id},
            ).json()
            time.sleep(0.05)
        assert len(records) == 1, "the README order did not reach the sandbox ERP within 2 s"
        assert records[0]["body"]["order_number"] == body["order_number"]  # type: ignore[index]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    assert proc.returncode == 0, out
    assert "gateway  http://127.0.0.1" in out  # it said where each part listens
